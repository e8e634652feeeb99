import Stripe from 'stripe';
import {
  WebhookSignatureError,
  type CheckoutRequest,
  type CheckoutSession,
  type PaymentProvider,
  type VerifiedWebhook,
} from './payment-provider';

/**
 * Stripe Checkout: a Checkout Session in `payment` mode per payment (one line: the description and the amount), our
 * payment id as `client_reference_id` and as the idempotency key; webhooks verified by `stripe.webhooks.constructEvent`
 * with the endpoint's signing secret (`Stripe-Signature`, timestamp within 5 minutes).
 *
 * Events acted on (https://docs.stripe.com/checkout/fulfillment): `checkout.session.completed` with `payment_status`
 * `paid` (or `no_payment_required`) and `checkout.session.async_payment_succeeded` → succeeded;
 * `checkout.session.async_payment_failed` → failed; `checkout.session.expired` → cancelled. A completed session still
 * `unpaid` (a delayed method) waits for its async event.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  /** Stripe Checkout's hosted pages. */
  readonly checkoutOrigins = ['https://checkout.stripe.com'];
  private readonly stripe: Stripe;

  constructor(private readonly options: { secretKey: string; webhookSecret: string; apiUrl: string | undefined }) {
    const api = options.apiUrl ? new URL(options.apiUrl) : undefined;
    this.stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: 2,
      timeout: 15_000,
      telemetry: false,
      ...(api
        ? {
            host: api.hostname,
            port: api.port || (api.protocol === 'https:' ? 443 : 80),
            protocol: api.protocol === 'https:' ? 'https' : 'http',
          }
        : {}),
    });
  }

  async createCheckout(request: CheckoutRequest): Promise<CheckoutSession> {
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: request.currency.toLowerCase(),
              unit_amount: request.amountCents,
              product_data: { name: request.description },
            },
          },
        ],
        client_reference_id: request.paymentId,
        customer_email: request.customerEmail,
        success_url: request.returnUrl,
        cancel_url: request.cancelUrl,
        locale: 'fr',
        metadata: { payment_id: request.paymentId },
      },
      { idempotencyKey: `payment-${request.paymentId}` },
    );
    if (!session.url) throw new Error('Stripe : session sans URL de paiement');
    return { sessionId: session.id, redirectUrl: session.url };
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): VerifiedWebhook {
    const header = headers['stripe-signature'];
    let event: Stripe.Event;
    try {
      if (typeof header !== 'string') throw new Error('en-tête Stripe-Signature absent');
      event = this.stripe.webhooks.constructEvent(rawBody, header, this.options.webhookSecret);
    } catch (error) {
      throw new WebhookSignatureError((error as Error).message);
    }
    // Only the Checkout events matter; every other type is acknowledged and ignored.
    if (event.type === 'checkout.session.completed')
      return sessionOutcome(
        event.id,
        event.data.object,
        event.data.object.payment_status === 'unpaid' ? 'ignored' : 'succeeded',
      );
    if (event.type === 'checkout.session.async_payment_succeeded')
      return sessionOutcome(event.id, event.data.object, 'succeeded');
    if (event.type === 'checkout.session.async_payment_failed')
      return sessionOutcome(event.id, event.data.object, 'failed');
    if (event.type === 'checkout.session.expired') return sessionOutcome(event.id, event.data.object, 'cancelled');
    return { eventId: event.id, outcome: 'ignored' };
  }
}

function sessionOutcome(
  eventId: string,
  session: Stripe.Checkout.Session,
  outcome: VerifiedWebhook['outcome'],
): VerifiedWebhook {
  return {
    eventId,
    outcome,
    sessionId: session.id,
    amountCents: session.amount_total ?? undefined,
    currency: session.currency ?? undefined,
  };
}
