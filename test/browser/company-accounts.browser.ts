import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemo } from '../../src/dev/demo';
import { OutboxWorker } from '../../src/modules/notifications';
import { DEMO_COMPANY } from '../../src/modules/secondary-accounts';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { freePort } from '../support/ports';
import { startTestApp, type TestApp } from '../support/test-app';

describe(
  '« Gestion des Comptes » in a browser (demo data: asp1ent and its secondary accounts)',
  { skip: browserSkipReason() },
  () => {
    let app: TestApp;
    let browser: Browser;
    let mailSystem: HttpSink;
    /** The primary's browser (asp1ent), and the secondary's (tbn1.asp1ent) signed in at the demo site. */
    let primary: BrowserContext;
    let holder: BrowserContext;
    let page: Page;
    let demoUrl: string;
    let stopDemo: () => Promise<void>;
    const problems: string[] = [];

    const check = async (name: string) => {
      assert.deepEqual(await accessibilityViolations(page), [], `axe-core sur ${name}`);
      await screenshot(page, `entreprise-${name}`);
    };

    before(async () => {
      mailSystem = await startHttpSink();
      app = await startTestApp({
        env: {
          MAILBOX_DOMAIN: 'boites.example.fr',
          MAILBOX_WEBHOOK_URL: `${mailSystem.url}/boites`,
          MAILBOX_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
        },
      });
      const port = await freePort();
      demoUrl = `http://localhost:${port}`;
      stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), port);
      browser = await launchBrowser();
      primary = await browser.newContext();
      holder = await browser.newContext();
    });
    beforeEach(async () => {
      page = await primary.newPage();
      page.on('console', (message) => {
        // A form sent back with its messages answers 400 or 409, which Chromium reports: expected.
        if (message.type() === 'error' && !/status of (400|409)/.test(message.text())) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
    });
    afterEach(async () => page?.close());
    after(async () => {
      await browser?.close();
      await stopDemo?.();
      await app?.close();
      await mailSystem?.stop();
      assert.deepEqual(problems, []);
    });

    /** A DSFR checkbox or toggle: its label covers the box, as a person clicks it. */
    const tabs = () => page.locator('nav[aria-label^="Onglets"]');
    const tick = (id: string) => page.locator(`label[for="${id}"]`).click();

    const signIn = async (on: Page, login: string) => {
      await on.getByLabel('Identifiant ou adresse électronique').fill(login);
      await on.getByRole('button', { name: 'Continuer' }).click();
      await on.getByLabel('Mot de passe', { exact: true }).fill(DEMO_COMPANY.password);
      await on.getByRole('button', { name: 'Se connecter' }).click();
    };

    it('shows the summary and the secondary accounts with the guide’s columns, and searches them', async () => {
      await page.goto(`${app.url}/compte/entreprise`);
      await signIn(page, DEMO_COMPANY.login);
      await page.waitForURL(`${app.url}/compte/entreprise`);
      assert.equal(await page.locator('h1').innerText(), 'Gestion des Comptes');
      const headers = await page.locator('table').nth(1).locator('thead th').allInnerTexts();
      assert.deepEqual(headers, [
        'Nom compte',
        'Type',
        'SIRET',
        'Raison sociale',
        'Responsable',
        'Test',
        'Statut',
        'BAL',
        'Modifier',
        'Désactiver',
      ]);
      assert.match(await page.locator('main').innerText(), /5 compte\(s\) secondaire\(s\) trouvé\(s\)/);
      await check('liste');
      await page.getByLabel('Statut').selectOption('closed');
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await page.waitForSelector('text=2 compte(s) secondaire(s) trouvé(s)');
      assert.equal(await page.getByRole('button', { name: 'Réactiver fdn25.asp1ent' }).count(), 1);
    });

    it('« Identité »: « Copier les informations du responsable » fills the contact, then saves', async () => {
      await page.goto(`${app.url}/compte/entreprise`);
      await page.getByRole('link', { name: 'Modifier', exact: true }).click();
      await page.waitForURL(/\/identite$/);
      await check('identite');
      await page.getByLabel('Nom', { exact: true }).first().fill('DURAND');
      await page.getByRole('button', { name: 'Copier les informations du responsable' }).nth(1).click();
      await page.waitForSelector('text=copiées dans le contact administratif');
      assert.equal(await page.locator('#administrativeContactName').inputValue(), 'Pierre DURAND');
      assert.equal(await page.locator('#administrativeContactEmail').inputValue(), DEMO_COMPANY.email);
      await check('identite-copie');
      await page.getByRole('button', { name: 'Enregistrer' }).last().click();
      await page.waitForSelector('text=Les informations de votre compte ont été enregistrées.');
      assert.equal(await page.locator('#administrativeContactName').inputValue(), 'Pierre DURAND');
    });

    it('« Options », « Facturation », « Mot de passe »: each tab saves, with its refusals', async () => {
      await page.goto(`${app.url}/compte/entreprise/options`);
      await check('options');
      await page.getByLabel('Nombre de comptes secondaires souhaités').fill('deux');
      await page.getByRole('button', { name: 'Enregistrer' }).last().click();
      await page.waitForSelector('text=Indiquez un nombre entier de comptes secondaires');
      await check('options-erreur');
      await page.getByLabel('Nombre de comptes secondaires souhaités').fill('4');
      await tick('archivingSubscribed');
      await page.getByRole('button', { name: 'Enregistrer' }).last().click();
      await page.waitForSelector('text=Les options de votre compte ont été enregistrées.');
      assert.equal(await page.locator('#archivingSubscribed').isChecked(), true);

      await tabs().getByRole('link', { name: 'Facturation', exact: true }).click();
      await page.waitForURL(/\/facturation$/);
      await check('facturation');
      await tick('useResponsableAddress');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.waitForSelector('text=Saisissez la ville de l’adresse de facturation.');
      await page.getByLabel('Nom voie').fill('avenue de la Gare');
      await page.getByLabel('Code postal').fill('42000');
      await page.getByLabel('Ville').fill('SAINT-ETIENNE');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.waitForSelector('text=Les informations de facturation ont été enregistrées.');

      await tabs().getByRole('link', { name: 'Mot de passe', exact: true }).click();
      await page.waitForURL(/\/mot-de-passe$/);
      await check('mot-de-passe');
      await page.locator('#currentPassword').fill('pas-le-bon');
      await page.locator('#password').fill('Girafe-Bleue-2026');
      await page.locator('#passwordConfirmation').fill('Girafe-Bleue-2026');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.waitForSelector('text=Mot de passe actuel incorrect.');
      await check('mot-de-passe-erreur');
    });

    it('creates a secondary account, refusing a mailbox beyond the quota clearly', async () => {
      await page.goto(`${app.url}/compte/entreprise`);
      await page.getByRole('link', { name: 'Créer un compte secondaire' }).click();
      await page.waitForURL(/\/nouveau$/);
      await check('creation');
      const fill = async (name: string) => {
        await page.locator('#name').fill(name);
        await page.locator('#password').fill('Parapluie-Rouge-42');
        await page.locator('#passwordConfirmation').fill('Parapluie-Rouge-42');
      };
      // The quota is 4 with 3 mailboxes (fdn25, lvt, tbn1): one more with a mailbox, then refused.
      await fill('cs1');
      await tick('mailbox');
      await page.getByRole('button', { name: 'Créer le compte secondaire' }).click();
      await page.waitForSelector('text=Le compte secondaire cs1.asp1ent a été créé.');
      await page.getByRole('link', { name: 'Créer un compte secondaire' }).click();
      await fill('cs2');
      await tick('mailbox');
      await page.locator('#tp-DSI').check({ force: true });
      await page.getByRole('button', { name: 'Créer le compte secondaire' }).click();
      await page.waitForSelector('text=Création refusée');
      assert.match(
        await page.locator('main').innerText(),
        /Le nombre de comptes secondaires avec boîte mail prévu \(4\) est atteint/,
      );
      await check('creation-refusee');
      await tick('mailbox');
      await page.locator('#password').fill('Parapluie-Rouge-42');
      await page.locator('#passwordConfirmation').fill('Parapluie-Rouge-42');
      await page.getByRole('button', { name: 'Créer le compte secondaire' }).click();
      await page.waitForSelector('text=Le compte secondaire cs2.asp1ent a été créé.');
    });

    it('modifies a secondary: the mailbox warning, then the required password reset', async () => {
      await page.goto(`${app.url}/compte/entreprise`);
      await page.getByRole('link', { name: 'Modifier tbn2.asp1ent' }).click();
      await page.waitForURL(/\/identite$/);
      assert.equal(await page.locator('h1').innerText(), 'Compte secondaire tbn2.asp1ent');
      assert.equal(await tabs().getByRole('link', { name: 'Facturation', exact: true }).count(), 0);
      await check('secondaire-identite');
      await tabs().getByRole('link', { name: 'Options', exact: true }).click();
      await page.waitForURL(/\/options$/);
      await check('secondaire-options');
      assert.equal(await page.locator('#quota').count(), 0);
      // The quota (4) is used: raise it to 5 first, from the primary's « Options ».
      await tick('mailbox');
      await page.getByRole('button', { name: 'Enregistrer' }).last().click();
      await page.waitForSelector('text=est atteint');
      await page.goto(`${app.url}/compte/entreprise/options`);
      await page.getByLabel('Nombre de comptes secondaires souhaités').fill('5');
      await page.getByRole('button', { name: 'Enregistrer' }).last().click();
      await page.waitForSelector('text=Les options de votre compte ont été enregistrées.');
      await page.goto(`${app.url}/compte/entreprise`);
      await page.getByRole('link', { name: 'Modifier tbn2.asp1ent' }).click();
      await tabs().getByRole('link', { name: 'Options', exact: true }).click();
      await tick('mailbox');
      await page.getByRole('button', { name: 'Enregistrer' }).last().click();
      await page.waitForSelector(
        'text=ATTENTION : pour pouvoir accéder à sa boîte mail, le titulaire du compte secondaire devra impérativement réinitialiser son mot de passe.',
      );
      await check('secondaire-avertissement-bal');
      await page.getByRole('link', { name: 'Réinitialiser le mot de passe de tbn2.asp1ent' }).click();
      await page.waitForURL(/\/mot-de-passe$/);
      await check('secondaire-mot-de-passe');
      await page.locator('#password').fill('Nouveau-Parapluie-77');
      await page.locator('#passwordConfirmation').fill('Nouveau-Parapluie-77');
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.waitForSelector('text=Le mot de passe du compte tbn2.asp1ent a été réinitialisé');
      await page.goto(`${app.url}/compte/entreprise`);
      assert.doesNotMatch(await page.locator('main').innerText(), /mot de passe à réinitialiser/);
    });

    it('deactivates a secondary (its session at the demo site ends within 5 s), then reactivates it', async () => {
      const site = await holder.newPage();
      await site.goto(demoUrl);
      await site.getByRole('link', { name: 'Se connecter avec la plateforme d’identité' }).click();
      await signIn(site, 'tbn1.asp1ent');
      await site.getByRole('button', { name: 'Autoriser' }).click();
      await site.waitForURL(`${demoUrl}/`, { timeout: 10_000 }).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${site.url()}\n${await site.locator('body').innerText()}`);
      });
      assert.doesNotMatch(await site.locator('body').innerText(), /Vous n’êtes pas connecté/);

      await page.goto(`${app.url}/compte/entreprise`);
      await page.getByRole('button', { name: 'Désactiver tbn1.asp1ent' }).click();
      await page.waitForSelector('text=Le compte secondaire tbn1.asp1ent a été désactivé');
      await check('desactive');
      // `npm start` delivers the back-channel logout within 250 ms; here the test runs the outbox worker.
      const deadline = Date.now() + 5000;
      let signedOut = false;
      while (!signedOut && Date.now() < deadline) {
        await app.app.get(OutboxWorker).deliverDue();
        await site.reload();
        signedOut = /Vous n’êtes pas connecté/.test(await site.locator('body').innerText());
      }
      assert.ok(signedOut, 'the demo site’s session ended within 5 s');

      await page.getByRole('button', { name: 'Réactiver tbn1.asp1ent' }).click();
      await page.waitForSelector('text=Le compte secondaire tbn1.asp1ent a été réactivé.');
      await site.getByRole('link', { name: 'Se connecter avec la plateforme d’identité' }).click();
      await signIn(site, 'tbn1.asp1ent');
      // Its grants were revoked with the deactivation: the consent is asked again.
      await site.getByRole('button', { name: 'Autoriser' }).click();
      await site.waitForURL(`${demoUrl}/`);
      assert.doesNotMatch(await site.locator('body').innerText(), /Vous n’êtes pas connecté/);
      await site.close();
    });
  },
);
