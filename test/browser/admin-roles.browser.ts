import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it, mock } from 'node:test';
import * as client from 'openid-client';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { DEMO_ACCOUNT, startDemo } from '../../src/dev/demo';
import { DEMO_COMPANY } from '../../src/modules/secondary-accounts';
import { FileStorage } from '../../src/platform/storage/file-storage';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { ADMIN_PASSWORD, makeAccount } from '../support/admin';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { freePort } from '../support/ports';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'https://site-navigateur.example.fr/retour';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/**
 * Each operator role in Chromium (axe-core on every page): `lecture` sees and cannot change; `support` disables an
 * account (its live session at the demo site ends) and resends an activation; `super-admin` creates a site that then
 * signs a person in, renews its secret (the old one refused) and exports the audit trail; step-up after 5 minutes
 * with a controlled clock.
 */
describe('The console for each operator role, in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let stopDemo: () => Promise<void>;
  let demoUrl: string;
  let browser: Browser;
  let target: string;

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    app.app.get(OutboxWorker).start();
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), port);
    browser = await launchBrowser();
    await makeAccount(app, 'sophie.super', 'super-admin');
    await makeAccount(app, 'simon.support', 'support');
    await makeAccount(app, 'louise.lecture', 'lecture');
    target = (await makeAccount(app, 'cyril.cible', undefined, { givenName: 'Cyril', familyName: 'Cible' })).id;
  });
  after(async () => {
    await browser?.close();
    await stopDemo?.();
    await app?.close();
    await smtp?.stop();
  });

  const statusOf = async (id: string) =>
    (await app.dataSource.query<Array<{ status: string }>>(`SELECT status FROM account WHERE id = $1`, [id]))[0].status;

  async function signIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${app.url}/admin`);
    await page.fill('#identifier', email);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.fill('#password', ADMIN_PASSWORD);
    await page.locator('form[action$="mot-de-passe"] button[type="submit"]').click();
    await page.waitForURL(`${app.url}/admin`);
    return { context, page };
  }

  async function visit(page: Page, path: string, shot?: string): Promise<void> {
    const response = await page.goto(`${app.url}${path}`);
    assert.equal(response?.status(), 200, path);
    assert.deepEqual(await accessibilityViolations(page), [], `axe-core sur ${path}`);
    if (shot) await screenshot(page, shot);
  }

  it('lecture: sees every screen without a button that changes anything, and its POSTs are refused', async () => {
    const { context, page } = await signIn('louise.lecture@example.fr');
    for (const path of [
      '/admin',
      `/admin/comptes/${target}`,
      '/admin/sites',
      `/admin/sites/site-demo`,
      '/admin/cles',
      '/admin/envois',
      '/admin/journal',
    ]) {
      await visit(page, path);
      // The sign-out form of the page's header is the only one that posts.
      const forms = await page
        .locator('form[method="post"]')
        .evaluateAll((all: Array<{ getAttribute(name: string): string | null }>) =>
          all.map((f) => f.getAttribute('action')),
        );
      assert.deepEqual(
        forms.filter((action) => action !== '/admin/deconnexion'),
        [],
        `aucun bouton d’action pour lecture sur ${path}`,
      );
    }
    await visit(page, `/admin/comptes/${target}`, 'console-lecture-compte');
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    for (const path of [
      `/admin/comptes/${target}/desactiver`,
      '/admin/sites/site-demo/desactiver',
      '/admin/cles/rotation',
    ]) {
      const res = await page.request.post(`${app.url}${path}`, { form: { _csrf: csrf }, maxRedirects: 0 });
      assert.equal(res.status(), 403, path);
    }
    assert.equal(await statusOf(target), 'active', 'nothing changed');
    await context.close();
  });

  it('support: disables an account (its live session at the demo site ends) and resends an activation', async () => {
    // The holder signed in at the demo site, in a browser of their own.
    const holderContext = await browser.newContext();
    const holder = await holderContext.newPage();
    holder.setDefaultTimeout(15_000);
    await holder.goto(`${demoUrl}/connexion`);
    await holder.fill('#identifier', DEMO_ACCOUNT.identifier);
    await holder.getByRole('button', { name: 'Continuer' }).click();
    await holder.fill('#password', DEMO_ACCOUNT.password);
    await holder.locator('form[action$="mot-de-passe"] button[type="submit"]').click();
    await holder.waitForURL(
      (url) => url.origin === demoUrl || url.pathname.endsWith('/consentement') || /\/interaction\//.test(url.pathname),
    );
    if (!holder.url().startsWith(demoUrl)) {
      await holder.getByRole('button', { name: /Autoriser/ }).click();
      await holder.waitForURL((url) => url.origin === demoUrl);
    }
    assert.match(await holder.locator('body').innerText(), /Vous êtes connecté/);

    const demo = (await app.app.get(IdentityService).findByLogin(DEMO_ACCOUNT.identifier))!;
    const { context, page } = await signIn('simon.support@example.fr');
    await visit(page, `/admin/comptes/${demo.id}`, 'console-support-compte');
    await page.getByRole('button', { name: 'Désactiver le compte' }).click();
    await page.waitForSelector('text=Le compte est désactivé');
    assert.deepEqual(await accessibilityViolations(page), []);
    assert.equal(await statusOf(demo.id), 'disabled');
    let ended = false;
    for (let i = 0; i < 50 && !ended; i++) {
      await holder.goto(demoUrl);
      ended = /Vous n’êtes pas connecté/.test(await holder.locator('body').innerText());
      if (!ended) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(ended, 'the demo site ended the session (back-channel logout)');
    await holderContext.close();

    const invited = await app.app.get(IdentityService).inviteAccount({
      email: 'ivan.invite@example.fr',
      givenName: 'Ivan',
      familyName: 'Invité',
      invitedBy: { actor: { type: 'system' }, name: 'la plateforme' },
    });
    await smtp.waitFor(sentTo('ivan.invite@example.fr'));
    const before = smtp.messages.filter(sentTo('ivan.invite@example.fr')).length;
    await visit(page, `/admin/comptes/${invited.id}`);
    await page.getByRole('button', { name: 'Renvoyer le lien d’activation' }).click();
    await page.waitForSelector('text=Un nouveau lien d’activation a été envoyé');
    assert.deepEqual(await accessibilityViolations(page), []);
    for (let i = 0; i < 50 && smtp.messages.filter(sentTo('ivan.invite@example.fr')).length === before; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(smtp.messages.filter(sentTo('ivan.invite@example.fr')).length, before + 1, 'a new invitation');
    // Support does not create sites.
    assert.equal((await page.goto(`${app.url}/admin/sites/nouveau`))?.status(), 403);
    await context.close();
  });

  it('super-admin: creates a site that signs a person in, renews its secret (the old one refused), exports the audit CSV', async () => {
    const { context, page } = await signIn('sophie.super@example.fr');
    // The dashboard's services, and an account page with other modules' sections and an identity document.
    await visit(page, '/admin', 'console-super-tableau-de-bord');
    assert.equal(await page.locator('tr[data-service]').count(), 4);
    const company = (await app.app.get(IdentityService).findByLogin(DEMO_COMPANY.login))!;
    const key = `identity/${randomUUID()}`;
    await app.app.get(FileStorage).put(key, PDF);
    await app.dataSource.query(
      `INSERT INTO identity_document (account_id, kind, media_type, size, storage_key)
       VALUES ($1, 'carte-identite', 'application/pdf', $2, $3)`,
      [company.id, PDF.length, key],
    );
    await visit(page, `/admin/comptes/${company.id}`, 'console-super-compte-entreprise');
    assert.equal(await page.locator('section[data-section="company"]').count(), 1);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Télécharger/ }).click(),
    ]);
    assert.deepEqual(await readFile(await file.path()), PDF);
    await visit(page, '/admin/sites');
    await page.getByRole('link', { name: 'Nouveau site' }).click();
    await page.fill('#clientId', 'site-navigateur');
    await page.fill('#name', 'Site du navigateur');
    await page.fill('#redirectUris', REDIRECT_URI);
    await page.fill('#scope', 'openid profile email');
    await page.check('#grantAuthorizationCode');
    await page.getByRole('button', { name: 'Enregistrer le site' }).click();
    const secret = await page.locator('[data-secret]').innerText();
    assert.ok(secret.length >= 32, 'the secret is shown once');
    assert.deepEqual(await accessibilityViolations(page), []);

    // A person signs in to the new site, in a browser of their own; the site exchanges the code with its secret.
    await makeAccount(app, 'nina.personne');
    const config = await client.discovery(
      new URL(app.config.issuer),
      'site-navigateur',
      undefined,
      client.ClientSecretBasic(secret),
      { execute: [client.allowInsecureRequests] },
    );
    const verifier = client.randomPKCECodeVerifier();
    const authorize = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const personContext = await browser.newContext();
    const person = await personContext.newPage();
    person.setDefaultTimeout(15_000);
    let returned: string | undefined;
    await person.route(`${new URL(REDIRECT_URI).origin}/**`, async (route) => {
      returned = route.request().url();
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><html lang="fr"><title>Retour</title><main><h1>Retour</h1></main></html>',
      });
    });
    await person.goto(authorize.toString());
    await person.fill('#identifier', 'nina.personne@example.fr');
    await person.getByRole('button', { name: 'Continuer' }).click();
    await person.fill('#password', ADMIN_PASSWORD);
    await person.locator('form[action$="mot-de-passe"] button[type="submit"]').click();
    // The consent page the first time (the site asks for nothing personal beyond openid: maybe none).
    const consent = person.locator('button[name="decision"][value="autoriser"]');
    for (let i = 0; i < 150 && !returned && !(await consent.isVisible()); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    if (!returned) {
      await consent.click();
      for (let i = 0; i < 150 && !returned; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(returned, 'back at the site with a code');
    const tokens = await client.authorizationCodeGrant(config, new URL(returned), { pkceCodeVerifier: verifier });
    assert.ok(tokens.access_token, 'the new site signs the person in');
    await personContext.close();

    await visit(page, '/admin/sites/site-navigateur', 'console-super-site');
    await page.getByRole('button', { name: 'Renouveler le secret' }).click();
    const fresh = await page.locator('[data-secret]').innerText();
    assert.ok(fresh && fresh !== secret);
    assert.deepEqual(await accessibilityViolations(page), []);
    assert.equal(await tokenStatus('site-navigateur', secret), 401, 'the old secret is refused');
    assert.equal(await tokenStatus('site-navigateur', fresh), 400, 'the new one authenticates (the code is unknown)');

    await visit(page, '/admin/journal?action=admin.client.', 'console-super-journal');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Exporter en CSV' }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    assert.ok(csv.startsWith('\uFEFF'), 'UTF-8 with a BOM');
    assert.match(csv, /admin\.client\.created/);
    assert.match(csv, /admin\.client\.secret_rotated/);
    assert.doesNotMatch(csv, new RegExp(fresh));
    await context.close();
  });

  it('asks for the password again after 5 minutes (controlled clock) before a dangerous action', async () => {
    const { context, page } = await signIn('sophie.super@example.fr');
    const victim = await makeAccount(app, 'hugo.horloge');
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 6 * 60 * 1000 });
    try {
      await visit(page, `/admin/comptes/${victim.id}`);
      const form = page.locator(`form[action="/admin/comptes/${victim.id}/desactiver"]`);
      await form.locator('input[name="password"]').fill('Pas-le-bon-9');
      await form.getByRole('button', { name: 'Désactiver le compte' }).click();
      await page.waitForSelector('text=Mot de passe incorrect');
      assert.deepEqual(await accessibilityViolations(page), []);
      await screenshot(page, 'console-super-confirmation');
      assert.equal(await statusOf(victim.id), 'active', 'nothing changed without the password');
      const again = page.locator(`form[action="/admin/comptes/${victim.id}/desactiver"]`);
      await again.locator('input[name="password"]').fill(ADMIN_PASSWORD);
      await again.getByRole('button', { name: 'Désactiver le compte' }).click();
      await page.waitForSelector('text=Le compte est désactivé');
      assert.equal(await statusOf(victim.id), 'disabled');
    } finally {
      mock.timers.reset();
    }
    // The clock back to now: a fresh sign-in asks nothing.
    await visit(page, `/admin/comptes/${target}`);
    assert.equal(await page.locator('input[name="password"]').count(), 0);
    await context.close();
  });

  async function tokenStatus(clientId: string, secret: string): Promise<number> {
    const res = await fetch(`${app.config.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'inconnu', redirect_uri: REDIRECT_URI }),
    });
    return res.status;
  }
});
