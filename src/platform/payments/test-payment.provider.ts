import {
  WebhookSignatureError,
  type CheckoutRequest,
  type CheckoutSession,
  type PaymentProvider,
  type VerifiedWebhook,
} from './payment-provider';
import { TEST_SIGNATURE_HEADER, verifyTestWebhook } from './webhook-signature';

/** The events the local test provider sends (`src/dev/test-payment-provider.ts`). */
const OUTCOMES = {
  'payment.succeeded': 'succeeded',
  'payment.failed': 'failed',
  'payment.cancelled': 'cancelled',
} as const;

/**
 * Adapter for the local test provider: a session is opened through its small JSON API (bearer secret), its webhooks
 * are signed with the same secret (`Paiement-Test-Signature`). Development and tests only: refused in production.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = 'test' as const;

  constructor(private readonly options: { url: string | undefined; secret: string; webhookUrl: string }) {}

  get checkoutOrigins(): string[] {
    return this.options.url ? [new URL(this.options.url).origin] : [];
  }

  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    if (!this.options.url)
      throw new Error('Aucun prestataire de paiement de test ne tourne (PAYMENT_TEST_PROVIDER_URL)');
    const response = await fetch(`${this.options.url}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        payment_id: request.paymentId,
        amount_cents: request.amountCents,
        currency: request.currency,
        description: request.description,
        customer_email: request.customerEmail,
        success_url: request.returnUrl,
        cancel_url: request.cancelUrl,
        webhook_url: this.options.webhookUrl,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`Prestataire de test : HTTP ${response.status}`);
    const session = (await response.json()) as { id?: unknown; url?: unknown };
    if (typeof session.id !== 'string' || typeof session.url !== 'string')
      throw new Error('Prestataire de test : réponse illisible');
    return { sessionId: session.id, redirectUrl: session.url };
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): VerifiedWebhook {
    const header = headers[TEST_SIGNATURE_HEADER];
    if (!verifyTestWebhook(this.options.secret, rawBody, typeof header === 'string' ? header : undefined))
      throw new WebhookSignatureError('signature invalide');
    let event: { id?: unknown; type?: unknown; session?: { id?: unknown; amount_cents?: unknown; currency?: unknown } };
    try {
      event = JSON.parse(rawBody.toString('utf8')) as typeof event;
    } catch {
      throw new WebhookSignatureError('corps illisible');
    }
    if (typeof event.id !== 'string' || !event.id) throw new WebhookSignatureError('événement sans identifiant');
    const outcome = OUTCOMES[event.type as keyof typeof OUTCOMES] ?? 'ignored';
    return {
      eventId: event.id,
      outcome,
      sessionId: typeof event.session?.id === 'string' ? event.session.id : undefined,
      amountCents: typeof event.session?.amount_cents === 'number' ? event.session.amount_cents : undefined,
      currency: typeof event.session?.currency === 'string' ? event.session.currency : undefined,
    };
  }
}
