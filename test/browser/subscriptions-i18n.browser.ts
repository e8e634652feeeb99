import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SubscriptionsService } from '../../src/modules/subscriptions';
import { ADMIN_PASSWORD, makeAccount } from '../support/admin';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The subscriptions pages in English for an English browser (Accept-Language): « My subscriptions », « Manage my
 * users » and its form with errors, the refusal of « Create my personal account », and the console's subscriptions.
 * axe-core on each page.
 */
describe('Subscriptions pages in English in a browser, checked with axe', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  let subscriptionId: string;

  const checked = async (page: Page, name: string) => {
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', name);
    await screenshot(page, name);
    assert.deepEqual(await accessibilityViolations(page), [], name);
  };

  before(async () => {
    app = await startTestApp();
    const service = app.app.get(SubscriptionsService);
    await service.addProduct({
      code: 'law-online',
      name: 'Law Online',
      url: 'https://law.example.com/',
      sections: [{ code: 'civil', name: 'Civil' }],
    });
    const admin = await makeAccount(app, 'john.smith', undefined, { givenName: 'John', familyName: 'Smith' });
    subscriptionId = (
      await service.addSubscription({
        subscriber: 'Acme Legal',
        products: [{ code: 'law-online' }],
        seats: 5,
        startsOn: '2026-01-01',
        endsOn: '2099-12-31',
        accountMode: 'administrator-managed',
      })
    ).id;
    await service.setMembership(subscriptionId, admin.id, [
      { productCode: 'law-online', role: 'reader' },
      { productCode: 'law-online', role: 'administrator' },
    ]);
    await makeAccount(app, 'sam.support', 'support');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signIn(path: string, login: string): Promise<Page> {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${app.url}${path}`);
    await page.getByLabel('Identifier or e-mail address').fill(login);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.url}${path}`);
    return page;
  }

  it('shows « My subscriptions » and « Manage my users » in English, with a form answered in English', async () => {
    const page = await signIn('/compte/abonnements', 'john.smith@example.fr');
    assert.equal(await page.locator('h1').innerText(), 'My subscriptions');
    assert.match(await page.locator('main').innerText(), /My products and statuses/);
    await checked(page, 'my-subscriptions-en');

    await page.getByRole('link', { name: 'Manage my users' }).click();
    await page.waitForURL(`${app.url}/compte/utilisateurs/${subscriptionId}`);
    assert.equal(await page.locator('h1').innerText(), 'All my users');
    await checked(page, 'all-my-users-en');

    await page.getByRole('navigation', { name: 'My users' }).getByRole('link', { name: 'My users by product' }).click();
    await page.waitForURL(`${app.url}/compte/utilisateurs/${subscriptionId}/par-produit`);
    assert.equal(await page.locator('h1').innerText(), 'My users by product');
    await checked(page, 'my-users-by-product-en');

    await page.getByRole('navigation', { name: 'My users' }).getByRole('link', { name: 'Create a user' }).click();
    await page.waitForURL(`${app.url}/compte/utilisateurs/${subscriptionId}/nouveau`);
    assert.equal(await page.locator('h1').innerText(), 'Create a user');
    await checked(page, 'create-a-user-en');
    await page.getByLabel('E-mail', { exact: true }).fill('not-an-address');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Tick at least one access (Reader or Admin).').first().waitFor();
    assert.match(
      await page.locator('main').innerText(),
      /Enter a valid e-mail address, for example name@example\.com\./,
    );
    await checked(page, 'create-a-user-errors-en');
    await page.getByLabel('E-mail', { exact: true }).fill('jane.roe@example.com');
    await page.getByText('Ms', { exact: true }).click();
    await page.getByLabel('Last name', { exact: true }).fill('Roe');
    await page.getByLabel('First name', { exact: true }).fill('Jane');
    await page.getByLabel('Reader of Law Online', { exact: true }).check({ force: true });
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForSelector('text=User created.');
    assert.match(await page.locator('main').innerText(), /ROE\s+Jane\s+Awaiting activation/i);
    await checked(page, 'user-created-en');

    await page.getByRole('link', { name: 'ROE' }).click();
    await page.waitForURL(/\/compte\/utilisateurs\/[^/]+\/[0-9a-f-]{36}$/);
    assert.equal(await page.locator('h1').innerText(), 'Rights of Jane ROE');
    await checked(page, 'user-rights-en');

    await page.goto(`${app.url}/abonnements/creer-mon-compte`);
    assert.equal(await page.locator('h1').innerText(), 'Sign in with your access codes');
    await checked(page, 'create-my-account-refused-en');
    await page.context().close();
  });

  it('shows the console’s subscriptions and a mode change in English', async () => {
    const page = await signIn('/admin', 'sam.support@example.fr');
    await page.goto(`${app.url}/admin/abonnements?q=Acme`);
    assert.equal(await page.locator('h1').innerText(), 'Subscriptions');
    await checked(page, 'console-subscriptions-en');
    await page.getByRole('link', { name: 'Acme Legal' }).click();
    await page.waitForURL(`${app.url}/admin/abonnements/${subscriptionId}`);
    assert.equal(await page.locator('h1').innerText(), 'Acme Legal subscription');
    await checked(page, 'console-subscription-en');
    await page.getByText('self-declaration', { exact: true }).click();
    await page.getByRole('button', { name: 'See the consequences' }).click();
    await page.waitForURL(/\/mode\?vers=auto-declaration$/);
    assert.equal(await page.locator('h1').innerText(), 'Change the management mode');
    assert.match(await page.locator('main').innerText(), /“Manage my users” stops: John Smith/);
    await checked(page, 'console-mode-change-en');
    await page.context().close();
  });

  it('keeps French for a French browser', async () => {
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await page.goto(`${app.url}/abonnements/creer-mon-compte`);
    assert.equal(await page.locator('h1').innerText(), 'Connectez-vous avec vos codes d’accès');
    await page.context().close();
  });
});
