import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import Stripe from 'stripe';
import { PaymentsError, PaymentsService, type StartPayment } from '../../src/platform/payments';
import { PaymentEventsHeard, PaymentEventsHeardModule } from '../support/payments';
import { freePort } from '../support/ports';
import { startTestApp, type TestApp } from '../support/test-app';

const SECRET_KEY = 'sk_test_plateforme_essai';
const WEBHOOK_SECRET = 'whsec_plateforme_essai';

interface StandInRequest {
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  form: URLSearchParams;
}

/**
 * A stand-in for the part of Stripe's API the adapter uses: `POST /v1/checkout/sessions` (form-encoded, bearer secret
 * key), answering a Checkout Session object. `failNext` answers Stripe's 500 `api_error`.
 */
async function startStripeStandIn() {
  const requests: StandInRequest[] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const state = { failNext: false, count: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      requests.push({
        path: `${req.method} ${req.url}`,
        authorization: req.headers.authorization,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        form,
      });
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== `Bearer ${SECRET_KEY}`) {
        res.statusCode = 401;
        return res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'Invalid API Key' } }));
      }
      if (req.method !== 'POST' || req.url !== '/v1/checkout/sessions') {
        res.statusCode = 404;
        return res.end(
          JSON.stringify({ error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } }),
        );
      }
      if (state.failNext) {
        state.failNext = false;
        res.statusCode = 400;
        return res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'Refusé par le test' } }));
      }
      const id = `cs_test_${++state.count}`;
      const session = {
        id,
        object: 'checkout.session',
        mode: form.get('mode'),
        status: 'open',
        payment_status: 'unpaid',
        amount_total: Number(form.get('line_items[0][price_data][unit_amount]')),
        currency: form.get('line_items[0][price_data][currency]'),
        client_reference_id: form.get('client_reference_id'),
        customer_email: form.get('customer_email'),
        success_url: form.get('success_url'),
        cancel_url: form.get('cancel_url'),
        url: `https://checkout.stripe.com/c/pay/${id}`,
        metadata: { payment_id: form.get('metadata[payment_id]') },
      };
      sessions.set(id, session);
      res.end(JSON.stringify(session));
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sessions,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('PaymentsService with Stripe Checkout', () => {
  let app: TestApp;
  let stripeApi: Awaited<ReturnType<typeof startStripeStandIn>>;
  let heard: PaymentEventsHeard;
  let payments: PaymentsService;
  const stripe = new Stripe(SECRET_KEY);
  let eventCount = 0;

  before(async () => {
    stripeApi = await startStripeStandIn();
    app = await startTestApp({
      env: {
        PAYMENT_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: SECRET_KEY,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: stripeApi.url,
      },
      extraModules: [PaymentEventsHeardModule],
    });
    heard = app.app.get(PaymentEventsHeard);
    payments = app.app.get(PaymentsService);
  });
  after(async () => {
    await app?.close();
    await stripeApi?.close();
  });
  beforeEach(() => {
    heard.heard.length = 0;
  });

  const invoice = (reference: string): StartPayment => ({
    purpose: 'client-space.invoice',
    reference,
    amountCents: 4_200,
    currency: 'EUR',
    description: `Facture ${reference}`,
    customerEmail: 'client@exemple.fr',
    returnUrl: `${app.url}/espace-client/factures/${reference}`,
    cancelUrl: `${app.url}/espace-client/factures`,
  });

  /** A Stripe event about a session, as Stripe sends it (its id, type and the session object). */
  function stripeEvent(
    type: string,
    sessionId: string,
    changes: Record<string, unknown> = {},
    id = `evt_${++eventCount}`,
  ) {
    const session = { ...stripeApi.sessions.get(sessionId), ...changes };
    return JSON.stringify({
      id,
      object: 'event',
      api_version: '2025-01-01',
      created: Math.floor(Date.now() / 1000),
      type,
      data: { object: session },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    });
  }

  const deliver = (payload: string, secret = WEBHOOK_SECRET, header?: string) =>
    fetch(`${app.url}/paiements/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': header ?? stripe.webhooks.generateTestHeaderString({ payload, secret }),
      },
      body: payload,
    });

  async function startAndSession(reference: string) {
    const started = await payments.startPayment(invoice(reference));
    const request = stripeApi.requests.at(-1)!;
    const sessionId = [...stripeApi.sessions.values()].find((s) => s.client_reference_id === started.paymentId)!
      .id as string;
    return { started, request, sessionId };
  }

  it('opens a Checkout Session with the amount, description, addresses and the payment id, once per payment', async () => {
    const { started, request, sessionId } = await startAndSession('S-001');
    assert.equal(started.redirectUrl, `https://checkout.stripe.com/c/pay/${sessionId}`);
    assert.equal(request.path, 'POST /v1/checkout/sessions');
    assert.equal(request.authorization, `Bearer ${SECRET_KEY}`);
    assert.equal(request.idempotencyKey, `payment-${started.paymentId}`);
    assert.equal(request.form.get('mode'), 'payment');
    assert.equal(request.form.get('line_items[0][price_data][unit_amount]'), '4200');
    assert.equal(request.form.get('line_items[0][price_data][currency]'), 'eur');
    assert.equal(request.form.get('line_items[0][price_data][product_data][name]'), 'Facture S-001');
    assert.equal(request.form.get('client_reference_id'), started.paymentId);
    assert.equal(request.form.get('success_url'), invoice('S-001').returnUrl);
    assert.equal(request.form.get('cancel_url'), invoice('S-001').cancelUrl);
    assert.equal(request.form.get('customer_email'), 'client@exemple.fr');
    assert.equal((await payments.findPayment(started.paymentId))?.status, 'pending');
  });

  it('marks the payment paid on checkout.session.completed (paid), once; the replayed event is ignored', async () => {
    const { started, sessionId } = await startAndSession('S-002');
    const payload = stripeEvent('checkout.session.completed', sessionId, {
      status: 'complete',
      payment_status: 'paid',
    });
    const first = await deliver(payload);
    assert.equal(first.status, 200);
    assert.equal((await payments.findPayment(started.paymentId))?.status, 'succeeded');
    const replay = await deliver(payload);
    assert.equal(replay.status, 200);
    assert.deepEqual(await replay.json(), { received: true, duplicate: true });
    assert.deepEqual(
      heard.heard.map(({ name, event }) => [name, event.paymentId, event.reference, event.amountCents]),
      [['payments.payment.succeeded', started.paymentId, 'S-002', 4_200]],
    );
  });

  it('waits for a delayed method, then follows async_payment_failed', async () => {
    const { started, sessionId } = await startAndSession('S-003');
    await deliver(
      stripeEvent('checkout.session.completed', sessionId, { status: 'complete', payment_status: 'unpaid' }),
    );
    assert.equal((await payments.findPayment(started.paymentId))?.status, 'pending');
    await deliver(stripeEvent('checkout.session.async_payment_failed', sessionId, { status: 'complete' }));
    assert.equal((await payments.findPayment(started.paymentId))?.status, 'failed');
    assert.deepEqual(
      heard.heard.map(({ name }) => name),
      ['payments.payment.failed'],
    );
  });

  it('marks an expired session cancelled, with no event', async () => {
    const { started, sessionId } = await startAndSession('S-004');
    assert.equal(
      (await deliver(stripeEvent('checkout.session.expired', sessionId, { status: 'expired' }))).status,
      200,
    );
    assert.equal((await payments.findPayment(started.paymentId))?.status, 'cancelled');
    assert.deepEqual(heard.heard, []);
  });

  it('refuses a webhook signed with another secret, or altered, with a 400 problem and changes nothing', async () => {
    const { started, sessionId } = await startAndSession('S-005');
    const payload = stripeEvent('checkout.session.completed', sessionId, { payment_status: 'paid' });
    const foreign = await deliver(payload, 'whsec_un_autre');
    assert.equal(foreign.status, 400);
    assert.match(foreign.headers.get('content-type') ?? '', /application\/problem\+json/);
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const altered = await deliver(payload.replace('"amount_total":4200', '"amount_total":1'), WEBHOOK_SECRET, header);
    assert.equal(altered.status, 400);
    const unsigned = await fetch(`${app.url}/paiements/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    assert.equal(unsigned.status, 400);
    assert.equal((await payments.findPayment(started.paymentId))?.status, 'pending');
    assert.deepEqual(heard.heard, []);
    // The test provider is not configured here.
    assert.equal(
      (
        await fetch(`${app.url}/paiements/webhooks/test`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
      404,
    );
  });

  it('ignores a signed event whose amount is not the payment’s', async () => {
    const { started, sessionId } = await startAndSession('S-006');
    await deliver(stripeEvent('checkout.session.completed', sessionId, { payment_status: 'paid', amount_total: 1 }));
    assert.equal((await payments.findPayment(started.paymentId))?.status, 'pending');
    assert.deepEqual(heard.heard, []);
  });

  it('answers that payment is unavailable when Stripe refuses, and keeps the payment as failed', async () => {
    stripeApi.state.failNext = true;
    await assert.rejects(payments.startPayment(invoice('S-007')), (error: unknown) => {
      assert.ok(error instanceof PaymentsError);
      assert.equal(error.code, 'PROVIDER_UNAVAILABLE');
      return true;
    });
    const [payment] = await payments.paymentsFor('client-space.invoice', 'S-007');
    assert.equal(payment.status, 'failed');
  });
});
