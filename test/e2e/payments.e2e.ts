import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestPaymentProviderServer } from '../../src/dev/test-payment-provider';
import { AuditService } from '../../src/platform/audit';
import {
  PaymentsError,
  PaymentsService,
  signTestWebhook,
  TEST_SIGNATURE_HEADER,
  type StartPayment,
} from '../../src/platform/payments';
import { testProviderSecret } from '../../src/platform/payments';
import { startAppWithTestPaymentProvider, type PaymentEventsHeard } from '../support/payments';
import type { TestApp } from '../support/test-app';

describe('PaymentsService with the local test provider', () => {
  let app: TestApp;
  let provider: TestPaymentProviderServer;
  let heard: PaymentEventsHeard;
  let payments: PaymentsService;

  before(async () => {
    ({ app, provider, heard } = await startAppWithTestPaymentProvider());
    payments = app.app.get(PaymentsService);
  });
  after(async () => {
    await app?.close();
    await provider?.close();
  });
  beforeEach(() => {
    heard.heard.length = 0;
    provider.deliverWebhooks = true;
  });

  const invoice = (reference: string): StartPayment => ({
    purpose: 'client-space.invoice',
    reference,
    amountCents: 12_550,
    currency: 'EUR',
    description: `Facture ${reference}`,
    customerEmail: 'client@exemple.fr',
    returnUrl: `${app.url}/espace-client/factures/${reference}`,
    cancelUrl: `${app.url}/espace-client/factures`,
  });

  /** The buyer on the hosted page: reads it, then sends a choice (and whatever else the page could be made to send). */
  async function choose(redirectUrl: string, choice: string, extra: Record<string, string> = {}) {
    const page = await fetch(redirectUrl);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /125,50\s€/);
    const response = await fetch(redirectUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ choix: choice, ...extra }).toString(),
      redirect: 'manual',
    });
    return { status: response.status, location: response.headers.get('location') };
  }

  const sendWebhook = (path: string, body: string, signature: string | undefined) =>
    fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { [TEST_SIGNATURE_HEADER]: signature } : {}) },
      body,
    });

  describe('pay', () => {
    it('marks the payment succeeded from the signed webhook and publishes the event once; a replay is ignored', async () => {
      const started = await payments.startPayment(invoice('F-2026-001'));
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'pending');
      const { status, location } = await choose(started.redirectUrl, 'payer');
      assert.equal(status, 303);
      assert.equal(location, invoice('F-2026-001').returnUrl);
      const delivery = provider.deliveries.at(-1)!;
      assert.equal(delivery.status, 200);
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'succeeded');
      assert.deepEqual(
        heard.heard.map(({ name, event }) => [
          name,
          event.paymentId,
          event.purpose,
          event.reference,
          event.amountCents,
        ]),
        [['payments.payment.succeeded', started.paymentId, 'client-space.invoice', 'F-2026-001', 12_550]],
      );

      const replay = await sendWebhook('/paiements/webhooks/test', delivery.body, delivery.signature);
      assert.equal(replay.status, 200);
      assert.deepEqual(await replay.json(), { received: true, duplicate: true });
      assert.equal(heard.heard.length, 1);
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'succeeded');

      // The same event under a new id and a fresh signature (a provider's retry after a lost answer) changes nothing:
      // the payment has left `pending`.
      const again = JSON.stringify({ ...(JSON.parse(delivery.body) as object), id: 'evt_autre' });
      const retried = await sendWebhook(
        '/paiements/webhooks/test',
        again,
        signTestWebhook(testProviderSecret(app.config.secretKey), again),
      );
      assert.equal(retried.status, 200);
      assert.equal(heard.heard.length, 1);
      const trail = await app.app.get(AuditService).search({ targetId: started.paymentId });
      assert.deepEqual(trail.map((e) => e.action).sort(), ['payments.payment.started', 'payments.payment.succeeded']);
    });
  });

  describe('refuse', () => {
    it('marks the payment failed and publishes payments.payment.failed', async () => {
      const started = await payments.startPayment(invoice('F-2026-002'));
      const { status, location } = await choose(started.redirectUrl, 'refuser');
      assert.equal(status, 303);
      assert.equal(location, invoice('F-2026-002').returnUrl);
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'failed');
      assert.deepEqual(
        heard.heard.map(({ name, event }) => [name, event.reference]),
        [['payments.payment.failed', 'F-2026-002']],
      );
    });
  });

  describe('cancel', () => {
    it('sends the buyer to the cancel address; nothing is paid and no event says so', async () => {
      const started = await payments.startPayment(invoice('F-2026-003'));
      const { status, location } = await choose(started.redirectUrl, 'annuler');
      assert.equal(status, 303);
      assert.equal(location, invoice('F-2026-003').cancelUrl);
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'cancelled');
      assert.deepEqual(heard.heard, []);
      // The hosted page is closed: paying afterwards is refused by the provider.
      const late = await fetch(started.redirectUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'choix=payer',
        redirect: 'manual',
      });
      assert.equal(late.status, 409);
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'cancelled');
    });
  });

  describe('the return address', () => {
    it('changes nothing by itself: without the webhook the payment stays pending, with it it succeeds', async () => {
      provider.deliverWebhooks = false;
      const started = await payments.startPayment(invoice('F-2026-004'));
      const { location } = await choose(started.redirectUrl, 'payer');
      assert.equal(location, invoice('F-2026-004').returnUrl);
      // The buyer's browser arrives at the return address (here a page of the client space, signed out).
      await fetch(String(location), { redirect: 'manual' });
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'pending');
      assert.deepEqual(heard.heard, []);

      const delivery = provider.deliveries.at(-1)!;
      const late = await sendWebhook('/paiements/webhooks/test', delivery.body, delivery.signature);
      assert.equal(late.status, 200);
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'succeeded');
      assert.equal(heard.heard.length, 1);
    });
  });

  describe('webhook signatures', () => {
    it('refuses a wrong, missing or foreign signature with a 400 problem, changes nothing, and audits it', async () => {
      provider.deliverWebhooks = false;
      const started = await payments.startPayment(invoice('F-2026-005'));
      await choose(started.redirectUrl, 'payer');
      const delivery = provider.deliveries.at(-1)!;
      const tampered = delivery.body.replace('"payment.succeeded"', '"payment.failed"');
      const audit = app.app.get(AuditService);
      const refusedBefore = (await audit.search({ action: 'payments.webhook.refused' })).length;
      for (const [body, signature] of [
        [tampered, delivery.signature],
        [delivery.body, undefined],
        [delivery.body, signTestWebhook('un-autre-secret', delivery.body)],
        [delivery.body, 't=1,v1=00'],
      ] as const) {
        const response = await sendWebhook('/paiements/webhooks/test', body, signature);
        assert.equal(response.status, 400);
        assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
        const problem = (await response.json()) as { status: number; title: string };
        assert.equal(problem.status, 400);
        assert.equal(problem.title, 'Signature invalide');
      }
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'pending');
      assert.deepEqual(heard.heard, []);
      assert.equal((await audit.search({ action: 'payments.webhook.refused' })).length, refusedBefore + 4);

      // The genuine delivery still works afterwards: the refused ones were not recorded as processed.
      assert.equal((await sendWebhook('/paiements/webhooks/test', delivery.body, delivery.signature)).status, 200);
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'succeeded');
    });

    it('answers 404 for a provider that is not the configured one', async () => {
      for (const name of ['stripe', 'paypal']) {
        const response = await sendWebhook(`/paiements/webhooks/${name}`, '{}', undefined);
        assert.equal(response.status, 404);
      }
    });
  });

  describe('amounts', () => {
    it('come from the server: an amount sent by the page is ignored, a signed event with another amount changes nothing', async () => {
      const started = await payments.startPayment(invoice('F-2026-006'));
      await choose(started.redirectUrl, 'payer', { amount_cents: '1', montant: '0,01' });
      assert.equal((await payments.findPayment(started.paymentId))?.status, 'succeeded');
      assert.equal(heard.heard[0].event.amountCents, 12_550);
      assert.equal(JSON.parse(provider.deliveries.at(-1)!.body).session.amount_cents, 12_550);

      provider.deliverWebhooks = false;
      heard.heard.length = 0;
      const other = await payments.startPayment(invoice('F-2026-007'));
      await choose(other.redirectUrl, 'payer');
      const event = JSON.parse(provider.deliveries.at(-1)!.body) as { session: { amount_cents: number } };
      event.session.amount_cents = 1;
      const body = JSON.stringify(event);
      const response = await sendWebhook(
        '/paiements/webhooks/test',
        body,
        signTestWebhook(testProviderSecret(app.config.secretKey), body),
      );
      assert.equal(response.status, 200);
      assert.equal((await payments.findPayment(other.paymentId))?.status, 'pending');
      assert.deepEqual(heard.heard, []);
    });

    it('refuses a payment request that is not whole positive euro cents, another currency or a relative address', async () => {
      for (const wrong of [
        { amountCents: 0 },
        { amountCents: 10.5 },
        { amountCents: -100 },
        { currency: 'USD' as 'EUR' },
        { returnUrl: '/factures' },
        { reference: '' },
      ]) {
        await assert.rejects(payments.startPayment({ ...invoice('F-2026-008'), ...wrong }), PaymentsError);
      }
      assert.deepEqual(await payments.paymentsFor('client-space.invoice', 'F-2026-008'), []);
    });
  });
});
