import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TestPaymentProviderServer } from '../../src/dev/test-payment-provider';
import { PaymentsService } from '../../src/platform/payments';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startAppWithTestPaymentProvider, type PaymentEventsHeard } from '../support/payments';
import type { TestApp } from '../support/test-app';

describe('The local test payment provider in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let provider: TestPaymentProviderServer;
  let heard: PaymentEventsHeard;
  let browser: Browser;

  before(async () => {
    ({ app, provider, heard } = await startAppWithTestPaymentProvider());
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await provider?.close();
  });

  it('shows the amount and the description in French, accessibly, and « Payer » pays then returns to the site', async () => {
    const payments = app.app.get(PaymentsService);
    const started = await payments.startPayment({
      purpose: 'client-space.invoice',
      reference: 'F-2026-042',
      amountCents: 1_234_56,
      currency: 'EUR',
      description: 'Facture F-2026-042 – Cabinet Exemple',
      customerEmail: 'client@exemple.fr',
      // A page of the platform that exists: what the buyer sees after the provider.
      returnUrl: `${app.url}/?paiement=retour`,
      cancelUrl: `${app.url}/?paiement=annule`,
    });
    const page = await browser.newPage();
    await page.goto(started.redirectUrl);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.locator('h1').innerText(), 'Paiement sécurisé');
    assert.match(await page.locator('.montant').innerText(), /1\s234,56\s€/);
    assert.match(await page.locator('main').innerText(), /Facture F-2026-042 – Cabinet Exemple/);
    for (const name of [/^Payer/, /^Refuser/, /^Annuler/])
      assert.equal(await page.getByRole('button', { name }).count(), 1);
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'paiement-prestataire-de-test');

    await Promise.all([
      page.waitForURL(`${app.url}/?paiement=retour`),
      page.getByRole('button', { name: /^Payer/ }).click(),
    ]);
    assert.equal((await payments.findPayment(started.paymentId))?.status, 'succeeded');
    assert.deepEqual(
      heard.heard.map(({ name, event }) => [name, event.amountCents]),
      [['payments.payment.succeeded', 1_234_56]],
    );
    await page.close();
  });

  it('« Annuler » returns to the cancel address and pays nothing', async () => {
    const payments = app.app.get(PaymentsService);
    heard.heard.length = 0;
    const started = await payments.startPayment({
      purpose: 'client-space.invoice',
      reference: 'F-2026-043',
      amountCents: 5_000,
      currency: 'EUR',
      description: 'Facture F-2026-043',
      returnUrl: `${app.url}/?paiement=retour`,
      cancelUrl: `${app.url}/?paiement=annule`,
    });
    const page = await browser.newPage();
    await page.goto(started.redirectUrl);
    await Promise.all([
      page.waitForURL(`${app.url}/?paiement=annule`),
      page.getByRole('button', { name: /^Annuler/ }).click(),
    ]);
    assert.equal((await payments.findPayment(started.paymentId))?.status, 'cancelled');
    assert.deepEqual(heard.heard, []);
    await page.close();
  });
});
