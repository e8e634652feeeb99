import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { deriveKey } from '../crypto/secret-box';
import { Payment } from './payment.entity';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider';
import { PaymentWebhookEvent } from './payment-webhook-event.entity';
import { PaymentsWebhookController } from './payments-webhook.controller';
import { PaymentsService } from './payments.service';
import { StripePaymentProvider } from './stripe-payment.provider';
import { TestPaymentProvider } from './test-payment.provider';

/** The test provider's shared secret (API bearer and webhook signatures), derived from `SECRET_KEY`. */
export function testProviderSecret(secretKey: string): string {
  return deriveKey(secretKey, 'payment-test-provider');
}

export function paymentProviderFor(config: AppConfig): PaymentProvider | null {
  const payments = config.payments;
  switch (payments.provider) {
    case 'none':
      return null;
    case 'test':
      return new TestPaymentProvider({
        url: payments.testProviderUrl,
        secret: testProviderSecret(config.secretKey),
        webhookUrl: `${config.publicUrl}/paiements/webhooks/test`,
      });
    case 'stripe':
      return new StripePaymentProvider(payments.stripe);
  }
}

/**
 * Online payments (`PaymentsService.startPayment`) at the configured provider, and the webhook endpoint that settles
 * them. Imported by the modules that sell or bill (the client space's invoices). See docs/payments.md.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Payment, PaymentWebhookEvent])],
  controllers: [PaymentsWebhookController],
  providers: [PaymentsService, { provide: PAYMENT_PROVIDER, inject: [APP_CONFIG], useFactory: paymentProviderFor }],
  exports: [PaymentsService],
})
export class PaymentsModule {}
