import { randomBytes } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { startTestPaymentProvider, type TestPaymentProviderServer } from '../../src/dev/test-payment-provider';
import { OnDomainEvent } from '../../src/platform/events';
import { testProviderSecret, type PaymentSettledEvent } from '../../src/platform/payments';
import { freePort } from './ports';
import { startTestApp, type TestApp } from './test-app';

/** Records the payments' domain events, as the client space would hear them. */
@Injectable()
export class PaymentEventsHeard {
  readonly heard: Array<{ name: string; event: PaymentSettledEvent }> = [];

  @OnDomainEvent('payments.payment.succeeded')
  succeeded(event: PaymentSettledEvent): void {
    this.heard.push({ name: 'payments.payment.succeeded', event });
  }

  @OnDomainEvent('payments.payment.failed')
  failed(event: PaymentSettledEvent): void {
    this.heard.push({ name: 'payments.payment.failed', event });
  }
}

@Module({ providers: [PaymentEventsHeard] })
export class PaymentEventsHeardModule {}

/** The platform with `PAYMENT_PROVIDER=test`, and the local test provider it sends payers to. */
export async function startAppWithTestPaymentProvider(): Promise<{
  app: TestApp;
  provider: TestPaymentProviderServer;
  heard: PaymentEventsHeard;
}> {
  const secretKey = randomBytes(32).toString('base64url');
  const provider = await startTestPaymentProvider({
    port: await freePort(),
    host: '127.0.0.1',
    secret: testProviderSecret(secretKey),
  });
  const app = await startTestApp({
    env: { SECRET_KEY: secretKey, PAYMENT_PROVIDER: 'test', PAYMENT_TEST_PROVIDER_URL: provider.url },
    extraModules: [PaymentEventsHeardModule],
  });
  return { app, provider, heard: app.app.get(PaymentEventsHeard) };
}
