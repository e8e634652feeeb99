import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SubscriptionsService } from '../../src/modules/subscriptions';
import { ADMIN_PASSWORD, makeAccount } from '../support/admin';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * « Abonnements » in the console, in Chromium: search, a subscription's page, « Changer le mode de gestion » with its
 * consequences then the confirmation (support); `lecture` sees no such form. axe-core on each page.
 */
describe('Subscriptions in the console, in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  let subscriptionId: string;

  before(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    await makeAccount(app, 'sam.support', 'support');
    await makeAccount(app, 'leon.lecture', 'lecture');
    const admin = await makeAccount(app, 'alice.admin', undefined, { givenName: 'Alice', familyName: 'Admin' });
    const service = app.app.get(SubscriptionsService);
    await service.addProduct({ code: 'dalloz-avocat', name: 'Dalloz Avocat', url: 'https://avocat.example.fr/' });
    subscriptionId = (
      await service.addSubscription({
        subscriber: 'Cabinet Dupont',
        products: [{ code: 'dalloz-avocat' }],
        seats: 5,
        startsOn: '2026-01-01',
        endsOn: '2036-12-31',
        accountMode: 'self-declaration',
      })
    ).id;
    await service.setMembership(subscriptionId, admin.id, [{ productCode: 'dalloz-avocat', role: 'administrator' }]);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signIn(email: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${app.url}/admin`);
    await page.fill('#identifier', email);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.fill('#password', ADMIN_PASSWORD);
    await page.locator('form[action$="mot-de-passe"] button[type="submit"]').click();
    await page.waitForURL(`${app.url}/admin`);
    return page;
  }

  async function checked(page: Page, shot: string): Promise<void> {
    assert.deepEqual(await accessibilityViolations(page), [], shot);
    await screenshot(page, shot);
  }

  it('lets support find a subscription and change its mode after reading the consequences', async () => {
    const page = await signIn('sam.support@example.fr');
    await page.getByRole('link', { name: 'Abonnements' }).first().click();
    await page.waitForURL(`${app.url}/admin/abonnements`);
    await page.getByLabel(/Rechercher un abonné/).fill('dupont');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await checked(page, 'console-abonnements');
    await page.getByRole('link', { name: 'Cabinet Dupont' }).click();
    await page.waitForURL(`${app.url}/admin/abonnements/${subscriptionId}`);
    await checked(page, 'console-abonnement');
    await page.getByText('gestion par administrateur', { exact: true }).click();
    await page.getByRole('button', { name: 'Voir les conséquences' }).click();
    await page.waitForSelector('text=Conséquences');
    assert.match(await page.locator('main').innerText(), /Administrateurs : Alice Admin/);
    await checked(page, 'console-abonnement-mode-consequences');
    await page.getByRole('button', { name: /Confirmer le passage/ }).click();
    await page.waitForSelector('text=Le mode de gestion est maintenant « gestion par administrateur »');
    await checked(page, 'console-abonnement-mode-change');
    assert.equal(
      (await app.app.get(SubscriptionsService).getSubscription(subscriptionId)).accountMode,
      'administrator-managed',
    );
  });

  it('shows lecture the subscription without the mode change', async () => {
    const page = await signIn('leon.lecture@example.fr');
    await page.goto(`${app.url}/admin/abonnements/${subscriptionId}`);
    assert.equal(await page.locator('h1').innerText(), 'Abonnement Cabinet Dupont');
    assert.equal(await page.getByRole('button', { name: 'Voir les conséquences' }).count(), 0);
    await checked(page, 'console-abonnement-lecture');
  });
});
