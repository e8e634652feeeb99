import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { t } from '../../platform/i18n/i18n';
import { NotificationsService } from '../notifications';
import { formInvalid, notFound, isId } from './client-space.errors';
import { contactProblems, normaliseContact } from './contact';
import { ContactChangeRequest, DossierMessage, type MessageAttachment } from './entities/client-request.entity';
import type { Dossier } from './entities/dossier.entity';
import { FirmClient, type ClientContact } from './entities/firm-client.entity';
import { Firm } from './entities/firm.entity';
import { FirmAudit, type FirmActor } from './firm-audit';
import { dateTime, fileSize } from './formats';
import { clientName, FirmsService } from './firms.service';
import { ItemsService, type UploadedFile } from './items.service';

export interface ThreadMessage {
  id: string;
  author: 'client' | 'cabinet';
  authorName: string;
  subject: string;
  body: string;
  at: string;
  clientId: string;
  clientName?: string;
  /** The files joined, by their position (the download's `:n`). */
  attachments: Array<{ index: number; name: string; size: string }>;
}

/**
 * What clients ask of their firm: a change of contact details (applied only when the firm accepts it), and messages to
 * a dossier's interlocutor (a thread per dossier and client, kept on both sides).
 */
@Injectable()
export class RequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly firms: FirmsService,
    private readonly notifications: NotificationsService,
    private readonly items: ItemsService,
    private readonly audit: FirmAudit,
  ) {}

  // ---- « Mettre à jour mes coordonnées » ----

  async requestContactChange(client: FirmClient, input: Partial<ClientContact>): Promise<ContactChangeRequest> {
    const requested = normaliseContact(input);
    const fields = contactProblems(requested, { partial: false });
    if (Object.keys(fields).length) throw formInvalid(fields);
    // Read before the transaction (one connection on the embedded database): the interlocutor of a dossier of theirs.
    const [first] = await this.firms.dossiersOfClient(client);
    const interlocutor = first && (await this.firms.interlocutor(first));
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(ContactChangeRequest);
      const request = await repository.save(
        repository.create({ firmId: client.firmId, clientId: client.id, requested, status: 'en-attente' }),
      );
      // One line to the interlocutor is enough: the firm's home page lists the request.
      if (interlocutor)
        await this.notifications.enqueueDigestItem(manager, {
          to: interlocutor.email,
          template: 'activity-digest',
          item: {
            text: `${clientName(client)} demande la mise à jour de ses coordonnées.`,
            path: `/espace-cabinet/cabinets/${client.firmId}`,
          },
        });
      return request;
    });
  }

  async pendingContactChanges(firmId: string): Promise<Array<{ request: ContactChangeRequest; client: FirmClient }>> {
    const requests = await this.dataSource
      .getRepository(ContactChangeRequest)
      .find({ where: { firmId, status: 'en-attente' }, order: { createdAt: 'ASC' } });
    const clients = await this.firms.clients(firmId);
    return requests.map((request) => ({ request, client: clients.find((c) => c.id === request.clientId)! }));
  }

  /** One request of the firm, whatever its status (after a decision, say). */
  async contactChange(firmId: string, requestId: string): Promise<ContactChangeRequest> {
    if (!isId(requestId)) throw notFound('request');
    const request = await this.dataSource.getRepository(ContactChangeRequest).findOneBy({ id: requestId, firmId });
    if (!request) throw notFound('request');
    return request;
  }

  async contactChangesOf(client: FirmClient): Promise<ContactChangeRequest[]> {
    return this.dataSource
      .getRepository(ContactChangeRequest)
      .find({ where: { clientId: client.id }, order: { createdAt: 'DESC' }, take: 5 });
  }

  /** Accepts or rejects a pending request of this firm; the client's data changes only on acceptance; they are told. */
  async decide(firmId: string, requestId: string, accept: boolean, actor?: FirmActor): Promise<void> {
    if (!isId(requestId)) throw notFound('request');
    await this.dataSource.transaction(async (manager) => {
      const request = await manager
        .getRepository(ContactChangeRequest)
        .findOne({ where: { id: requestId, firmId }, lock: { mode: 'pessimistic_write' } });
      if (!request || request.status !== 'en-attente') throw notFound('request');
      request.status = accept ? 'acceptee' : 'refusee';
      request.decidedAt = new Date();
      await manager.getRepository(ContactChangeRequest).save(request);
      const client = await manager.getRepository(FirmClient).findOneByOrFail({ id: request.clientId });
      const firm = await manager.getRepository(Firm).findOneByOrFail({ id: firmId });
      if (accept) await manager.getRepository(FirmClient).update({ id: client.id }, { contact: request.requested });
      await this.audit.record(
        manager,
        actor,
        accept ? 'client-space.contact-change.accepted' : 'client-space.contact-change.rejected',
        { type: 'firm_client', id: client.id },
        firmId,
        // What the client's details were and became (unchanged on a refusal); the trail is a table, not the logs.
        { requestId: request.id, before: client.contact, after: accept ? request.requested : client.contact },
      );
      await this.notifications.enqueueDigestItem(manager, {
        to: accept ? request.requested.email : client.contact.email,
        template: 'activity-digest',
        item: {
          text: accept
            ? `${firm.name} a accepté la mise à jour de vos coordonnées.`
            : `${firm.name} n’a pas retenu la mise à jour de vos coordonnées demandée ; vos coordonnées restent inchangées.`,
          path: `/espace-client/cabinets/${firmId}/coordonnees`,
        },
      });
    });
  }

  // ---- Messages ----

  /** « Contacter l’interlocuteur »: the message joins the dossier's thread; the interlocutor is told by e-mail. */
  async writeToInterlocutor(
    client: FirmClient,
    dossier: Dossier,
    input: { subject?: string; body?: string },
    files: UploadedFile[] = [],
  ): Promise<void> {
    const subject = (input.subject ?? '').trim();
    const body = (input.body ?? '').trim();
    const fields: Record<string, string> = {};
    if (!subject) fields.subject = t('clientSpace:errors.subject');
    if (!body) fields.body = t('clientSpace:errors.body');
    if (Object.keys(fields).length) throw formInvalid(fields);
    const attachments = await this.items.storeAttachments(files);
    const interlocutor = await this.firms.interlocutor(dossier);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(DossierMessage).insert({
        firmId: client.firmId,
        dossierId: dossier.id,
        clientId: client.id,
        author: 'client',
        authorName: clientName(client),
        subject,
        body,
        attachments,
      });
      await this.notifications.enqueueDigestItem(manager, {
        to: interlocutor.email,
        template: 'activity-digest',
        item: {
          text: `${clientName(client)} vous a écrit dans le dossier ${dossier.number} - ${dossier.label} : « ${subject} ».`,
          path: `/espace-cabinet/cabinets/${client.firmId}/dossiers/${dossier.id}`,
        },
      });
    });
  }

  /** The firm answers a client of the dossier (its page or its API); the client is told by e-mail. Returns the message. */
  async reply(
    firmId: string,
    dossier: Dossier,
    actor: FirmActor,
    input: { client?: string; subject?: string; body?: string },
    files: UploadedFile[] = [],
  ): Promise<DossierMessage> {
    const clients = await this.firms.clientsOfDossier(dossier.id);
    const client = clients.find((c) => c.id === input.client);
    const subject = (input.subject ?? '').trim();
    const body = (input.body ?? '').trim();
    const fields: Record<string, string> = {};
    if (!client) fields.client = 'Choisissez le client destinataire.';
    if (!subject) fields.subject = t('clientSpace:errors.subject');
    if (!body) fields.body = t('clientSpace:errors.body');
    if (Object.keys(fields).length) throw formInvalid(fields);
    const attachments = await this.items.storeAttachments(files);
    // A staff member signs with their name; the firm's software (API) with the firm's.
    const staff = actor.type === 'account' ? await this.firms.membership(firmId, actor.id) : null;
    const firm = await this.firms.firm(firmId);
    return this.dataSource.transaction(async (manager) => {
      const message = await manager.getRepository(DossierMessage).save(
        manager.getRepository(DossierMessage).create({
          firmId,
          dossierId: dossier.id,
          clientId: client!.id,
          author: 'cabinet',
          authorName: staff?.displayName ?? firm.name,
          subject,
          body,
          attachments,
        }),
      );
      await this.audit.record(
        manager,
        actor,
        'client-space.message.sent',
        { type: 'dossier_message', id: message.id },
        firmId,
        {
          dossierId: dossier.id,
          clientId: client!.id,
          attachments: attachments.length,
        },
      );
      await this.notifications.enqueueDigestItem(manager, {
        to: client!.contact.email,
        template: 'activity-digest',
        item: {
          text: `${firm.name} vous a répondu dans le dossier ${dossier.number} - ${dossier.label}.`,
          path: `/espace-client/cabinets/${firmId}/dossiers/${dossier.id}`,
        },
      });
      return message;
    });
  }

  /** The dossier's thread: all clients' (the firm's side), or one client's (theirs). */
  async thread(dossier: Dossier, client?: FirmClient): Promise<ThreadMessage[]> {
    const messages = await this.dataSource.getRepository(DossierMessage).find({
      where: { dossierId: dossier.id, ...(client ? { clientId: client.id } : {}) },
      order: { createdAt: 'ASC' },
    });
    return messages.map((m) => ({
      id: m.id,
      author: m.author,
      authorName: m.authorName,
      subject: m.subject,
      body: m.body,
      at: dateTime(m.createdAt),
      clientId: m.clientId,
      attachments: m.attachments.map((a, index) => ({ index, name: a.name, size: fileSize(a.size) })),
    }));
  }

  /** An attachment of a message of the client's own thread (another client's, another firm's: « introuvable »). */
  async attachmentForClient(client: FirmClient, messageId: string, index: string) {
    return this.attachment({ firmId: client.firmId, clientId: client.id }, messageId, index);
  }

  /** An attachment of a message of one of the firm's dossiers. */
  async attachmentForFirm(firmId: string, messageId: string, index: string) {
    return this.attachment({ firmId }, messageId, index);
  }

  private async attachment(
    where: { firmId: string; clientId?: string },
    messageId: string,
    index: string,
  ): Promise<{ attachment: MessageAttachment; data: Buffer }> {
    if (!isId(messageId) || !/^\d{1,2}$/.test(index)) throw notFound('item');
    const message = await this.dataSource.getRepository(DossierMessage).findOneBy({ id: messageId, ...where });
    const attachment = message?.attachments[Number(index)];
    if (!attachment) throw notFound('item');
    return { attachment, data: await this.items.attachmentData(attachment) };
  }

  /** Every message of the firm's dossiers (the API), oldest first. */
  async messagesOfFirm(firmId: string): Promise<DossierMessage[]> {
    return this.dataSource.getRepository(DossierMessage).find({ where: { firmId }, order: { createdAt: 'ASC' } });
  }

  /** Messages of clients the firm has not read yet (the firm's home), marked read when the dossier page shows them. */
  async unreadCount(firmId: string): Promise<number> {
    return this.dataSource
      .getRepository(DossierMessage)
      .count({ where: { firmId, author: 'client', readAt: IsNull() } });
  }

  async markRead(dossier: Dossier): Promise<void> {
    await this.dataSource.query(
      `UPDATE dossier_message SET read_at = now() WHERE dossier_id = $1 AND author = 'client' AND read_at IS NULL`,
      [dossier.id],
    );
  }
}
