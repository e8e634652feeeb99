import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemo } from '../../src/dev/demo';
import { DEMO_COMPANY } from '../../src/modules/secondary-accounts';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { freePort } from '../support/ports';
import { startTestApp, type TestApp } from '../support/test-app';

describe(
  '« Gestion des Comptes » and the legal pages in English in a browser, checked with axe',
  { skip: browserSkipReason() },
  () => {
    let app: TestApp;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let stopDemo: () => Promise<void>;
    const problems: string[] = [];

    const check = async (name: string, heading: string) => {
      assert.equal(await page.locator('html').getAttribute('lang'), 'en', name);
      assert.equal(await page.locator('h1').innerText(), heading, name);
      assert.deepEqual(await accessibilityViolations(page), [], `axe-core sur ${name}`);
      await screenshot(page, `entreprise-en-${name}`);
    };

    before(async () => {
      app = await startTestApp();
      // The demo data: asp1ent, its secondary accounts and the guide's téléprocédures.
      stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), await freePort());
      browser = await launchBrowser();
      context = await browser.newContext({ locale: 'en-GB' });
      page = await context.newPage();
      page.on('console', (message) => {
        // A form sent back with its messages answers 400, which Chromium reports: expected.
        if (message.type() === 'error' && !/status of 400/.test(message.text())) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
    });
    after(async () => {
      await context?.close();
      await browser?.close();
      await stopDemo?.();
      await app?.close();
      assert.deepEqual(problems, []);
    });

    it('visits every tab of the primary account in English', async () => {
      await page.goto(`${app.url}/compte/entreprise`);
      await page.getByLabel('Identifier or e-mail address').fill(DEMO_COMPANY.login);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel('Password', { exact: true }).fill(DEMO_COMPANY.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${app.url}/compte/entreprise`);
      await check('accueil', 'Account management');
      const headers = await page.locator('table').nth(1).locator('thead th').allInnerTexts();
      assert.deepEqual(headers, [
        'Account name',
        'Type',
        'SIRET',
        'Company name',
        'Person in charge',
        'Test',
        'Status',
        'Mailbox',
        'Edit',
        'Deactivate',
      ]);
      await page.getByLabel('Status').selectOption('closed');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText(/secondary accounts? found\./).waitFor();

      const tabs = page.locator('nav[aria-label="Primary account tabs"]');
      await page.goto(`${app.url}/compte/entreprise/identite`);
      await check('identite', 'Account management');
      assert.match(await page.title(), /^Account management — Identity - /);
      await tabs.getByRole('link', { name: 'Options' }).click();
      await page.waitForURL(/\/options$/);
      await check('options', 'Account management');
      await page.getByLabel('Number of secondary accounts wanted').fill('two');
      await page.getByRole('button', { name: 'Save' }).last().click();
      await page.getByText('Enter a whole number of secondary accounts, between 0 and 9999.').first().waitFor();
      await check('options-erreur', 'Account management');
      await tabs.getByRole('link', { name: 'Billing' }).click();
      await page.waitForURL(/\/facturation$/);
      await check('facturation', 'Account management');
      await tabs.getByRole('link', { name: 'Password' }).click();
      await page.waitForURL(/\/mot-de-passe$/);
      await check('mot-de-passe', 'Account management');
      assert.equal(await page.getByLabel('Current password').count(), 1);
    });

    it('creates a secondary account and visits its tabs in English', async () => {
      await page.goto(`${app.url}/compte/entreprise`);
      await page.getByRole('link', { name: 'Create a secondary account' }).click();
      await page.waitForURL(/\/nouveau$/);
      await check('nouveau', 'Create a secondary account');
      await page.getByLabel('Account name').fill('Not valid!');
      await page.getByRole('button', { name: 'Create the secondary account' }).click();
      await page
        .getByText(/The account name has 1 to 30 characters/)
        .first()
        .waitFor();
      await check('nouveau-erreur', 'Create a secondary account');

      await page.goto(`${app.url}/compte/entreprise`);
      await page
        .getByRole('link', { name: /^Edit \S+\.asp1ent$/ })
        .first()
        .click();
      await page.waitForURL(/\/identite$/);
      const heading = await page.locator('h1').innerText();
      assert.match(heading, /^Secondary account \S+\.asp1ent$/);
      await check('secondaire-identite', heading);
      const tabs = page.locator('nav[aria-label="Secondary account tabs"]');
      assert.deepEqual(await tabs.getByRole('link').allInnerTexts(), ['Identity', 'Options', 'Password', 'Back']);
      await tabs.getByRole('link', { name: 'Options' }).click();
      await page.waitForURL(/\/options$/);
      await check('secondaire-options', heading);
      await tabs.getByRole('link', { name: 'Password' }).click();
      await page.waitForURL(/\/mot-de-passe$/);
      await check('secondaire-mot-de-passe', heading);
    });

    it('shows a legal page in English, its French text marked as French', async () => {
      await page.goto(`${app.url}/cgu`);
      await check('cgu', 'Terms of use');
      assert.equal(await page.locator('.legal-document').getAttribute('lang'), 'fr');
      await page.getByText('This document is available in French only.').waitFor();
    });
  },
);
