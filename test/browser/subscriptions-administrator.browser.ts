import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNT, startDemo } from '../../src/dev/demo';
import { OutboxWorker } from '../../src/modules/notifications';
import { SubscriptionsService } from '../../src/modules/subscriptions';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { freePort } from '../support/ports';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Un-Mot-de-passe-2';
const COLLABORATOR = 'louis.martin@cabinet-demo.fr';

/**
 * « Gestion par administrateur » in a browser, on the demo site (a product of the demo subscriptions): the demo account,
 * administrator of « Cabinet Démo », creates a collaborator in « Créer un utilisateur » with given roles; the
 * collaborator receives the invitation (local SMTP), chooses a password, signs in to the demo site and gets the
 * `subscriptions` claim with exactly those roles; « Mes abonnements » opens the site signed in. axe-core on each page.
 */
describe('Subscriptions in a browser: an administrator creates a collaborator', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let demoUrl: string;
  let stopDemo: () => Promise<void>;
  let subscriptionId: string;

  const checked = async (page: Page, name: string) => {
    await screenshot(page, name);
    assert.deepEqual(await accessibilityViolations(page), [], name);
  };

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    app.app.get(OutboxWorker).start();
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), port);
    subscriptionId = (await app.app.get(SubscriptionsService).listSubscriptions()).find(
      (s) => s.accountMode === 'administrator-managed',
    )!.id;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stopDemo?.();
    await app?.close();
    await smtp?.stop();
  });

  async function newPage(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  it('creates the collaborator with a reader role on the product and an administrator role on one section', async () => {
    const page = await newPage();
    await page.goto(`${app.url}/compte/utilisateurs`);
    await page.fill('#identifier', DEMO_ACCOUNT.email);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.fill('#password', DEMO_ACCOUNT.password);
    await page.locator('form[action$="mot-de-passe"] button[type="submit"]').click();
    await page.waitForURL(`${app.url}/compte/utilisateurs/${subscriptionId}`);
    await checked(page, 'gerer-mes-utilisateurs');
    await page
      .getByRole('navigation', { name: 'Mes utilisateurs' })
      .getByRole('link', { name: 'Créer un utilisateur' })
      .click();
    await page.waitForURL(`${app.url}/compte/utilisateurs/${subscriptionId}/nouveau`);
    await page.getByLabel('E-mail', { exact: true }).fill(COLLABORATOR);
    await page.getByText('Monsieur', { exact: true }).click();
    await page.getByLabel('Nom', { exact: true }).fill('Martin');
    await page.getByLabel('Prénom', { exact: true }).fill('Louis');
    await page.getByLabel('Lecteur de Site de démonstration', { exact: true }).check({ force: true });
    await page
      .getByLabel('Administrateur de Site de démonstration, Actualités', { exact: true })
      .check({ force: true });
    await checked(page, 'creer-un-utilisateur');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.waitForSelector('text=Utilisateur créé.');
    await checked(page, 'creer-un-utilisateur-fait');
    assert.match(await page.locator('main').innerText(), /Martin\s+Louis\s+En attente d’activation/i);
  });

  it('lets the collaborator activate the account from the invitation e-mail', async () => {
    const mail = await smtp.waitFor(sentTo(COLLABORATOR));
    assert.match(mail.text ?? '', /Cabinet Démo/);
    const link = /https?:\/\/[^\s]+\/invitation\/[\w-]{43}/.exec(mail.text ?? '')![0];
    const page = await newPage();
    await page.goto(link);
    await page.getByLabel(/^Nouveau mot de passe/).fill(PASSWORD);
    await page.getByLabel(/^Confirmation du nouveau mot de passe/).fill(PASSWORD);
    await page.getByText(/J’ai lu et j’accepte les conditions générales/).click();
    await page.getByText(/J’accepte le traitement de mes données personnelles/).click();
    await checked(page, 'invitation-mot-de-passe');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForSelector('text=Votre compte est activé');
    await checked(page, 'invitation-activee');
  });

  it('signs the collaborator in to the demo site with exactly the roles given, and « Mes abonnements » opens it', async () => {
    const page = await newPage();
    await page.goto(demoUrl);
    await page.getByRole('link', { name: 'Se connecter avec la plateforme d’identité' }).click();
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel(/Identifiant ou adresse électronique/).fill(COLLABORATOR);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForSelector('text=Autoriser Site de démonstration ?');
    await checked(page, 'collaborateur-consentement');
    await page.getByRole('button', { name: 'Autoriser' }).click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.locator('#nom').innerText(), 'Louis Martin');
    const row = await page.locator('tr', { has: page.locator('th', { hasText: /^subscriptions$/ }) }).innerText();
    const claim = JSON.parse(row.slice(row.indexOf('['))) as Array<Record<string, unknown>>;
    assert.equal(claim.length, 1, row);
    assert.equal(claim[0].subscription_id, subscriptionId);
    assert.equal(claim[0].subscriber, 'Cabinet Démo (gestion par administrateur)');
    assert.equal(claim[0].product, 'site-demo');
    assert.deepEqual([...(claim[0].roles as string[])].sort(), ['administrator', 'reader']);
    assert.deepEqual([...(claim[0].sections as string[])].sort(), ['actualites', 'jurisprudence']);
    assert.equal(claim[0].shared, undefined);

    await page.goto(`${app.url}/compte/abonnements`);
    await page.waitForURL(`${app.url}/compte/abonnements`);
    await checked(page, 'collaborateur-mes-abonnements');
    const table = await page.locator('main').innerText();
    assert.match(table, /Cabinet Démo \(gestion par administrateur\)/);
    await page.getByRole('link', { name: 'Site de démonstration' }).first().click();
    await page.waitForURL(`${demoUrl}/`);
    assert.equal(await page.locator('#nom').innerText(), 'Louis Martin');
  });
});
