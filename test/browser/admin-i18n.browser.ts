import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { ADMIN_PASSWORD, makeAccount } from '../support/admin';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

/** The operators' console for an English browser (Accept-Language): every main screen in English, checked by axe. */
describe('The operators’ console in English in a browser, checked with axe', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  let target: string;

  before(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    await makeAccount(app, 'emma.super', 'super-admin');
    target = (await makeAccount(app, 'noah.target', undefined, { givenName: 'Noah', familyName: 'Target' })).id;
    const provider = app.app.get(OidcProviderService);
    await app.app.get(ClientRegistry).add(
      {
        client_id: 'browser-site',
        client_name: 'Browser site',
        redirect_uris: ['http://127.0.0.1:9/retour'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      (metadata) => provider.validateClient(metadata),
    );
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  async function check(page: Page, path: string, heading: RegExp, shot: string): Promise<void> {
    const response = await page.goto(`${app.url}${path}`);
    assert.equal(response?.status(), 200, path);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', path);
    assert.match(await page.locator('h1').innerText(), heading, path);
    assert.deepEqual(await accessibilityViolations(page), [], `axe-core sur ${path}`);
    await screenshot(page, shot);
  }

  it('signs in and shows every console screen in English, accessible, with a form error and an action', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${app.url}/admin`);
    await page.getByLabel('Identifier or e-mail address').fill('emma.super@example.fr');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.url}/admin`);

    await check(page, '/admin', /^Dashboard$/, 'console-dashboard-en');
    assert.equal(
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link').first().innerText(),
      'Dashboard',
    );
    await check(page, '/admin/comptes?q=noah', /^Accounts$/, 'console-accounts-en');
    await check(page, `/admin/comptes/${target}`, /^Account noah\.target$/, 'console-account-en');
    await check(
      page,
      `/admin/comptes/${target}/suppression`,
      /^Delete the account noah\.target$/,
      'console-deletion-en',
    );
    await check(page, '/admin/sites', /^Sites$/, 'console-sites-en');
    await check(page, '/admin/sites/nouveau', /^New site$/, 'console-new-site-en');
    await page.fill('#clientId', 'é');
    await page.getByRole('button', { name: 'Register the site' }).click();
    await page.getByText('From 3 to 100 characters').first().waitFor();
    assert.match(await page.getByRole('alert').first().innerText(), /The form contains/);
    assert.deepEqual(await accessibilityViolations(page), [], 'axe-core sur le formulaire refusé');
    await screenshot(page, 'console-new-site-error-en');
    await check(page, '/admin/sites/browser-site', /^Browser site$/, 'console-site-en');
    await page.getByRole('button', { name: 'Disable the site' }).click();
    await page.getByText('The site is disabled: its sign-ins and tokens are refused.').waitFor();
    assert.deepEqual(await accessibilityViolations(page), [], 'axe-core sur le site désactivé');
    await check(page, '/admin/sites/browser-site/modifier', /^Edit the site « browser-site »$/, 'console-edit-site-en');
    await check(page, '/admin/cles', /^Signing keys$/, 'console-keys-en');
    await check(page, '/admin/envois', /^Outgoing messages$/, 'console-outbox-en');
    await check(page, '/admin/journal', /^Audit trail$/, 'console-audit-en');
    const first = await page.locator('table a[href^="/admin/journal/"]').first().getAttribute('href');
    assert.ok(first, 'an event to open');
    await check(page, first, /^Event \d+$/, 'console-event-en');
    await context.close();
  });
});
