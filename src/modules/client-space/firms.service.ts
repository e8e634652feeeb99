import { isUniqueViolation } from '../../platform/database/concurrent-write';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { DEFAULT_LOCALE, t, type Locale } from '../../platform/i18n/i18n';
import { FileStorage } from '../../platform/storage/file-storage';
import { brandColourProblem, normaliseHexColour } from '../../platform/views/branding';
import { IdentityError, IdentityService } from '../identity';
import { NotificationsService } from '../notifications';
import { ClientSpaceError, ClientSpaceErrorCode, formInvalid, notFound, isId } from './client-space.errors';
import { Dossier, DossierClient } from './entities/dossier.entity';
import { FirmClient, type ClientContact } from './entities/firm-client.entity';
import { Firm, FirmStaff, STAFF_ROLES, type StaffRole } from './entities/firm.entity';
import { contactProblems, normaliseContact } from './contact';
import { FirmAudit, type FirmActor } from './firm-audit';

export interface NewClient {
  kind: string;
  companyName?: string;
  contact: Partial<ClientContact>;
}

export interface DossierSummary {
  id: string;
  number: string;
  label: string;
  interlocutor: string;
  clients: string[];
}

const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

/**
 * Why a firm's colour cannot be used, in the page's language, or `undefined`: `#rrggbb` (or `#rgb`), at WCAG 2.1 AA
 * against white (its clients' bar and buttons carry white text on it; `brandColourProblem` names the ratio).
 */
function firmColourProblem(raw: string): string | undefined {
  if (!normaliseHexColour(raw)) return 'La couleur s’écrit #rrvvbb, par exemple #1f4e79.';
  const problem = brandColourProblem(raw);
  return problem && t('brand:firm.colourRefused', { problem });
}

/** The name a client is shown under on the firm's pages: « ALEXANDER Luce », or the company's name. */
export const clientName = (client: FirmClient): string =>
  client.kind === 'societe' && client.companyName
    ? client.companyName
    : `${client.contact.familyName.toUpperCase()} ${client.contact.givenName}`.trim();

/**
 * Firms, their staff, their clients and their dossiers. Every use case of a firm's page takes the firm's id, which the
 * permission check matched to the signed-in staff member, and every query is bounded by it: another firm's client or
 * dossier is « introuvable ».
 */
@Injectable()
export class FirmsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly notifications: NotificationsService,
    private readonly storage: FileStorage,
    private readonly audit: FirmAudit,
  ) {}

  // ---- Firms (operators) ----

  async addFirm(input: { name: string; onlinePayment?: boolean; primaryColor?: string }): Promise<Firm> {
    const name = input.name.trim();
    if (!name || name.length > 200) throw formInvalid({ name: t('clientSpace:errors.firmName') });
    const raw = input.primaryColor?.trim() || '#1f4e79';
    const problem = firmColourProblem(raw);
    if (problem) throw formInvalid({ primaryColor: problem });
    const color = normaliseHexColour(raw)!;
    const firms = this.dataSource.getRepository(Firm);
    return firms.save(firms.create({ name, primaryColor: color, onlinePayment: input.onlinePayment ?? false }));
  }

  async listFirms(): Promise<Firm[]> {
    return this.dataSource.getRepository(Firm).find({ order: { name: 'ASC' } });
  }

  async firm(firmId: string): Promise<Firm> {
    if (!isId(firmId)) throw notFound('firm');
    const firm = await this.dataSource.getRepository(Firm).findOneBy({ id: firmId });
    if (!firm) throw notFound('firm');
    return firm;
  }

  /** Branding of the clients' pages: name, colour, logo (its type read from its content). */
  async updateBranding(
    firmId: string,
    input: { name?: string; primaryColor?: string; logo?: Buffer },
    actor?: FirmActor,
  ): Promise<Firm> {
    const firm = await this.firm(firmId);
    const before = { name: firm.name, primaryColor: firm.primaryColor, logo: firm.logoKey !== null };
    const fields: Record<string, string> = {};
    const name = input.name?.trim();
    if (name !== undefined && (!name || name.length > 200)) fields.name = 'Donnez le nom du cabinet.';
    const rawColor = input.primaryColor?.trim();
    const colorProblem = rawColor !== undefined ? firmColourProblem(rawColor) : undefined;
    if (colorProblem) fields.primaryColor = colorProblem;
    const color = rawColor !== undefined && !colorProblem ? normaliseHexColour(rawColor) : undefined;
    let logoType: string | undefined;
    if (input.logo) {
      const { fileTypeFromBuffer } = await import('file-type');
      const detected = (await fileTypeFromBuffer(input.logo))?.mime;
      logoType = LOGO_TYPES.find((t) => t === detected);
      if (!logoType) fields.logo = 'Le logo doit être une image PNG, JPEG ou WebP.';
    }
    if (Object.keys(fields).length) throw formInvalid(fields);
    if (name) firm.name = name;
    if (color) firm.primaryColor = color;
    if (input.logo && logoType) {
      const key = `client-space/logos/${randomUUID()}`;
      await this.storage.put(key, input.logo);
      if (firm.logoKey) await this.storage.delete(firm.logoKey);
      firm.logoKey = key;
      firm.logoType = logoType;
    }
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Firm).save(firm);
      await this.audit.record(
        manager,
        actor,
        'client-space.firm.branding-updated',
        { type: 'firm', id: firm.id },
        firm.id,
        {
          before,
          after: { name: firm.name, primaryColor: firm.primaryColor, logo: firm.logoKey !== null },
        },
      );
      return saved;
    });
  }

  async logo(firmId: string): Promise<{ data: Buffer; type: string } | undefined> {
    const firm = await this.firm(firmId);
    if (!firm.logoKey || !firm.logoType) return undefined;
    const data = await this.storage.get(firm.logoKey);
    return data && { data, type: firm.logoType };
  }

  // ---- Staff ----

  /** Adds a staff account: the platform account of this address, or one invited (`inviteAccount()`). */
  async addStaff(firmId: string, email: string, role: string, invitedBy?: string): Promise<FirmStaff> {
    const firm = await this.firm(firmId);
    if (!STAFF_ROLES.includes(role as StaffRole)) throw formInvalid({ role: t('clientSpace:errors.role') });
    const address = email.trim().toLowerCase();
    let account = await this.identity.findByEmail(address);
    if (!account) {
      const local = address.split('@')[0] ?? '';
      const [given, ...family] = local.split(/[._-]/);
      account = await this.inviteOrExplain({
        email: address,
        givenName: capitalise(given || local),
        familyName: (family.join(' ') || local).toUpperCase(),
        invitedBy: { actor: invitedBy ? { type: 'account', id: invitedBy } : { type: 'system' }, name: firm.name },
      });
    }
    const staff = this.dataSource.getRepository(FirmStaff);
    const already = () =>
      new ClientSpaceError(ClientSpaceErrorCode.ALREADY_EXISTS, t('clientSpace:errors.alreadyStaff'));
    if (await staff.existsBy({ firmId, accountId: account.id })) throw already();
    const saved = staff.save(
      staff.create({
        firmId,
        accountId: account.id,
        role: role as StaffRole,
        email: account.email,
        displayName: `${(account.familyName ?? '').toUpperCase()} ${account.givenName ?? ''}`.trim() || account.email,
      }),
    );
    return saved.catch((error: unknown) => {
      if (isUniqueViolation(error)) throw already();
      throw error;
    });
  }

  async staffOf(firmId: string): Promise<FirmStaff[]> {
    return this.dataSource.getRepository(FirmStaff).find({ where: { firmId }, order: { displayName: 'ASC' } });
  }

  /** The staff membership of this account in this firm, if any. */
  async membership(firmId: string, accountId: string): Promise<FirmStaff | null> {
    if (!isId(firmId)) return null;
    return this.dataSource.getRepository(FirmStaff).findOneBy({ firmId, accountId });
  }

  async firmsOfStaff(accountId: string): Promise<Firm[]> {
    const rows = await this.dataSource.getRepository(FirmStaff).findBy({ accountId });
    if (!rows.length) return [];
    return this.dataSource
      .getRepository(Firm)
      .find({ where: { id: In(rows.map((r) => r.firmId)) }, order: { name: 'ASC' } });
  }

  // ---- Clients ----

  /**
   * Invites a client to the client space: the platform account of this address (one identity across the spaces), or a
   * new one by `inviteAccount()`, whose e-mail lets the person choose their own password. A password is never e-mailed.
   */
  async inviteClient(firmId: string, input: NewClient, actor?: FirmActor): Promise<FirmClient> {
    const firm = await this.firm(firmId);
    const kind = input.kind === 'societe' ? 'societe' : input.kind === 'personne' ? 'personne' : undefined;
    const contact = normaliseContact(input.contact);
    const fields = contactProblems(contact, { partial: true });
    if (!kind) fields.kind = t('clientSpace:errors.clientKind');
    const companyName = input.companyName?.trim() || null;
    if (kind === 'societe' && !companyName) fields.companyName = t('clientSpace:errors.companyName');
    if (companyName && companyName.length > 200) fields.companyName = t('clientSpace:errors.companyNameTooLong');
    if (Object.keys(fields).length) throw formInvalid(fields);

    let account = await this.identity.findByEmail(contact.email);
    const clients = this.dataSource.getRepository(FirmClient);
    if (account && (await clients.existsBy({ firmId, accountId: account.id })))
      throw formInvalid({ email: t('clientSpace:errors.alreadyClient') });
    account ??= await this.inviteOrExplain({
      email: contact.email,
      givenName: contact.givenName,
      familyName: contact.familyName,
      organisationName: companyName ?? undefined,
      invitedBy: {
        actor: actor?.type === 'account' ? { type: 'account', id: actor.id } : { type: 'system' },
        name: firm.name,
      },
    });
    const accountId = account.id;
    const locale = account.locale;
    const created = this.dataSource.transaction(async (manager) => {
      const client = await manager
        .getRepository(FirmClient)
        .save(manager.getRepository(FirmClient).create({ firmId, accountId, kind, companyName, contact }));
      await this.notifications.enqueueDigestItem(manager, {
        to: contact.email,
        template: 'client-space-digest',
        item: { kind: 'acces', firm: firm.name, dossier: '', title: '' },
        locale,
      });
      await this.audit.record(
        manager,
        actor,
        'client-space.client.invited',
        { type: 'firm_client', id: client.id },
        firmId,
        { accountId, kind },
      );
      return client;
    });
    return created.catch((error: unknown) => {
      if (isUniqueViolation(error)) throw formInvalid({ email: t('clientSpace:errors.alreadyClient') });
      throw error;
    });
  }

  async clients(firmId: string): Promise<FirmClient[]> {
    const all = await this.dataSource.getRepository(FirmClient).find({ where: { firmId } });
    return all.sort((a, b) => clientName(a).localeCompare(clientName(b), 'fr'));
  }

  async client(firmId: string, clientId: string): Promise<FirmClient> {
    if (!isId(clientId)) throw notFound('client');
    const client = await this.dataSource.getRepository(FirmClient).findOneBy({ id: clientId, firmId });
    if (!client) throw notFound('client');
    return client;
  }

  /** The client records of this account (one per firm it is a client of). */
  async clientRecords(accountId: string): Promise<FirmClient[]> {
    return this.dataSource.getRepository(FirmClient).find({ where: { accountId } });
  }

  async clientRecord(firmId: string, accountId: string): Promise<FirmClient | null> {
    if (!isId(firmId)) return null;
    return this.dataSource.getRepository(FirmClient).findOneBy({ firmId, accountId });
  }

  async updateContact(clientId: string, contact: ClientContact): Promise<void> {
    await this.dataSource.getRepository(FirmClient).update({ id: clientId }, { contact });
  }

  // ---- Dossiers ----

  async createDossier(
    firmId: string,
    input: { number: string; label: string; interlocutorId: string; clientIds: string[] },
    actor?: FirmActor,
  ): Promise<Dossier> {
    const number = input.number.trim();
    const label = input.label.trim();
    const fields: Record<string, string> = {};
    if (!number || number.length > 60) fields.number = t('clientSpace:errors.dossierNumber');
    if (!label || label.length > 200) fields.label = t('clientSpace:errors.dossierLabel');
    const staff = isId(input.interlocutorId)
      ? await this.dataSource.getRepository(FirmStaff).findOneBy({ id: input.interlocutorId, firmId })
      : null;
    if (!staff || staff.role === 'lecture') fields.interlocutorId = t('clientSpace:errors.interlocutor');
    const clientIds = [...new Set(input.clientIds)];
    const clients = clientIds.every((id) => isId(id))
      ? await this.dataSource.getRepository(FirmClient).findBy({ id: In(clientIds), firmId })
      : [];
    if (clients.length === 0 || clients.length !== clientIds.length)
      fields.clientIds = 'Cochez au moins un client du cabinet.';
    if (!fields.number && (await this.dataSource.getRepository(Dossier).existsBy({ firmId, number })))
      fields.number = t('clientSpace:errors.dossierNumberTaken');
    if (Object.keys(fields).length) throw formInvalid(fields);
    const created = this.dataSource.transaction(async (manager) => {
      const dossier = await manager
        .getRepository(Dossier)
        .save(manager.getRepository(Dossier).create({ firmId, number, label, interlocutorId: staff!.id }));
      await manager
        .getRepository(DossierClient)
        .insert(clients.map((c) => ({ dossierId: dossier.id, clientId: c.id })));
      await this.audit.record(
        manager,
        actor,
        'client-space.dossier.created',
        { type: 'dossier', id: dossier.id },
        firmId,
        {
          number,
          label,
          interlocutorId: staff!.id,
          clientIds: clients.map((c) => c.id),
        },
      );
      return dossier;
    });
    return created.catch((error: unknown) => {
      if (isUniqueViolation(error)) throw formInvalid({ number: t('clientSpace:errors.dossierNumberTaken') });
      throw error;
    });
  }

  async dossier(firmId: string, dossierId: string): Promise<Dossier> {
    if (!isId(dossierId)) throw notFound('dossier');
    const dossier = await this.dataSource.getRepository(Dossier).findOneBy({ id: dossierId, firmId });
    if (!dossier) throw notFound('dossier');
    return dossier;
  }

  async dossiers(firmId: string): Promise<DossierSummary[]> {
    const dossiers = await this.dataSource.getRepository(Dossier).find({ where: { firmId }, order: { number: 'ASC' } });
    return this.summaries(firmId, dossiers);
  }

  async summaries(firmId: string, dossiers: Dossier[]): Promise<DossierSummary[]> {
    if (!dossiers.length) return [];
    const staff = await this.staffOf(firmId);
    const links = await this.dataSource
      .getRepository(DossierClient)
      .findBy({ dossierId: In(dossiers.map((d) => d.id)) });
    const clients = await this.clients(firmId);
    return dossiers.map((d) => ({
      id: d.id,
      number: d.number,
      label: d.label,
      interlocutor: staff.find((s) => s.id === d.interlocutorId)?.displayName ?? '',
      clients: links
        .filter((l) => l.dossierId === d.id)
        .map((l) => clients.find((c) => c.id === l.clientId))
        .filter((c): c is FirmClient => Boolean(c))
        .map(clientName),
    }));
  }

  async clientsOfDossier(dossierId: string): Promise<FirmClient[]> {
    const links = await this.dataSource.getRepository(DossierClient).findBy({ dossierId });
    if (!links.length) return [];
    return this.dataSource.getRepository(FirmClient).findBy({ id: In(links.map((l) => l.clientId)) });
  }

  /** The language of a client's e-mails: their account's (French when it is gone). */
  async localeOf(client: FirmClient): Promise<Locale> {
    return (await this.identity.findById(client.accountId))?.locale ?? DEFAULT_LOCALE;
  }

  /** The dossiers of a client (their own, never another client's). */
  async dossiersOfClient(client: FirmClient): Promise<Dossier[]> {
    const links = await this.dataSource.getRepository(DossierClient).findBy({ clientId: client.id });
    if (!links.length) return [];
    return this.dataSource.getRepository(Dossier).find({
      where: { id: In(links.map((l) => l.dossierId)), firmId: client.firmId },
      order: { number: 'ASC' },
    });
  }

  async interlocutor(dossier: Dossier): Promise<FirmStaff> {
    return this.dataSource.getRepository(FirmStaff).findOneByOrFail({ id: dossier.interlocutorId });
  }

  private async inviteOrExplain(invitation: Parameters<IdentityService['inviteAccount']>[0]) {
    try {
      return await this.identity.inviteAccount(invitation);
    } catch (error) {
      if (error instanceof IdentityError && error.fields)
        throw formInvalid(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, v[0]])));
      throw error;
    }
  }
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
