/** What a payment provider is asked to open: a hosted checkout for one payment. */
export interface CheckoutRequest {
  paymentId: string;
  amountCents: number;
  currency: 'EUR';
  description: string;
  customerEmail?: string;
  returnUrl: string;
  cancelUrl: string;
}

export interface CheckoutSession {
  /** The provider's session id, which its webhooks name. */
  sessionId: string;
  /** The provider's hosted payment page. */
  redirectUrl: string;
}

/** A webhook whose signature was checked, in the platform's words. */
export interface VerifiedWebhook {
  /** The provider's event id: a second delivery of the same id is a replay. */
  eventId: string;
  /** `ignored`: an event type the platform does not act on (still acknowledged). */
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'ignored';
  sessionId?: string;
  /** What the provider says it charged, checked against the payment's own amount. */
  amountCents?: number;
  currency?: string;
}

/** The webhook's signature (or its body) does not hold: nothing changes. */
export class WebhookSignatureError extends Error {}

/**
 * A payment provider: opens hosted checkouts, and reads its own signed webhooks. Adapters: `StripePaymentProvider`
 * (Stripe Checkout) and `TestPaymentProvider` (the local test provider of `src/dev`).
 */
export interface PaymentProvider {
  /** Name in the webhook path (`/paiements/webhooks/:provider`) and in the `payment.provider` column. */
  readonly name: 'test' | 'stripe';
  /**
   * Origins of the hosted payment pages. A page whose form posts to the platform, which then redirects the buyer there,
   * must allow them in its CSP `form-action` (Chrome applies it to the redirect chain).
   */
  readonly checkoutOrigins: string[];
  createCheckout(request: CheckoutRequest): Promise<CheckoutSession>;
  /** Throws `WebhookSignatureError` when the signature is missing, wrong or too old, or the body unreadable. */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): VerifiedWebhook;
}

/** Injection token of the configured provider (`undefined` when online payment is off). */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
