import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';

/**
 * The citizen sign-up walked in English (issue 19) by an English browser: every page, the live helpers (proposed
 * identifier, strength meter and checklist) and the answers in English; axe checks each page (`launchBrowser`).
 */
describe('The citizen sign-up in English, in a browser, checked with axe', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let gateway: HttpSink;
  let browser: Browser;
  const problems: string[] = [];

  before(async () => {
    gateway = await startHttpSink();
    app = await startTestApp({ env: { SMS_GATEWAY_URL: `${gateway.url}/sms`, SMS_GATEWAY_TOKEN: 'jeton' } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await gateway?.stop();
  });

  /** Waits until a field's value passes `test` (the page's CSP forbids the string predicates of waitForFunction). */
  const valueOf = async (p: Page, selector: string, test: (value: string) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const value = await p.locator(selector).inputValue();
      if (test(value)) return value;
      await p.waitForTimeout(100);
    }
    assert.fail(`${selector}: “${await p.locator(selector).inputValue()}”`);
  };

  it('signs up from the profile choice to the SMS code page, all in English', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[01] /.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${app.url}/inscription`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('h1').innerText(), 'Create my account');
    await screenshot(page, 'registration-choice-en');
    await page.getByRole('link', { name: 'Citizen' }).click();
    await page.waitForURL(/\/inscription\/citoyen$/);
    assert.equal(await page.locator('h1').innerText(), 'Create my account: Citizen');

    // The identifier proposed as the names are typed, and its availability, in English.
    await page.getByLabel('Birth name').fill('Doe');
    await page.getByLabel('First name').fill('Jane');
    assert.equal(await valueOf(page, '#identifier', (v) => v !== ''), 'jane.doe');
    await page.waitForSelector('#identifier-disponibilite:has-text("Identifier available!")');

    // The strength meter and its checklist, in English.
    await page.locator('#password').fill('azerty');
    await page.waitForSelector('text=Level: Weak');
    assert.match(
      await page.locator('#password-force .force__detail').innerText(),
      /^The password must contain at least 8 characters, an upper-case letter and a digit\./,
    );
    assert.equal(await page.locator('#password-regles li[data-rule="length"] .fr-sr-only').innerText(), ': not yet');
    await page.locator('#password').fill(PASSWORD);
    await page.waitForSelector('text=Password accepted.');
    assert.equal(await page.locator('#password-force .force__libelle').innerText(), 'Level: Strong');
    assert.equal(await page.locator('#password-regles li[data-rule="length"] .fr-sr-only').innerText(), ': met');
    await screenshot(page, 'registration-citizen-form-en');

    // Sent with errors: answered in English, the first error in the summary.
    await page.locator('#passwordConfirmation').fill(PASSWORD);
    await page.locator('#email').fill('jane.doe@example.com');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForSelector('text=Give your title.');
    assert.match(await page.title(), /^Error: Create my account \(Citizen\)/);
    assert.match(await page.locator('main').innerText(), /You must accept the terms of use\./);
    await screenshot(page, 'registration-citizen-errors-en');

    await page.locator('label[for="civility-madame"]').click();
    await page.getByLabel('Date of birth').fill('1985-04-12');
    await page.getByLabel('Mobile phone').fill('06 12 34 56 78');
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#passwordConfirmation').fill(PASSWORD);
    await page.locator('label[for="acceptTerms"]').click();
    await page.locator('label[for="acceptPrivacy"]').click();
    await page.getByRole('button', { name: 'Submit' }).click();

    await page.waitForURL(/\/activation\/choix/);
    assert.equal(await page.locator('h1').innerText(), 'Confirmation of your account');
    assert.match(await page.locator('main').innerText(), /Your sign-in identifier: jane\.doe\./);
    await screenshot(page, 'registration-activation-choice-en');
    await page.getByRole('button', { name: 'Send the activation code' }).click();
    await page.waitForURL(/\/activation\/code\//);
    assert.equal(await page.locator('h1').innerText(), 'Activate my account');
    await page.getByLabel('Code received by text message').fill('12');
    await page.getByRole('button', { name: 'Confirm the code' }).click();
    await page.waitForSelector('text=Enter the 6 digits of the code received by text message.');
    await screenshot(page, 'registration-sms-code-en');
    await context.close();
    assert.deepEqual(problems.splice(0), []);
  });
});
