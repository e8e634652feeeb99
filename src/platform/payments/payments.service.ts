import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit';
import { DomainEvents } from '../events';
import { LOGGER } from '../logging/logger';
import { Payment, type PaymentStatus } from './payment.entity';
import { PAYMENT_PROVIDER, WebhookSignatureError, type PaymentProvider } from './payment-provider';
import { PaymentsError, PaymentsErrorCode } from './payments.errors';

/** What a module asks to be paid (an invoice of the client space, say). */
export interface StartPayment {
  /** Who asked, in their words (`client-space.invoice`): the succeeded/failed events carry it back. */
  purpose: string;
  /** The paid thing's id in that module. */
  reference: string;
  /** Computed by the calling module from its own data, never taken from a page. */
  amountCents: number;
  currency: 'EUR';
  /** Shown on the provider's payment page. */
  description: string;
  customerEmail?: string;
  /** Where the provider sends the buyer back after paying or refusing: a page that shows the status, nothing more. */
  returnUrl: string;
  /** Where the provider sends the buyer who gives up. */
  cancelUrl: string;
}

export interface StartedPayment {
  paymentId: string;
  /** The provider's hosted payment page: redirect the buyer there (303). */
  redirectUrl: string;
}

export interface PaymentView {
  id: string;
  provider: string;
  purpose: string;
  reference: string;
  amountCents: number;
  currency: string;
  description: string;
  status: PaymentStatus;
  createdAt: Date;
  settledAt: Date | null;
}

/** The result of one webhook delivery, for the HTTP answer and the tests. */
export type WebhookResult =
  | { kind: 'unknown-provider' }
  | { kind: 'refused'; reason: string }
  | { kind: 'replay' }
  | { kind: 'ignored'; reason: string }
  | { kind: 'applied'; paymentId: string; status: PaymentStatus };

const MAX_AMOUNT_CENTS = 99_999_999;

/**
 * Online payments: opens a payment at the configured provider (`startPayment`), and settles it from the provider's
 * signed webhook only (`handleWebhook`): the buyer's return to `returnUrl` proves nothing. A webhook event id is
 * processed once; the status leaves `pending` once; `payments.payment.succeeded` / `failed` are published after commit.
 */
@Injectable()
export class PaymentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider | null,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Which provider payers are sent to (`null`: online payment is off). */
  get providerName(): PaymentProvider['name'] | null {
    return this.provider?.name ?? null;
  }

  /** Where `startPayment()`'s redirect sends the buyer: for the CSP `form-action` of the page holding « Payer ». */
  get checkoutOrigins(): string[] {
    return this.provider?.checkoutOrigins ?? [];
  }

  async startPayment(input: StartPayment): Promise<StartedPayment> {
    const request = validate(input);
    const provider = this.provider;
    if (!provider)
      throw new PaymentsError(PaymentsErrorCode.PROVIDER_UNAVAILABLE, 'Le paiement en ligne n’est pas disponible.');
    const payments = this.dataSource.getRepository(Payment);
    const payment = await payments.save(
      payments.create({
        provider: provider.name,
        providerSessionId: null,
        purpose: request.purpose,
        reference: request.reference,
        amountCents: request.amountCents,
        currency: request.currency,
        description: request.description,
        status: 'pending',
        settledAt: null,
      }),
    );
    let session;
    try {
      session = await provider.createCheckout({
        paymentId: payment.id,
        amountCents: payment.amountCents,
        currency: 'EUR',
        description: payment.description,
        customerEmail: request.customerEmail,
        returnUrl: request.returnUrl,
        cancelUrl: request.cancelUrl,
      });
    } catch (error) {
      this.logger.error({ err: error, paymentId: payment.id }, 'Paiement : le prestataire n’a pas ouvert la session');
      await payments.update({ id: payment.id }, { status: 'failed', settledAt: new Date() });
      throw new PaymentsError(
        PaymentsErrorCode.PROVIDER_UNAVAILABLE,
        'Le service de paiement ne répond pas. Réessayez dans quelques minutes.',
      );
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.update(Payment, { id: payment.id }, { providerSessionId: session.sessionId });
      await this.audit.record(
        {
          actor: { type: 'system' },
          action: 'payments.payment.started',
          target: { type: 'payment', id: payment.id },
          outcome: 'success',
          details: {
            provider: provider.name,
            purpose: payment.purpose,
            reference: payment.reference,
            amountCents: payment.amountCents,
          },
        },
        manager,
      );
    });
    return { paymentId: payment.id, redirectUrl: session.redirectUrl };
  }

  async findPayment(paymentId: string): Promise<PaymentView | null> {
    if (!UUID.test(paymentId)) return null;
    const payment = await this.dataSource.getRepository(Payment).findOneBy({ id: paymentId });
    return payment ? toView(payment) : null;
  }

  /** The payments opened for one thing (`purpose`, `reference`), newest first. */
  async paymentsFor(purpose: string, reference: string): Promise<PaymentView[]> {
    const rows = await this.dataSource
      .getRepository(Payment)
      .find({ where: { purpose, reference }, order: { createdAt: 'DESC' } });
    return rows.map(toView);
  }

  /**
   * One webhook delivery, its raw body as received. A wrong signature changes nothing (audited); an event id already
   * processed is a replay and changes nothing; otherwise the payment named by the event's session leaves `pending`.
   */
  async handleWebhook(
    providerName: string,
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<WebhookResult> {
    const provider = this.provider;
    if (!provider || provider.name !== providerName) return { kind: 'unknown-provider' };
    let webhook;
    try {
      webhook = provider.verifyWebhook(rawBody, headers);
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      await this.audit.record({
        actor: { type: 'anonymous' },
        action: 'payments.webhook.refused',
        outcome: 'denied',
        details: { provider: provider.name, reason: error.message.slice(0, 200) },
      });
      return { kind: 'refused', reason: error.message };
    }
    const result = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO "payment_webhook_event" ("provider", "event_id") VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING "event_id"`,
        [provider.name, webhook.eventId.slice(0, 255)],
      );
      if (inserted.length === 0) return { result: { kind: 'replay' } as WebhookResult };
      if (webhook.outcome === 'ignored' || !webhook.sessionId)
        return { result: { kind: 'ignored', reason: 'événement sans effet' } as WebhookResult };
      const payment = await manager
        .getRepository(Payment)
        .createQueryBuilder('p')
        .setLock('pessimistic_write')
        .where('p.provider = :provider AND p.provider_session_id = :session', {
          provider: provider.name,
          session: webhook.sessionId,
        })
        .getOne();
      if (!payment) return { result: { kind: 'ignored', reason: 'session inconnue' } as WebhookResult };
      if (payment.status !== 'pending')
        return { result: { kind: 'ignored', reason: `paiement déjà ${payment.status}` } as WebhookResult };
      if (
        webhook.outcome === 'succeeded' &&
        (webhook.amountCents !== payment.amountCents || webhook.currency?.toUpperCase() !== payment.currency)
      ) {
        await this.recordSettlement(manager, payment, 'failure', {
          reason: 'montant différent',
          expectedCents: payment.amountCents,
          receivedCents: webhook.amountCents ?? null,
        });
        return { result: { kind: 'ignored', reason: 'montant différent du paiement' } as WebhookResult };
      }
      payment.status = webhook.outcome;
      payment.settledAt = new Date();
      await manager.getRepository(Payment).save(payment);
      await this.recordSettlement(manager, payment, 'success', { eventId: webhook.eventId });
      return { result: { kind: 'applied', paymentId: payment.id, status: payment.status } as WebhookResult, payment };
    });
    if ('payment' in result && result.payment) {
      const { payment } = result;
      const payload = {
        paymentId: payment.id,
        purpose: payment.purpose,
        reference: payment.reference,
        amountCents: payment.amountCents,
        occurredAt: payment.settledAt!,
      };
      if (payment.status === 'succeeded') await this.events.publish('payments.payment.succeeded', payload);
      if (payment.status === 'failed') await this.events.publish('payments.payment.failed', payload);
    }
    return result.result;
  }

  private async recordSettlement(
    manager: EntityManager,
    payment: Payment,
    outcome: 'success' | 'failure',
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(
      {
        actor: { type: 'system' },
        action: outcome === 'success' ? `payments.payment.${payment.status}` : 'payments.webhook.mismatch',
        target: { type: 'payment', id: payment.id },
        outcome,
        details: { provider: payment.provider, purpose: payment.purpose, reference: payment.reference, ...details },
      },
      manager,
    );
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toView(payment: Payment): PaymentView {
  return {
    id: payment.id,
    provider: payment.provider,
    purpose: payment.purpose,
    reference: payment.reference,
    amountCents: payment.amountCents,
    currency: payment.currency,
    description: payment.description,
    status: payment.status,
    createdAt: payment.createdAt,
    settledAt: payment.settledAt,
  };
}

/** The calling module's input, checked: a programming error there must not reach the provider. */
function validate(input: StartPayment): StartPayment {
  const fields: Record<string, string[]> = {};
  const text = (name: keyof StartPayment, value: unknown, max: number) => {
    if (typeof value !== 'string' || !value.trim()) fields[name] = ['Valeur obligatoire.'];
    else if (value.length > max) fields[name] = [`${max} caractères au plus.`];
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f]/.test(value) || !value.isWellFormed()) fields[name] = ['Caractères non autorisés.'];
  };
  text('purpose', input.purpose, 100);
  text('reference', input.reference, 200);
  text('description', input.description, 500);
  if (!Number.isInteger(input.amountCents) || input.amountCents < 1 || input.amountCents > MAX_AMOUNT_CENTS)
    fields.amountCents = ['Le montant doit être un nombre entier de centimes, positif.'];
  if (input.currency !== 'EUR') fields.currency = ['Seul l’euro (EUR) est accepté.'];
  if (input.customerEmail !== undefined && !/^[^\s@]+@[^\s@]+$/.test(input.customerEmail))
    fields.customerEmail = ['Adresse électronique invalide.'];
  for (const name of ['returnUrl', 'cancelUrl'] as const) {
    let url: URL | undefined;
    try {
      url = new URL(input[name]);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || input[name].length > 2000)
      fields[name] = ['Adresse absolue http(s) attendue.'];
  }
  if (Object.keys(fields).length > 0)
    throw new PaymentsError(PaymentsErrorCode.INVALID_PAYMENT, 'Le paiement demandé est incorrect.', fields);
  return {
    ...input,
    purpose: input.purpose.trim(),
    reference: input.reference.trim(),
    description: input.description.trim(),
  };
}
