import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNT, startDemo } from '../../src/dev/demo';
import type { FranceConnectStandIn } from '../../src/dev/franceconnect-stand-in';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { freePort } from '../support/ports';
import { startAppWithFranceConnect } from '../support/franceconnect';
import type { TestApp } from '../support/test-app';

/**
 * FranceConnect through the real pages, in Chromium, against the local stand-in: sign-up with FC and sign-in to the
 * demo site at eidas1, the chained logout through FC's session/end, signing in again, linking an existing account,
 * unlinking, and FC's errors.
 */
describe('FranceConnect in a browser', { skip: browserSkipReason() }, () => {
  let standIn: FranceConnectStandIn;
  let app: TestApp;
  let browser: Browser;
  /** The person's browser: its cookies (sessions at the platform, at FC, at the demo site) carry from step to step. */
  let context: BrowserContext;
  /** A new tab for each test, closed after it: no test inherits another's page. */
  let page: Page;
  let demoUrl: string;
  let stopDemo: () => Promise<void>;
  const problems: string[] = [];

  before(async () => {
    ({ standIn, app } = await startAppWithFranceConnect('plateforme-navigateur'));
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), port);
    browser = await launchBrowser();
    context = await browser.newContext();
  });
  beforeEach(async () => {
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      // Refused answers (400, 401, 403) are by design on error pages; anything else is a problem.
      if (message.type() === 'error' && !/status of 40[0-3] /.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() === 404) problems.push(`404 : ${response.url()}`);
    });
  });
  afterEach(async () => page?.close());
  after(async () => {
    await browser?.close();
    await stopDemo?.();
    await app?.close();
    await standIn?.close();
  });

  const chooseIdentity = async (id: string) => {
    await page.waitForURL(/\/api\/v2\/authorize/);
    await page.locator(`#identite-${id}`).click();
  };
  /** Back to the demo site, through its consent page when the platform asks (logging out withdraws the consent). */
  const reachDemo = async () => {
    const consent = page.getByRole('button', { name: 'Autoriser' });
    await Promise.race([page.waitForURL(`${demoUrl}/`), consent.waitFor()]);
    if (!page.url().startsWith(demoUrl)) {
      await consent.click();
      await page.waitForURL(`${demoUrl}/`);
    }
  };
  const demoClaim = async (name: string) =>
    page.locator(`tr:has(th:text-is("${name}")) td`).textContent({ timeout: 10_000 });
  const signOutOfDemo = async () => {
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Se déconnecter' }).click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(`${demoUrl}/`);
    await page.waitForSelector('text=Vous n’êtes pas connecté.');
  };

  it('signs up with FranceConnect from a site asking eidas1, which receives acr eidas1 and amr fc', async () => {
    await page.goto(demoUrl);
    await page.locator('#connexion-eidas1').click();
    await page.waitForURL(/\/interaction\//);
    // Only FranceConnect is offered: no password form.
    assert.equal(await page.locator('#identifier').count(), 0);
    assert.match((await page.locator('#exigence').textContent()) ?? '', /identifiez-vous avec FranceConnect/);
    await screenshot(page, 'franceconnect-exigee');
    await page.locator('#franceconnect').click();
    await screenshot(page, 'franceconnect-simulation-choix');
    await chooseIdentity('angela');
    await page.waitForURL(/\/franceconnect\/suite$/);
    assert.equal(await page.locator('#personne').textContent(), 'Angela Claire Louise DUBOIS');
    await screenshot(page, 'franceconnect-premiere-connexion');
    await page.locator('#creer-compte').click();
    assert.equal(await page.locator('#certifie-prenoms').textContent(), 'Angela Claire Louise');
    assert.equal(await page.locator('#email').inputValue(), 'angela.dubois@exemple.fr');
    await page.locator('label[for="acceptTerms"]').click();
    await page.locator('label[for="acceptPrivacy"]').click();
    await screenshot(page, 'franceconnect-inscription');
    await page.locator('#valider').click();
    await reachDemo();
    assert.equal(await demoClaim('acr'), '"eidas1"');
    assert.equal(await demoClaim('amr'), '["fc"]');
    assert.equal(await demoClaim('given_name'), '"Angela Claire Louise"');
    await screenshot(page, 'franceconnect-site-demo-eidas1');
  });

  it('signs out through FranceConnect’s session/end, with the kept ID token, and comes back signed out', async () => {
    const before = standIn.requests.length;
    await signOutOfDemo();
    const endSession = standIn.requests.slice(before).find((r) => r.endpoint === 'session/end');
    assert.ok(endSession, 'la déconnexion passe par FranceConnect');
    assert.equal(endSession.outcome, 'ok');
    assert.ok(endSession.params.id_token_hint?.split('.').length === 3);
    assert.equal(endSession.params.post_logout_redirect_uri, `${app.url}/franceconnect/logout-callback`);
    assert.ok((endSession.params.state ?? '').length >= 32);
    // The platform's session is gone: the demo site's sign-in asks again.
    await page.locator('#connexion-eidas1').click();
    await page.waitForURL(/\/interaction\//);
    await page.waitForSelector('#franceconnect');
  });

  it('signs in again with FranceConnect: the known identity goes straight to the site', async () => {
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Se connecter avec la plateforme d’identité' }).click();
    await page.waitForURL(/\/interaction\//);
    // The usual sign-in page: FranceConnect first, then « ou » and the identifier.
    await page.waitForSelector('.fr-hr-or');
    await screenshot(page, 'franceconnect-page-connexion');
    await page.locator('#franceconnect').click();
    await chooseIdentity('angela');
    await reachDemo();
    assert.equal(await demoClaim('acr'), '"eidas1"');
    await signOutOfDemo();
  });

  it('links an existing account (« J’ai déjà un compte »), shows the identity in « Mon compte » and unlinks it', async () => {
    await page.goto(`${app.url}/inscription`);
    await screenshot(page, 'franceconnect-inscription-choix');
    await page.locator('#franceconnect').click();
    await chooseIdentity('jean-pierre');
    await page.waitForURL(/\/franceconnect\/suite$/);
    await page.locator('#deja-un-compte').click();
    await page.locator('#identifier').fill(DEMO_ACCOUNT.identifier);
    await page.locator('#password').fill('pas-le-bon-mot-de-passe');
    await page.locator('#relier').click();
    await page.waitForSelector('text=Identifiant ou mot de passe incorrect.');
    await page.locator('#password').fill(DEMO_ACCOUNT.password);
    await screenshot(page, 'franceconnect-lier');
    await page.locator('#relier').click();
    // What the link changes is shown first, and nothing is linked before « Confirmer la liaison ».
    await page.waitForSelector('h1:has-text("Confirmer la liaison avec FranceConnect")');
    assert.match(await page.locator('main').innerText(), /Lyon \(69\)/);
    await screenshot(page, 'franceconnect-lier-confirmation');
    await page.locator('#confirmer-liaison').click();
    await page.waitForURL(`${app.url}/compte`);

    await page.goto(`${app.url}/compte/profil`);
    assert.equal(await page.locator('#certifie-prenoms').textContent(), 'Jean Pierre Marie Joseph');
    assert.equal(await page.locator('#givenName').count(), 0, 'identité non modifiable');
    await screenshot(page, 'franceconnect-profil-certifie');
    await page.goto(`${app.url}/compte/franceconnect`);
    assert.match((await page.locator('#identite-franceconnect').textContent()) ?? '', /MARTIN/);
    await screenshot(page, 'franceconnect-mon-compte');
    await page.locator('#delier').click();
    await page.waitForSelector('text=Votre compte n’est plus relié à FranceConnect.');
    await page.waitForSelector('#non-relie');
    await page.goto(`${app.url}/compte/profil`);
    assert.equal(await page.locator('#givenName').count(), 1, 'identité de nouveau modifiable');
    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForSelector('text=Vous êtes déconnecté');

    // Unlinked: the same FC identity is a first sign-in again.
    await page.goto(`${app.url}/compte/connexion`);
    await page.locator('#franceconnect').click();
    await chooseIdentity('jean-pierre');
    await page.waitForURL(/\/franceconnect\/suite$/);
    await page.waitForSelector('#deja-un-compte');
  });

  it('explains access_denied and server_error, and offers to try again or to sign in otherwise', async () => {
    for (const [misbehaviour, text, shot] of [
      ['access_denied', 'Vous avez annulé la connexion avec FranceConnect', 'franceconnect-erreur-refus'],
      ['server_error', 'FranceConnect rencontre une difficulté momentanée', 'franceconnect-erreur-serveur'],
    ] as const) {
      await page.goto(`${app.url}/compte/connexion`);
      await page.waitForURL(/\/interaction\//);
      standIn.misbehaveNext(misbehaviour);
      await page.locator('#franceconnect').click();
      await page.waitForURL(/\/franceconnect\/erreur/);
      assert.match((await page.locator('#motif').textContent()) ?? '', new RegExp(text));
      await screenshot(page, shot);
    }
    // « Me connecter avec mon identifiant » leads to the usual page (no automatic return to FC).
    await page.locator('#autrement').click();
    await page.waitForSelector('#identifier');
    assert.deepEqual(problems, []);
  });
});
