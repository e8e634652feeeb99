import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemo } from '../../src/dev/demo';
import { AccessCodesService, SubscriptionsService } from '../../src/modules/subscriptions';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { freePort } from '../support/ports';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Un-Mot-de-passe-2';

/**
 * « Auto-déclaration » in a browser, on the demo site (a product of the demo subscriptions): access codes → a shared
 * session → « Créer mon compte » → « Créer mon compte personnel » → activation → signed in to the product with the
 * person's own account and the `subscriptions` claim. axe-core on each page of the platform.
 */
describe('Subscriptions in a browser: access codes, then « Créer mon compte »', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let demoUrl: string;
  let stopDemo: () => Promise<void>;
  let codes: { login: string; password: string };
  let subscriptionId: string;

  const checkAccessibility = async (name: string) => {
    await screenshot(page, name);
    assert.deepEqual(await accessibilityViolations(page), [], name);
  };

  before(async () => {
    app = await startTestApp();
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), port);
    const selfDeclared = (await app.app.get(SubscriptionsService).listSubscriptions()).find(
      (s) => s.accountMode === 'self-declaration',
    )!;
    subscriptionId = selfDeclared.id;
    codes = await app.app.get(AccessCodesService).issue(subscriptionId);
    browser = await launchBrowser();
    context = await browser.newContext();
  });
  beforeEach(async () => {
    page = await context.newPage();
  });
  afterEach(async () => page?.close());
  after(async () => {
    await browser?.close();
    await stopDemo?.();
    await app?.close();
  });

  it('signs in to the demo site with the access codes: a shared session, no person', async () => {
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Se connecter avec la plateforme d’identité' }).click();
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel(/Identifiant ou adresse électronique/).fill(codes.login);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByLabel('Mot de passe', { exact: true }).fill(codes.password);
    await checkAccessibility('codes-acces-mot-de-passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForSelector('text=Autoriser Site de démonstration ?');
    await checkAccessibility('codes-acces-consentement');
    await page.getByRole('button', { name: 'Autoriser' }).click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.locator('#abonne').innerText(), 'Étude Démo (auto-déclaration)');
  });

  it('creates the personal account from « Créer mon compte », refusing a wrong form first', async () => {
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Créer mon compte' }).click();
    await page.waitForURL(`${app.url}/abonnements/creer-mon-compte`);
    assert.equal(await page.locator('h1').innerText(), 'Créer mon compte personnel');
    await checkAccessibility('creer-mon-compte-personnel');
    await page.getByLabel(/^Identifiant/).fill('lea.roux@etude-demo.fr');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.waitForSelector('.fr-error-text');
    await checkAccessibility('creer-mon-compte-personnel-erreurs');
    await page.getByLabel('Mot de passe personnel', { exact: false }).first().fill(PASSWORD);
    await page.getByLabel('Confirmer', { exact: true }).fill(PASSWORD);
    await page.getByText('Madame', { exact: true }).click();
    await page.getByLabel(/^Nom/).fill('Roux');
    await page.getByLabel(/^Prénom/).fill('Léa');
    await page.getByLabel(/^Métier/).selectOption('Avocat');
    await page.getByLabel(/^Fonction/).fill('Collaboratrice');
    await page.getByText(/J’ai lu et j’accepte les conditions générales/).click();
    await page.getByText(/J’accepte le traitement de mes données personnelles/).click();
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.waitForSelector('text=Vérifiez votre messagerie');
    await checkAccessibility('creer-mon-compte-envoye');
  });

  it('activates the account, then signs in to the demo site as the person, a member of the subscription', async () => {
    const [{ url }] = await app.dataSource.query<Array<{ url: string }>>(
      `SELECT data->>'activationUrl' AS url FROM outbox_message WHERE recipient = 'lea.roux@etude-demo.fr' AND template = 'account-activation'`,
    );
    await page.goto(url);
    await page.getByRole('button', { name: /Activer mon compte/ }).click();
    await page.waitForSelector('text=Votre compte est activé');
    // The shared session ends first (« Se déconnecter » on the site, then at the platform).
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Se déconnecter' }).click();
    await page.waitForSelector('text=Se déconnecter ?');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(`${demoUrl}/`);
    await page.waitForSelector('text=Vous n’êtes pas connecté');
    await page.getByRole('link', { name: 'Se connecter avec la plateforme d’identité' }).click();
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel(/Identifiant ou adresse électronique/).fill('lea.roux@etude-demo.fr');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForSelector('text=Autoriser Site de démonstration ?', { timeout: 15_000 }).catch(async () => {
      await screenshot(page, 'compte-personnel-apres-connexion');
      throw new Error(await page.locator('body').innerText());
    });
    await page.getByRole('button', { name: 'Autoriser' }).click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.locator('#nom').innerText(), 'Léa Roux');
    const claim = await page.locator('tr', { has: page.locator('th', { hasText: /^subscriptions$/ }) }).innerText();
    assert.match(claim, new RegExp(`"subscription_id":"${subscriptionId}"`));
    assert.match(claim, /"roles":\["reader"\]/);
    assert.doesNotMatch(claim, /"shared"/);
  });

  it('shows « Mes abonnements » to the new member, whose product link opens the demo site signed in', async () => {
    await page.goto(`${app.url}/compte/abonnements`);
    await page.waitForURL(`${app.url}/compte/abonnements`);
    await checkAccessibility('mes-abonnements-membre');
    await page.getByRole('link', { name: 'Site de démonstration' }).first().click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.locator('#nom').innerText(), 'Léa Roux');
  });
});
