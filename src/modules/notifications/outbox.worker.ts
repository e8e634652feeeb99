import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { isDatabaseUnavailable } from '../../platform/database/database-unavailable';
import { LOGGER } from '../../platform/logging/logger';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { PermanentDeliveryError } from './delivery-error';
import type { OutboxChannel } from './entities/outbox-message.entity';
import { MailTransport } from './mail.transport';
import { SEALED_KEY, SealedFields } from './sealed-fields';
import { SmsTransport } from './sms.transport';
import { renderMail, renderSms, type SmsTemplateName, type TemplateName } from './templates/templates';
import { WebhookTransport, type StoredWebhook } from './webhook.transport';
import { HealthRegistry, type HealthComponent } from '../../platform/health/health-registry';

/** The health registry's component each channel reports to (webhooks go to many sites: none). */
const HEALTH_OF_CHANNEL: Record<string, HealthComponent | undefined> = { email: 'smtp', sms: 'sms' };

export interface OutboxWorkerOptions {
  /** How often an idle worker looks for due messages. */
  pollMs: number;
  batchSize: number;
  /** Attempts before a message is marked failed. */
  maxAttempts: number;
  /** First retry delay; each retry doubles it (with ±20 % jitter), up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed message is reserved; a worker that died is replaced after that. */
  leaseMs: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxWorkerOptions = {
  pollMs: 250,
  batchSize: 50,
  maxAttempts: 8,
  baseDelayMs: 5_000,
  maxDelayMs: 60 * 60 * 1000,
  leaseMs: 2 * 60 * 1000,
};

/** How long a stopping worker waits for the sends under way. */
const STOP_GRACE_MS = 3_000;
/** How often a worker that lost the database tries again. */
const DATABASE_RETRY_MS = 2_000;

interface ClaimedRow {
  id: string;
  channel: OutboxChannel;
  recipient: string;
  template: string;
  data: Record<string, unknown>;
  attempts: number;
}

/**
 * Delivers the outbox, on every instance: claims due messages with `FOR UPDATE SKIP LOCKED` (two workers never take
 * the same one), sends them, records the outcome. Delivery is at least once: a worker killed between sending and
 * recording leaves the message `sending`; after the lease it is claimed and sent again.
 */
@Injectable()
export class OutboxWorker implements OnModuleDestroy {
  private options = DEFAULT_OUTBOX_OPTIONS;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  /** Messages this worker claimed and has not recorded yet (their lease is released at stop). */
  private readonly claimed = new Set<string>();
  private databaseDown = false;
  private retryAt = 0;
  private readonly sent: Counter;
  private readonly failed: Counter;
  private readonly sealed: SealedFields;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly mail: MailTransport,
    private readonly sms: SmsTransport,
    private readonly webhooks: WebhookTransport,
    metrics: MetricsService,
    private readonly health: HealthRegistry,
  ) {
    this.options = { ...this.options, leaseMs: config.outbox.leaseSeconds * 1000 };
    this.sealed = new SealedFields(config.secretKey);
    const registers = [metrics.registry];
    const labelNames = ['channel'];
    this.sent = new Counter({ name: 'outbox_messages_sent_total', help: 'Messages délivrés', labelNames, registers });
    this.failed = new Counter({
      name: 'outbox_messages_failed_total',
      help: 'Messages passés en échec définitif',
      labelNames,
      registers,
    });
    const query = (sql: string) => dataSource.query<Array<Record<string, string | null>>>(sql);
    new Gauge({
      name: 'outbox_messages',
      help: 'Messages de la file, par statut',
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        for (const row of await query('SELECT status, count(*)::int AS n FROM outbox_message GROUP BY status')) {
          this.set({ status: row.status! }, Number(row.n));
        }
      },
    });
    new Gauge({
      name: 'outbox_oldest_due_seconds',
      help: 'Âge du plus ancien message dû et non envoyé',
      registers,
      async collect() {
        const [row] = await query(
          `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(next_attempt_at)), 0) AS age FROM outbox_message
           WHERE status = 'pending' AND next_attempt_at <= now()`,
        );
        this.set(Number(row?.age ?? 0));
      },
    });
  }

  configure(options: Partial<OutboxWorkerOptions>): void {
    this.options = { ...this.options, ...options };
  }

  /** Starts polling (application instances; tests start it themselves). */
  start(): void {
    this.timer ??= setInterval(() => this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  /** Delivers now rather than at the next poll (a message someone is waiting for); only once started. */
  nudge(): void {
    if (!this.timer) return;
    this.poll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Stopping (SIGTERM): no new claim, the sends under way get `graceMs` to finish, and the messages still claimed then
   * are handed back at once (their lease released) rather than waiting out the lease on another instance.
   */
  async onModuleDestroy(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.running?.catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    if (this.claimed.size === 0) return;
    const ids = [...this.claimed];
    await this.dataSource
      .query(
        `UPDATE outbox_message SET status = 'pending', locked_until = NULL, next_attempt_at = now()
         WHERE id = ANY($1::uuid[]) AND status = 'sending'`,
        [ids],
      )
      .then(
        () => this.logger.info({ messages: ids.length }, 'Arrêt : messages en cours remis dans la file'),
        (error: unknown) =>
          this.logger.warn({ err: error }, 'Arrêt : messages en cours non remis (bail expiré plus tard)'),
      );
  }

  /**
   * One poll. While the database is unreachable the worker says so once, tries again every few seconds without a
   * word, and says once that it is back: no restart, no log flood.
   */
  private poll(): void {
    if (this.databaseDown && Date.now() < this.retryAt) return;
    this.deliverDue().then(
      () => {
        if (!this.databaseDown) return;
        this.databaseDown = false;
        this.logger.info('Base de données de nouveau joignable : envoi de la file repris');
      },
      (error: unknown) => {
        if (!isDatabaseUnavailable(error)) {
          this.logger.error({ err: error }, 'Envoi de la file impossible');
          return;
        }
        this.retryAt = Date.now() + DATABASE_RETRY_MS;
        if (this.databaseDown) return;
        this.databaseDown = true;
        const { code } = error as { code?: string };
        this.logger.warn({ code }, 'Base de données injoignable : envoi de la file suspendu jusqu’à son retour');
      },
    );
  }

  /** Sends what is due now, batch after batch; returns how many messages were handled. One run at a time. */
  deliverDue(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const batch = await this.claim();
      for (const row of batch) this.claimed.add(row.id);
      await Promise.all(batch.map((row) => this.deliver(row).finally(() => this.claimed.delete(row.id))));
      handled += batch.length;
      if (batch.length < this.options.batchSize) return handled;
    }
  }

  private async claim(): Promise<ClaimedRow[]> {
    // One statement, no transaction held open while sending (and nothing waits on another connection: PGlite-safe).
    const [rows] = await this.dataSource.query<[ClaimedRow[], number]>(
      `UPDATE outbox_message SET status = 'sending', attempts = attempts + 1, digest_key = NULL,
         locked_until = now() + make_interval(secs => $2::double precision / 1000)
       WHERE id IN (
         SELECT id FROM outbox_message
         WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND locked_until < now())
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, channel, recipient, template, data, attempts`,
      [this.options.batchSize, this.options.leaseMs],
    );
    return rows;
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    try {
      await this.send(row);
      await this.dataSource.query(
        // Sealed secrets are of no use once delivered: erased from the row (`SealedFields`).
        `UPDATE outbox_message SET status = 'sent', sent_at = now(), locked_until = NULL, last_error = NULL,
           data = data - $2::text WHERE id = $1`,
        [row.id, SEALED_KEY],
      );
      this.sent.inc({ channel: row.channel });
      const component = HEALTH_OF_CHANNEL[row.channel];
      if (component) this.health.succeeded(component);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const component = HEALTH_OF_CHANNEL[row.channel];
      if (component) this.health.failed(component, error);
      const final = error instanceof PermanentDeliveryError || row.attempts >= this.options.maxAttempts;
      const delay =
        Math.min(this.options.baseDelayMs * 2 ** (row.attempts - 1), this.options.maxDelayMs) *
        (0.8 + Math.random() * 0.4);
      await this.dataSource.query(
        `UPDATE outbox_message SET status = $2, last_error = $3, locked_until = NULL,
           next_attempt_at = now() + make_interval(secs => $4::double precision / 1000) WHERE id = $1`,
        [row.id, final ? 'failed' : 'pending', message.slice(0, 2000), final ? 0 : delay],
      );
      if (final) this.failed.inc({ channel: row.channel });
      this.logger.warn(
        { messageId: row.id, channel: row.channel, attempts: row.attempts, final, error: message },
        'Message non délivré',
      );
    }
  }

  private async send(row: ClaimedRow): Promise<void> {
    switch (row.channel) {
      case 'email':
        return this.mail.send(
          row.recipient,
          renderMail(row.template as TemplateName, this.sealed.open(row.data) as never, this.config.publicUrl),
          row.id,
        );
      case 'sms':
        return this.sms.send(
          row.recipient,
          renderSms(row.template as SmsTemplateName, row.data as never, this.config.publicUrl),
          row.id,
        );
      case 'webhook':
        return this.webhooks.send({ url: row.recipient, ...(row.data as unknown as StoredWebhook) }, row.id);
    }
  }
}
