import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import { DEMO_ACCOUNT, startDemo } from '../../src/dev/demo';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { freePort } from '../support/ports';
import { startTestApp, type TestApp } from '../support/test-app';

describe(
  'English pages in a browser (Accept-Language, the switch), checked with axe',
  { skip: browserSkipReason() },
  () => {
    let app: TestApp;
    let browser: Browser;
    let demoUrl: string;
    let stopDemo: () => Promise<void>;

    before(async () => {
      app = await startTestApp();
      const port = await freePort();
      demoUrl = `http://localhost:${port}`;
      stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), port);
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await stopDemo?.();
      await app?.close();
    });

    it('signs in through English pages for an English browser, then switches the shell to French', async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      await page.goto(demoUrl);
      await page.getByRole('link', { name: 'Se connecter avec la plateforme d’identité' }).click();
      await page.waitForURL(/\/interaction\//);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('h1').innerText(), 'Sign in');
      assert.match(await page.locator('main').innerText(), /To access Site de démonstration, identify yourself\./);
      await screenshot(page, 'sign-in-identifier-en');
      await page.getByLabel('Identifier or e-mail address').fill(DEMO_ACCOUNT.identifier);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel('Password', { exact: true }).fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Incorrect identifier or password.').first().waitFor();
      await screenshot(page, 'sign-in-password-en');

      // The switch: French for this browser from now on, back on the same sign-in.
      await page.getByRole('link', { name: 'Français' }).click();
      await page.waitForURL(/\/interaction\//);
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
      assert.equal(await page.locator('h1').innerText(), 'Connexion');
      await page.goto(`${app.url}/mot-de-passe-oublie`);
      assert.equal(await page.locator('h1').innerText(), 'Mot de passe oublié');
      await context.close();
    });

    it('shows the forgotten password page and a 404 in English', async () => {
      const page = await browser.newPage({ locale: 'en-US' });
      await page.goto(`${app.url}/mot-de-passe-oublie`);
      assert.equal(await page.locator('h1').innerText(), 'Forgotten password');
      await screenshot(page, 'forgotten-password-en');
      await page.goto(`${app.url}/nulle-part`);
      assert.equal(await page.locator('h1').innerText(), 'Page not found');
      await page.close();
    });
  },
);
