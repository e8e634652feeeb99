import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { OutboxWorker } from '../../src/modules/notifications';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The sign-up and sign-in journeys as a new user meets them (seeds 003 and 004), in Chromium: the live help of the
 * registration form, the pages that follow « Valider », and what the pages say when something goes wrong.
 */
describe('Sign-up journeys in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let gateway: HttpSink;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const deliver = () => app.app.get(OutboxWorker).deliverDue();

  before(async () => {
    smtp = await startSmtpServer();
    gateway = await startHttpSink();
    app = await startTestApp({
      env: { SMTP_URL: smtp.url, SMS_GATEWAY_URL: `${gateway.url}/sms`, SMS_GATEWAY_TOKEN: 'jeton' },
    });
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[01] /.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterEach(async () => {
    await page?.close();
    assert.deepEqual(problems.splice(0), []);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await smtp?.stop();
    await gateway?.stop();
    void deliver;
  });

  /** Waits until a field's value passes `test` (the page's CSP forbids the string predicates of waitForFunction). */
  const valueOf = async (p: Page, selector: string, test: (value: string) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const value = await p.locator(selector).inputValue();
      if (test(value)) return value;
      await p.waitForTimeout(100);
    }
    assert.fail(`${selector} : « ${await p.locator(selector).inputValue()} »`);
  };
  const noViolations = async (p: Page) => assert.deepEqual(await accessibilityViolations(p), []);

  const PASSWORD = 'Chaussette-Volante-7';
  const fillCitizen = async (p: Page, values: { given: string; family: string; email: string }) => {
    await p.locator('label[for="civility-madame"]').click();
    await p.locator('#familyName').fill(values.family);
    await p.locator('#givenName').fill(values.given);
    await p.locator('#birthDate').fill('1985-04-12');
    await p.locator('#email').fill(values.email);
    await p.locator('#password').fill(PASSWORD);
    await p.locator('#passwordConfirmation').fill(PASSWORD);
    await p.locator('label[for="acceptTerms"]').click();
    await p.locator('label[for="acceptPrivacy"]').click();
  };

  describe('the identifier field', () => {
    it('proposes « prénom.nom » as soon as the names are typed, and the e-mail page repeats it', async () => {
      await page.goto(`${app.url}/inscription/citoyen`);
      await page.locator('#givenName').fill('Élise');
      await page.locator('#familyName').fill('Du Pont');
      await valueOf(page, '#identifier', (v) => v !== '');
      assert.equal(await page.locator('#identifier').inputValue(), 'elise.du-pont');
      await page.waitForSelector('#identifier-disponibilite:has-text("Identifiant disponible !")');
      // A name corrected afterwards updates the proposal…
      await page.locator('#familyName').fill('Dupont');
      await valueOf(page, '#identifier', (v) => v === 'elise.dupont');
      await screenshot(page, 'parcours-identifiant-propose');
      // …but never an identifier the person typed.
      await page.locator('#identifier').fill('elise85');
      await page.locator('#givenName').fill('Elise');
      await page.waitForTimeout(800);
      assert.equal(await page.locator('#identifier').inputValue(), 'elise85');
      await page.locator('#identifier').fill('');
      await fillCitizen(page, { given: 'Élise', family: 'Dupont', email: 'elise.parcours@example.fr' });
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.waitForSelector('text=Vérifiez votre messagerie');
      assert.match(await page.locator('main').innerText(), /Votre identifiant de connexion : elise\.dupont/);
      await screenshot(page, 'parcours-identifiant-verifiez');
      await noViolations(page);
    });
  });

  describe('the password field', () => {
    it('ticks the seed’s checklist live, keeps the gauge its width, and words its advice in plain French', async () => {
      await page.goto(`${app.url}/inscription/citoyen`);
      const rule = (name: RegExp) => page.locator('#password-regles li').filter({ hasText: name });
      const met = async (name: RegExp) => (await rule(name).getAttribute('data-met')) === 'oui';
      // Shown before any typing, so that the rules are known without JavaScript too.
      for (const name of [/Le niveau « Moyen »/, /8 caractères/, /1 Majuscule/, /1 Chiffre/]) {
        assert.equal(await rule(name).count(), 1, String(name));
      }

      await page.locator('#password').fill('azerty');
      await page.waitForSelector('text=Niveau : Faible');
      const weakWidth = (await page.locator('#password-force .force__jauge').boundingBox())!.width;
      const advice = await page.locator('#password-force .force__detail').innerText();
      assert.doesNotMatch(advice, /comporter être/);
      assert.match(
        advice,
        /^Le mot de passe doit comporter au moins 8 caractères, une lettre majuscule et un chiffre\./,
      );
      assert.equal(await met(/8 caractères/), false);
      assert.equal(await met(/1 Majuscule/), false);
      await screenshot(page, 'parcours-mot-de-passe-faible');

      await page.locator('#password').fill('Azerty123');
      await page.waitForSelector('#password-regles li[data-rule="digit"][data-met="oui"]');
      assert.match(
        await page.locator('#password-force .force__detail').innerText(),
        /^Le mot de passe est trop facile à deviner/,
      );
      assert.equal(await met(/8 caractères/), true);
      assert.equal(await met(/1 Majuscule/), true);
      assert.equal(await met(/Le niveau « Moyen »/), false);

      await page.locator('#password').fill('Chaussette-Volante-7');
      await page.waitForSelector('text=Niveau : Fort');
      const strongWidth = (await page.locator('#password-force .force__jauge').boundingBox())!.width;
      for (const name of [/Le niveau « Moyen »/, /8 caractères/, /1 Majuscule/, /1 Chiffre/]) {
        assert.equal(await met(name), true, String(name));
      }
      assert.equal(strongWidth, weakWidth);
      await screenshot(page, 'parcours-mot-de-passe-fort');
      await noViolations(page);
    });
  });

  it('shows on the sign-in page why to create an account, and on the home page how', async () => {
    await page.goto(`${app.url}/compte`);
    await page.waitForURL(/\/interaction\//);
    await page.waitForSelector('text=Vous n’avez pas encore de compte ?');
    assert.equal(await page.locator('li.fr-icon-check-line').count(), 3);
    await screenshot(page, 'parcours-connexion');
    await noViolations(page);
    await page.goto(`${app.url}/`);
    await page.getByRole('link', { name: 'Créer mon compte' }).click();
    await page.waitForURL(/\/inscription$/);
  });
});
