export { PaymentsModule, testProviderSecret } from './payments.module';
export {
  PaymentsService,
  type StartPayment,
  type StartedPayment,
  type PaymentView,
  type WebhookResult,
} from './payments.service';
export { PaymentsError, PaymentsErrorCode } from './payments.errors';
export type { PaymentsEvents, PaymentSettledEvent } from './payments.events';
export { PAYMENT_STATUSES, type PaymentStatus } from './payment.entity';
export { signTestWebhook, verifyTestWebhook, TEST_SIGNATURE_HEADER } from './webhook-signature';
export type { PaymentProvider } from './payment-provider';
