/** The events payments publishes after commit (catalogue: docs/events.md). */
export interface PaymentSettledEvent {
  paymentId: string;
  /** As given to `startPayment()`: the listener checks it is its own (`client-space.invoice`). */
  purpose: string;
  reference: string;
  amountCents: number;
  occurredAt: Date;
}

export interface PaymentsEvents {
  /** The provider's signed webhook said the money was taken. Published once per payment. */
  'payments.payment.succeeded': PaymentSettledEvent;
  /** The provider's signed webhook said the payment was refused. */
  'payments.payment.failed': PaymentSettledEvent;
}

declare module '../events/domain-events' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds payments' events
  interface DomainEventMap extends PaymentsEvents {}
}
