import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNT, startDemo } from '../../src/dev/demo';
import { OutboxWorker } from '../../src/modules/notifications';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { freePort } from '../support/ports';
import { startTestApp, type TestApp } from '../support/test-app';

describe('Single sign-on in a browser: demo site, then the account space', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  /** The person's browser: its cookies carry the single sign-on from step to step, which is what this file tests. */
  let context: BrowserContext;
  /** A new tab for each test, closed after it: no test inherits another's page. */
  let page: Page;
  let demoUrl: string;
  let stopDemo: () => Promise<void>;
  const problems: string[] = [];

  before(async () => {
    app = await startTestApp();
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), port);
    browser = await launchBrowser();
    context = await browser.newContext();
  });
  beforeEach(async () => {
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterEach(async () => page?.close());
  after(async () => {
    await browser?.close();
    await stopDemo?.();
    await app?.close();
  });

  it('signs in on the demo site through the identifier, password and consent pages', async () => {
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Se connecter avec la plateforme d’identité' }).click();
    await page.waitForURL(/\/interaction\//);
    assert.equal(await page.locator('h1').innerText(), 'Connexion');
    // The site's name and logo (its client metadata `client_name` and `logo_uri`).
    assert.match(await page.locator('main').innerText(), /Pour accéder à Site de démonstration/);
    assert.equal(
      await page.locator('img.relying-party-logo').getAttribute('src'),
      `${app.url}/assets/exemple-logo.svg`,
    );
    await screenshot(page, 'connexion-identifiant');
    await page.getByLabel('Identifiant ou adresse électronique').fill(DEMO_ACCOUNT.identifier);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_ACCOUNT.password);
    await screenshot(page, 'connexion-mot-de-passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForSelector('text=Autoriser Site de démonstration ?');
    await screenshot(page, 'consentement');
    await page.getByRole('button', { name: 'Autoriser' }).click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.locator('#nom').innerText(), 'Camille Démo');
  });

  it('opens the account space without asking the password again', async () => {
    await page.goto(`${app.url}/compte`);
    await page.waitForURL(`${app.url}/compte`);
    assert.equal(await page.locator('h1').innerText(), 'Mon compte');
    assert.match(await page.locator('main').innerText(), /demo@exemple\.fr/);
    await screenshot(page, 'mon-compte');
  });

  it('signs out of both sites from the account space', async () => {
    await page.goto(`${app.url}/compte`);
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForSelector('text=Se déconnecter ?');
    await screenshot(page, 'deconnexion-confirmation');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForSelector('text=Vous êtes déconnecté');
    // The logout tokens are in the outbox; `npm start` delivers them at once, here the test does.
    await app.app.get(OutboxWorker).deliverDue();
    await page.goto(demoUrl);
    assert.match(await page.locator('body').innerText(), /Vous n’êtes pas connecté/);
    await page.goto(`${app.url}/compte`);
    await page.waitForURL(/\/interaction\//);
    assert.equal(await page.locator('h1').innerText(), 'Connexion');
    assert.deepEqual(problems, []);
  });
});
