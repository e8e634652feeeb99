import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In, IsNull, Not, type EntityManager } from 'typeorm';
import { t, type Locale } from '../../platform/i18n/i18n';
import { FileStorage } from '../../platform/storage/file-storage';
import { VirusScanner, VirusScanUnavailableError } from '../../platform/storage/virus-scanner';
import { NotificationsService } from '../notifications';
import { ClientSpaceError, ClientSpaceErrorCode, formInvalid, notFound, isId } from './client-space.errors';
import type { MessageAttachment } from './entities/client-request.entity';
import type { Dossier } from './entities/dossier.entity';
import type { FirmClient } from './entities/firm-client.entity';
import { SharedItem, type ItemDetails, type ItemKind } from './entities/shared-item.entity';
import { FirmAudit, type FirmActor } from './firm-audit';
import { FirmsService } from './firms.service';
import { formatAmount, itemDate } from './formats';

/** 20 Mo per file. */
export const UPLOAD_MAX_BYTES = 20 * 1024 * 1024;
export const UPLOAD_MAX_FILES = 10;

/** What a client or the firm may send, recognised from the content (magic numbers), never from the name. */
export const ACCEPTED_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/tiff': 'tif',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  // Word 97-2003 and Excel 97-2003 (Compound File Binary).
  'application/x-cfb': 'doc',
  'application/rtf': 'rtf',
};

/** The categories of the client's home page (« ACCÉDER À : »), in the seed's order, with their path. */
export const CATEGORIES = [
  { key: 'documents', labelKey: 'clientSpace:categories.documents', kind: 'document' },
  { key: 'dossiers', labelKey: 'clientSpace:categories.dossiers', kind: undefined },
  { key: 'rdv', labelKey: 'clientSpace:categories.rdv', kind: 'rdv' },
  { key: 'factures', labelKey: 'clientSpace:categories.factures', kind: 'facture' },
  { key: 'taches', labelKey: 'clientSpace:categories.taches', kind: 'tache' },
  { key: 'temps-passes', labelKey: 'clientSpace:categories.tempsPasses', kind: 'temps' },
  { key: 'frais', labelKey: 'clientSpace:categories.frais', kind: 'frais' },
] as const satisfies ReadonlyArray<{ key: string; labelKey: string; kind: ItemKind | undefined }>;
export type CategoryKey = (typeof CATEGORIES)[number]['key'];

/** The categories with their label in the current language (« Documents », « RDV »…). */
export const categories = () => CATEGORIES.map((c) => ({ ...c, label: t(c.labelKey) }));

export interface UploadedFile {
  name: string;
  data: Buffer;
}

export interface NewItem {
  kind: string;
  title: string;
  date: string;
  place?: string;
  time?: string;
  invoiceNumber?: string;
  amount?: string;
  minutes?: string;
  file?: UploadedFile;
  share?: boolean;
}

export interface ItemView {
  id: string;
  kind: ItemKind;
  direction: 'recu' | 'depose';
  title: string;
  date: string;
  dossierId: string;
  dossier: string;
  details: ItemDetails;
  amount?: string;
  hasFile: boolean;
  fileName: string | null;
  shared: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An amount typed « 1 250,50 » or « 1250.50 » → cents, or undefined. */
export function parseAmount(value: string | undefined): number | undefined {
  const cleaned = (value ?? '').replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(cleaned)) return undefined;
  return Math.round(Number(cleaned) * 100);
}

/**
 * The items of the dossiers: created by the firm (documents reçus, rendez-vous, factures, tâches, temps, frais) and
 * shared explicitly, or uploaded by a client (documents déposés). A client reads only the shared items of the dossiers
 * they are a client of.
 */
@Injectable()
export class ItemsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly firms: FirmsService,
    private readonly storage: FileStorage,
    private readonly notifications: NotificationsService,
    private readonly antivirus: VirusScanner,
    private readonly audit: FirmAudit,
  ) {}

  /** The accepted type of a file's content, or undefined (an executable renamed `.pdf`, a text file…). */
  async detectType(data: Buffer): Promise<string | undefined> {
    const { fileTypeFromBuffer } = await import('file-type');
    const mime = (await fileTypeFromBuffer(data))?.mime;
    return mime && mime in ACCEPTED_TYPES ? mime : undefined;
  }

  /**
   * Checks every file before anything is stored (size, type from the content, then the antivirus): all of them are
   * accepted, or none.
   */
  async checkFiles(files: UploadedFile[]): Promise<string[]> {
    const types: string[] = [];
    for (const file of files) {
      if (file.data.length > UPLOAD_MAX_BYTES)
        throw new ClientSpaceError(
          ClientSpaceErrorCode.FILE_REFUSED,
          t('clientSpace:errors.fileTooLarge', { name: file.name, megabytes: UPLOAD_MAX_BYTES / 1024 / 1024 }),
        );
      const type = await this.detectType(file.data);
      if (!type)
        throw new ClientSpaceError(
          ClientSpaceErrorCode.FILE_REFUSED,
          t('clientSpace:errors.fileType', { name: file.name }),
        );
      types.push(type);
    }
    // Then the antivirus (when clamd is configured): one infected file, or no verdict, and nothing is kept.
    for (const file of files) {
      let verdict;
      try {
        verdict = await this.antivirus.scan(file.data);
      } catch (error) {
        if (!(error instanceof VirusScanUnavailableError)) throw error;
        throw new ClientSpaceError(
          ClientSpaceErrorCode.ANTIVIRUS_UNAVAILABLE,
          t('clientSpace:errors.antivirusUnavailable'),
        );
      }
      if (!verdict.clean)
        throw new ClientSpaceError(
          ClientSpaceErrorCode.FILE_REFUSED,
          t('clientSpace:errors.virus', {
            name: file.name,
            viruses: verdict.viruses.join(', ') || t('clientSpace:errors.unknownSignature'),
          }),
        );
    }
    return types;
  }

  /** A new item of a firm's dossier; `share`: visible to its clients at once (and in their digest). */
  async create(firmId: string, dossierId: string, input: NewItem, actor?: FirmActor): Promise<SharedItem> {
    const dossier = await this.firms.dossier(firmId, dossierId);
    const kinds: Record<string, ItemKind> = {
      document: 'document',
      rdv: 'rdv',
      facture: 'facture',
      tache: 'tache',
      temps: 'temps',
      frais: 'frais',
    };
    const kind = kinds[input.kind];
    const fields: Record<string, string> = {};
    if (!kind) fields.kind = t('clientSpace:errors.kind');
    const title = input.title.trim();
    if (!title || title.length > 300) fields.title = t('clientSpace:errors.title');
    if (!DATE.test(input.date) || Number.isNaN(Date.parse(input.date))) fields.date = t('clientSpace:errors.date');
    const details: ItemDetails = {};
    if (kind === 'rdv') {
      details.place = (input.place ?? '').trim().slice(0, 300);
      if (!details.place) fields.place = t('clientSpace:errors.place');
      if (input.time && !/^([01]\d|2[0-3]):[0-5]\d$/.test(input.time)) fields.time = t('clientSpace:errors.time');
      if (input.time) details.time = input.time;
    }
    if (kind === 'facture' || kind === 'frais') {
      const cents = parseAmount(input.amount);
      if (cents === undefined || cents <= 0) fields.amount = t('clientSpace:errors.amount');
      details.amountCents = cents;
    }
    if (kind === 'facture') {
      details.invoiceNumber = (input.invoiceNumber ?? '').trim().slice(0, 60);
      if (!details.invoiceNumber) fields.invoiceNumber = t('clientSpace:errors.invoiceNumber');
      details.status = 'a-payer';
    }
    if (kind === 'temps') {
      const minutes = Number(input.minutes);
      if (!Number.isInteger(minutes) || minutes <= 0 || minutes > 100000)
        fields.minutes = t('clientSpace:errors.minutes');
      details.minutes = minutes;
    }
    if (kind === 'tache') details.done = false;
    if (kind === 'document' && !input.file) fields.file = t('clientSpace:errors.file');
    if (Object.keys(fields).length) throw formInvalid(fields);
    let fileType: string | undefined;
    if (input.file) {
      try {
        [fileType] = await this.checkFiles([input.file]);
      } catch (error) {
        if (error instanceof ClientSpaceError) throw formInvalid({ file: error.message });
        throw error;
      }
    }
    const fileKey = input.file ? `client-space/documents/${randomUUID()}` : null;
    if (input.file && fileKey) await this.storage.put(fileKey, input.file.data);
    // Read before the transaction: the embedded database has one connection, never held while waiting on another.
    const recipients = input.share ? await this.recipients(dossier) : undefined;
    return this.dataSource.transaction(async (manager) => {
      const item = await manager.getRepository(SharedItem).save(
        manager.getRepository(SharedItem).create({
          firmId,
          dossierId: dossier.id,
          kind,
          direction: 'recu',
          title,
          itemDate: input.date,
          details,
          fileKey,
          fileType: fileType ?? null,
          fileName: input.file ? safeName(input.file.name) : null,
          fileSize: input.file?.data.length ?? null,
          sharedAt: null,
        }),
      );
      await this.audit.record(
        manager,
        actor,
        kind === 'facture' ? 'client-space.invoice.created' : 'client-space.item.created',
        { type: 'shared_item', id: item.id },
        firmId,
        {
          dossierId: dossier.id,
          kind,
          title,
          ...(kind === 'facture' ? { invoiceNumber: details.invoiceNumber, amountCents: details.amountCents } : {}),
          shared: Boolean(recipients),
        },
      );
      if (recipients) await this.shareIn(manager, item, dossier, recipients);
      return item;
    });
  }

  /** Shares an item with the dossier's clients; their digest e-mail gets a line. Sharing twice changes nothing. */
  async share(firmId: string, itemId: string, actor?: FirmActor): Promise<void> {
    const item = await this.itemOfFirm(firmId, itemId);
    if (item.sharedAt) return;
    const dossier = await this.firms.dossier(firmId, item.dossierId);
    const recipients = await this.recipients(dossier);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.shareIn(manager, item, dossier, recipients))) return;
      await this.audit.record(
        manager,
        actor,
        'client-space.item.shared',
        { type: 'shared_item', id: item.id },
        firmId,
        {
          dossierId: dossier.id,
          kind: item.kind,
          before: { shared: false },
          after: { shared: true },
          recipients: recipients.emails.length,
        },
      );
    });
  }

  async unshare(firmId: string, itemId: string, actor?: FirmActor): Promise<void> {
    const item = await this.itemOfFirm(firmId, itemId);
    if (item.direction === 'depose') return; // a client's own upload stays theirs to see
    await this.dataSource.transaction(async (manager) => {
      const changed = await manager
        .createQueryBuilder()
        .update(SharedItem)
        .set({ sharedAt: null })
        .where('id = :id AND shared_at IS NOT NULL', { id: item.id })
        .execute();
      if (!changed.affected) return;
      await this.audit.record(
        manager,
        actor,
        'client-space.item.unshared',
        { type: 'shared_item', id: item.id },
        firmId,
        {
          dossierId: item.dossierId,
          kind: item.kind,
          before: { shared: true },
          after: { shared: false },
        },
      );
    });
  }

  /** The firm's name and the addresses (with their account's language) of the dossier's clients, for the digest. */
  private async recipients(dossier: Dossier): Promise<{ firm: string; emails: string[]; locales: Locale[] }> {
    const firm = await this.firms.firm(dossier.firmId);
    const clients = await this.firms.clientsOfDossier(dossier.id);
    const locales: Locale[] = [];
    for (const client of clients) locales.push(await this.firms.localeOf(client));
    return { firm: firm.name, emails: clients.map((c) => c.contact.email), locales };
  }

  private async shareIn(
    manager: EntityManager,
    item: SharedItem,
    dossier: Dossier,
    recipients: { firm: string; emails: string[]; locales: Locale[] },
  ): Promise<boolean> {
    const shared = await manager
      .createQueryBuilder()
      .update(SharedItem)
      .set({ sharedAt: () => 'now()' })
      .where('id = :id AND shared_at IS NULL', { id: item.id })
      .execute();
    if (!shared.affected) return false;
    item.sharedAt = new Date();
    for (const [index, email] of recipients.emails.entries()) {
      await this.notifications.enqueueDigestItem(manager, {
        to: email,
        locale: recipients.locales[index],
        template: 'client-space-digest',
        item: {
          kind: item.kind,
          firm: recipients.firm,
          dossier: `${dossier.number} - ${dossier.label}`,
          title: item.title,
        },
      });
    }
    return true;
  }

  async itemOfFirm(firmId: string, itemId: string): Promise<SharedItem> {
    if (!isId(itemId)) throw notFound('item');
    const item = await this.dataSource.getRepository(SharedItem).findOneBy({ id: itemId, firmId });
    if (!item) throw notFound('item');
    return item;
  }

  /** Every item of a firm's dossier, shared or not (the firm's page). */
  async ofDossier(firmId: string, dossierId: string): Promise<ItemView[]> {
    const dossier = await this.firms.dossier(firmId, dossierId);
    const items = await this.dataSource
      .getRepository(SharedItem)
      .find({ where: { dossierId: dossier.id }, order: { itemDate: 'DESC', createdAt: 'DESC' } });
    return items.map((i) => view(i, dossier));
  }

  /** The file of a firm's item. */
  async fileForFirm(firmId: string, itemId: string): Promise<{ item: SharedItem; data: Buffer }> {
    return this.file(await this.itemOfFirm(firmId, itemId));
  }

  // ---- The client's side: only shared items of their own dossiers ----

  private async visible(client: FirmClient, kind?: ItemKind): Promise<{ items: SharedItem[]; dossiers: Dossier[] }> {
    const dossiers = await this.firms.dossiersOfClient(client);
    if (!dossiers.length) return { items: [], dossiers };
    const items = await this.dataSource.getRepository(SharedItem).find({
      where: {
        firmId: client.firmId,
        dossierId: In(dossiers.map((d) => d.id)),
        sharedAt: Not(IsNull()),
        ...(kind ? { kind } : {}),
      },
      order: { itemDate: 'DESC', createdAt: 'DESC' },
    });
    // A dossier may have several clients: what one of them uploaded (déposé) is for the firm, not for the others.
    return { items: items.filter((i) => i.direction !== 'depose' || i.uploadedByClientId === client.id), dossiers };
  }

  /** « ACCÉDER À : » with the number of shared elements per category, every dossier together. */
  async counts(client: FirmClient): Promise<Record<CategoryKey, number>> {
    const { items, dossiers } = await this.visible(client);
    const count = (kind: ItemKind) => items.filter((i) => i.kind === kind).length;
    return {
      documents: count('document'),
      dossiers: dossiers.length,
      rdv: count('rdv'),
      factures: count('facture'),
      taches: count('tache'),
      'temps-passes': count('temps'),
      frais: count('frais'),
    };
  }

  async forClient(client: FirmClient, kind: ItemKind): Promise<ItemView[]> {
    const { items, dossiers } = await this.visible(client, kind);
    return items.map((i) =>
      view(
        i,
        dossiers.find((d) => d.id === i.dossierId)!,
      ),
    );
  }

  async dossierForClient(client: FirmClient, dossierId: string): Promise<{ dossier: Dossier; items: ItemView[] }> {
    if (!isId(dossierId)) throw notFound('dossier');
    const { items, dossiers } = await this.visible(client);
    const dossier = dossiers.find((d) => d.id === dossierId);
    if (!dossier) throw notFound('dossier');
    return { dossier, items: items.filter((i) => i.dossierId === dossier.id).map((i) => view(i, dossier)) };
  }

  async itemForClient(client: FirmClient, itemId: string): Promise<SharedItem> {
    if (!isId(itemId)) throw notFound('item');
    const { items } = await this.visible(client);
    const item = items.find((i) => i.id === itemId);
    if (!item) throw notFound('item');
    return item;
  }

  /** A download: only a shared item of one of the client's dossiers. */
  async fileForClient(client: FirmClient, itemId: string): Promise<{ item: SharedItem; data: Buffer }> {
    return this.file(await this.itemForClient(client, itemId));
  }

  /**
   * « Dépôt de documents »: the client's files go to one of their dossiers as documents déposés (visible to them and
   * to the firm at once). Every file is checked (type from the content, size) before any is kept.
   */
  async upload(client: FirmClient, dossierId: string, files: UploadedFile[]): Promise<SharedItem[]> {
    if (!isId(dossierId)) throw formInvalid({ dossier: t('clientSpace:errors.uploadDossier') });
    const dossiers = await this.firms.dossiersOfClient(client);
    const dossier = dossiers.find((d) => d.id === dossierId);
    if (!dossier) throw formInvalid({ dossier: t('clientSpace:errors.uploadDossier') });
    if (!files.length) throw formInvalid({ files: t('clientSpace:errors.uploadNone') });
    if (files.length > UPLOAD_MAX_FILES)
      throw formInvalid({ files: t('clientSpace:errors.uploadTooMany', { files: UPLOAD_MAX_FILES }) });
    const types = await this.checkFiles(files);
    const keys: string[] = [];
    for (const file of files) {
      const key = `client-space/documents/${randomUUID()}`;
      await this.storage.put(key, file.data);
      keys.push(key);
    }
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
    const interlocutor = await this.firms.interlocutor(dossier);
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(SharedItem);
      const saved: SharedItem[] = [];
      for (const [index, file] of files.entries()) {
        saved.push(
          await repository.save(
            repository.create({
              firmId: client.firmId,
              dossierId: dossier.id,
              kind: 'document',
              direction: 'depose',
              title: safeName(file.name).replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'Document',
              itemDate: today,
              details: {},
              fileKey: keys[index],
              fileType: types[index],
              fileName: safeName(file.name),
              fileSize: file.data.length,
              uploadedByClientId: client.id,
              sharedAt: new Date(),
            }),
          ),
        );
      }
      await this.notifications.enqueueDigestItem(manager, {
        to: interlocutor.email,
        template: 'activity-digest',
        item: {
          text: `${files.length === 1 ? 'Un document a été déposé' : `${files.length} documents ont été déposés`} par votre client dans le dossier ${dossier.number} - ${dossier.label}.`,
          path: `/espace-cabinet/cabinets/${client.firmId}/dossiers/${dossier.id}`,
        },
      });
      return saved;
    });
  }

  /**
   * Files joined to a message: the uploads' rules (count, size, type from the content, antivirus), all or none; a
   * refusal is a form error on `attachments`. Stored like the documents.
   */
  async storeAttachments(files: UploadedFile[]): Promise<MessageAttachment[]> {
    if (files.length > UPLOAD_MAX_FILES)
      throw formInvalid({ attachments: t('clientSpace:errors.attachmentsTooMany', { files: UPLOAD_MAX_FILES }) });
    let types: string[];
    try {
      types = await this.checkFiles(files);
    } catch (error) {
      if (error instanceof ClientSpaceError) throw formInvalid({ attachments: error.message });
      throw error;
    }
    const attachments: MessageAttachment[] = [];
    for (const [index, file] of files.entries()) {
      const key = `client-space/documents/${randomUUID()}`;
      await this.storage.put(key, file.data);
      attachments.push({ key, type: types[index], name: safeName(file.name), size: file.data.length });
    }
    return attachments;
  }

  /** A message's attachment, read from the storage. */
  async attachmentData(attachment: MessageAttachment): Promise<Buffer> {
    const data = await this.storage.get(attachment.key);
    if (!data) throw notFound('item');
    return data;
  }

  /** Marks an invoice paid (the payment provider's verified event only); idempotent. */
  async markInvoicePaid(invoiceId: string, amountCents: number): Promise<boolean> {
    if (!isId(invoiceId) || !Number.isSafeInteger(amountCents)) return false;
    // Only for the amount the invoice asks now: a payment started before the amount changed pays nothing here.
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE shared_item SET details = jsonb_set(details, '{status}', '"payee"')
        WHERE id = $1 AND kind = 'facture' AND details ->> 'status' IS DISTINCT FROM 'payee'
          AND details ->> 'amountCents' = $2`,
      [invoiceId, String(amountCents)],
    );
    return result[1] > 0;
  }

  private async file(item: SharedItem): Promise<{ item: SharedItem; data: Buffer }> {
    const data = item.fileKey ? await this.storage.get(item.fileKey) : undefined;
    if (!data) throw notFound('item');
    return { item, data };
  }
}

function view(item: SharedItem, dossier: Dossier): ItemView {
  return {
    id: item.id,
    kind: item.kind,
    direction: item.direction,
    title: item.title,
    date: itemDate(item.itemDate),
    dossierId: dossier.id,
    dossier: `${dossier.number} - ${dossier.label}`,
    details: item.details,
    amount: item.details.amountCents !== undefined ? formatAmount(item.details.amountCents) : undefined,
    hasFile: Boolean(item.fileKey),
    fileName: item.fileName,
    shared: Boolean(item.sharedAt),
  };
}

/** A file name to show and to send back in Content-Disposition: no path, no control character, bounded. */
export function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return (
    base
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f"]/g, '')
      .trim()
      .slice(0, 200) || 'document'
  );
}
