import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { OutboxMessage, type OutboxChannel, type OutboxStatus } from './entities/outbox-message.entity';
import { NotificationsError, NotificationsErrorCode } from './notifications.errors';
import { parsePhoneNumber } from './phone';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/i18n';
import { SealedFields } from './sealed-fields';
import { SmsTransport } from './sms.transport';
import { WebhookTransport, type StoredWebhook } from './webhook.transport';
import {
  DIGEST_WINDOWS,
  type DigestItemOf,
  type DigestTemplateName,
  type SmsTemplateData,
  type SmsTemplateName,
  type TemplateData,
  type TemplateName,
} from './templates/templates';

export interface EmailToSend<N extends TemplateName> {
  to: string;
  template: N;
  data: TemplateData[N];
  /** Enqueuing twice with the same key keeps one message (a retried request, a replayed event). */
  idempotencyKey?: string;
  /**
   * Fields of `data` that are secrets (a password given once): stored sealed until the message is rendered, erased
   * from the row once it is delivered (`SealedFields`).
   */
  secretFields?: ReadonlyArray<keyof TemplateData[N] & string>;
  /** The recipient's language (French by default); kept with the message's data as `locale` (docs/i18n.md). */
  locale?: Locale;
}

export interface SmsToSend<N extends SmsTemplateName> {
  /** As typed by a person or stored (E.164); normalised, France by default. */
  to: string;
  template: N;
  data: SmsTemplateData[N];
  idempotencyKey?: string;
  /** The recipient's language (French by default); kept with the message's data as `locale`, like an e-mail's. */
  locale?: Locale;
}

export interface WebhookToSend {
  url: string;
  body: string;
  contentType: string;
  /** Signs the request with Standard Webhooks headers; stored encrypted until sent. */
  signingSecret?: string;
  /** Not delivered after this time (a logout token past its expiry): the message ends as failed. */
  expiresAt?: Date;
  idempotencyKey?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The outbox: the only way the platform sends a message (DESIGN.md, "Side effects that must not be lost"). */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectRepository(OutboxMessage) private readonly messages: Repository<OutboxMessage>,
    private readonly sms: SmsTransport,
    private readonly webhooks: WebhookTransport,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.sealed = new SealedFields(config.secretKey);
  }

  private readonly sealed: SealedFields;

  /**
   * Writes an e-mail into the outbox within the caller's transaction (`manager`): it exists, and will be sent, if and
   * only if that transaction commits. Returns the message id (the existing one for a repeated idempotency key).
   */
  async enqueueEmail<N extends TemplateName>(manager: EntityManager, email: EmailToSend<N>): Promise<string> {
    const sealed = this.sealed.seal(email.data, email.secretFields ?? []);
    const data = email.locale && email.locale !== DEFAULT_LOCALE ? { ...sealed, locale: email.locale } : sealed;
    return this.insert(manager, 'email', checkEmail(email.to), email.template, data, email.idempotencyKey);
  }

  /** Whether this deployment sends text messages (a gateway, or the development mailbox outside production). */
  get smsAvailable(): boolean {
    return this.sms.available;
  }

  /** Writes a text message into the outbox, like `enqueueEmail`. The number is validated and stored in E.164. */
  async enqueueSms<N extends SmsTemplateName>(manager: EntityManager, sms: SmsToSend<N>): Promise<string> {
    if (!this.sms.available) {
      throw new NotificationsError(NotificationsErrorCode.SMS_UNAVAILABLE, 'L’envoi de SMS n’est pas configuré.');
    }
    const phone = parsePhoneNumber(sms.to);
    if (!phone) {
      throw new NotificationsError(
        NotificationsErrorCode.INVALID_RECIPIENT,
        `Numéro de téléphone invalide : ${sms.to}`,
      );
    }
    const data = sms.locale && sms.locale !== DEFAULT_LOCALE ? { ...sms.data, locale: sms.locale } : sms.data;
    return this.insert(manager, 'sms', phone.e164, sms.template, data, sms.idempotencyKey);
  }

  /** Writes a webhook (an HTTP POST) into the outbox, like `enqueueEmail`: retried with the same backoff. */
  async enqueueWebhook(manager: EntityManager, webhook: WebhookToSend): Promise<string> {
    let url: URL;
    try {
      url = new URL(webhook.url);
    } catch {
      throw new NotificationsError(NotificationsErrorCode.INVALID_RECIPIENT, `URL invalide : ${webhook.url}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new NotificationsError(NotificationsErrorCode.INVALID_RECIPIENT, `URL non HTTP : ${webhook.url}`);
    }
    const data: StoredWebhook = { body: webhook.body, contentType: webhook.contentType };
    if (webhook.signingSecret) data.sealedSecret = this.webhooks.sealSecret(webhook.signingSecret);
    if (webhook.expiresAt) data.expiresAt = webhook.expiresAt.toISOString();
    return this.insert(manager, 'webhook', url.toString(), 'webhook', data, webhook.idempotencyKey);
  }

  /**
   * Adds an item to the person's open digest of this template (one e-mail for every item enqueued within the
   * template's window, see `DIGEST_WINDOWS`), opening one when there is none. In the caller's transaction.
   * `locale`: the recipient's language, fixed by the item that opens the digest (French by default).
   */
  async enqueueDigestItem<N extends DigestTemplateName>(
    manager: EntityManager,
    digest: { to: string; template: N; item: DigestItemOf<N>; locale?: Locale },
  ): Promise<string> {
    const to = checkEmail(digest.to);
    const opening: Record<string, unknown> = { items: [digest.item] };
    if (digest.locale && digest.locale !== DEFAULT_LOCALE) opening.locale = digest.locale;
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO outbox_message (channel, recipient, template, data, digest_key, next_attempt_at)
       VALUES ('email', $1, $2, $3::jsonb, $4,
               now() + make_interval(secs => $5::double precision / 1000))
       ON CONFLICT (digest_key) WHERE status = 'pending'
       DO UPDATE SET data = jsonb_set(outbox_message.data, '{items}',
                                      (outbox_message.data -> 'items') || (EXCLUDED.data -> 'items'))
       RETURNING id`,
      [to, digest.template, JSON.stringify(opening), `email:${to}:${digest.template}`, DIGEST_WINDOWS[digest.template]],
    );
    return rows[0].id;
  }

  private async insert(
    manager: EntityManager,
    channel: OutboxChannel,
    recipient: string,
    template: string,
    data: object,
    idempotencyKey: string | undefined,
  ): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO outbox_message (channel, recipient, template, data, idempotency_key)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
       RETURNING id`,
      [channel, recipient, template, data, idempotencyKey ?? null],
    );
    return rows[0].id;
  }

  async list(status?: OutboxStatus, limit = 100): Promise<OutboxMessage[]> {
    return this.messages.find({ where: status ? { status } : {}, order: { createdAt: 'DESC' }, take: limit });
  }

  /** How many messages in each status (the console's dashboard: the queue's depth is `pending` + `sending`). */
  async countByStatus(): Promise<Record<OutboxStatus, number>> {
    const rows = await this.messages
      .createQueryBuilder('message')
      .select('message.status', 'status')
      .addSelect('count(*)::int', 'count')
      .groupBy('message.status')
      .getRawMany<{ status: OutboxStatus; count: number }>();
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }

  /**
   * Per channel, the last message delivered and the last error met (with the creation date of its message): how the
   * SMTP server, the SMS gateway and the webhook receivers behave lately (the console's dashboard).
   */
  async deliveryHealth(): Promise<
    Record<OutboxChannel, { lastSentAt: Date | null; lastError: string | null; lastErrorMessageAt: Date | null }>
  > {
    const sent = await this.messages.query<Array<{ channel: OutboxChannel; at: Date }>>(
      `SELECT channel, max(sent_at) AS at FROM outbox_message WHERE status = 'sent' GROUP BY channel`,
    );
    const errors = await this.messages.query<Array<{ channel: OutboxChannel; last_error: string; created_at: Date }>>(
      `SELECT DISTINCT ON (channel) channel, last_error, created_at FROM outbox_message
        WHERE last_error IS NOT NULL ORDER BY channel, created_at DESC`,
    );
    const health = Object.fromEntries(
      (['email', 'sms', 'webhook'] as const).map((channel) => [
        channel,
        { lastSentAt: null as Date | null, lastError: null as string | null, lastErrorMessageAt: null as Date | null },
      ]),
    ) as Record<OutboxChannel, { lastSentAt: Date | null; lastError: string | null; lastErrorMessageAt: Date | null }>;
    for (const row of sent) health[row.channel].lastSentAt = row.at;
    for (const row of errors) {
      health[row.channel].lastError = row.last_error;
      health[row.channel].lastErrorMessageAt = row.created_at;
    }
    return health;
  }

  async find(id: string): Promise<OutboxMessage | undefined> {
    return (await this.messages.findOneBy({ id })) ?? undefined;
  }

  /** An operator sends a failed message again (its attempts start over). */
  async retry(id: string): Promise<void> {
    const { affected } = await this.messages.update(
      { id, status: 'failed' },
      { status: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null },
    );
    if (!affected) {
      throw new NotificationsError(
        NotificationsErrorCode.MESSAGE_NOT_FOUND,
        `Aucun message en échec avec l’identifiant ${id}.`,
      );
    }
  }
}

function checkEmail(address: string): string {
  const to = address.trim();
  if (!EMAIL.test(to)) {
    throw new NotificationsError(
      NotificationsErrorCode.INVALID_RECIPIENT,
      `Adresse électronique invalide : ${address}`,
    );
  }
  return to;
}
