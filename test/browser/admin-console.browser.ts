import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_PASSWORD, makeAccount } from '../support/admin';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';

/** The operators' console in Chromium: each main screen for super-admin and lecture, checked by axe-core. */
describe('The operators’ console in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  let target: string;

  before(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    await makeAccount(app, 'sarah.super', 'super-admin');
    await makeAccount(app, 'leon.lecture', 'lecture');
    target = (await makeAccount(app, 'camille.cible', undefined, { givenName: 'Camille', familyName: 'Cible' })).id;
    const provider = app.app.get(OidcProviderService);
    await app.app.get(ClientRegistry).add(
      {
        client_id: 'site-navigateur',
        client_name: 'Site du navigateur',
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

  async function signIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${app.url}/admin`);
    await page.fill('#identifier', email);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.fill('#password', ADMIN_PASSWORD);
    await page.locator('form[action$="mot-de-passe"] button[type="submit"]').click();
    await page.waitForURL(`${app.url}/admin`);
    return { context, page };
  }

  async function check(page: Page, path: string, heading: RegExp, shot: string): Promise<void> {
    const response = await page.goto(`${app.url}${path}`);
    assert.equal(response?.status(), 200, path);
    assert.match(await page.locator('h1').innerText(), heading);
    assert.deepEqual(await accessibilityViolations(page), [], `axe-core sur ${path}`);
    await screenshot(page, shot);
  }

  it('shows super-admin every screen, accessible, and disables an account from its page', async () => {
    const { context, page } = await signIn('sarah.super@example.fr');
    await check(page, '/admin', /Tableau de bord/, 'console-tableau-de-bord');
    await check(page, '/admin/comptes?q=camille', /Comptes/, 'console-comptes');
    await check(page, `/admin/comptes/${target}`, /Compte camille\.cible/, 'console-compte');
    await check(page, `/admin/comptes/${target}/suppression`, /Supprimer le compte/, 'console-compte-suppression');
    await check(page, '/admin/sites', /Sites/, 'console-sites');
    await check(page, '/admin/sites/nouveau', /Nouveau site/, 'console-site-nouveau');
    await check(page, '/admin/sites/plateforme-compte', /Mon compte/, 'console-site');
    await check(page, '/admin/sites/site-navigateur/modifier', /Modifier le site/, 'console-site-modifier');
    await page.fill('#logoUri', 'https://logo.example.fr/logo.png');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.waitForSelector('text=Les modifications du site sont enregistrées');
    await page.getByRole('button', { name: 'Désactiver le site' }).click();
    await page.waitForSelector('text=Le site est désactivé');
    assert.deepEqual(await accessibilityViolations(page), [], 'axe-core sur le site désactivé');
    await screenshot(page, 'console-site-desactive');
    await check(page, '/admin/cles', /Clés de signature/, 'console-cles');
    await check(page, '/admin/envois', /Envois/, 'console-envois');
    await check(page, '/admin/journal', /Journal d’audit/, 'console-journal');
    const first = await page.locator('table a[href^="/admin/journal/"]').first().getAttribute('href');
    await check(page, first!, /Événement/, 'console-evenement');

    await page.goto(`${app.url}/admin/comptes/${target}`);
    await page.getByRole('button', { name: 'Désactiver le compte' }).click();
    await page.waitForSelector('text=Le compte est désactivé');
    assert.equal(await page.locator('[data-status]').getAttribute('data-status'), 'disabled');
    assert.deepEqual(await accessibilityViolations(page), []);
    await context.close();
  });

  it('shows lecture an account without any action button', async () => {
    const { context, page } = await signIn('leon.lecture@example.fr');
    await check(page, `/admin/comptes/${target}`, /Compte camille\.cible/, 'console-compte-lecture');
    assert.equal(await page.locator('form[action^="/admin/comptes/"]').count(), 0);
    await context.close();
  });
});
