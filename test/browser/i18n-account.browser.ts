import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { IdentityService } from '../../src/modules/identity';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';

describe('The account space in English in a browser, checked with axe', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    app = await startTestApp();
    await app.app.get(IdentityService).createActiveAccount({
      email: 'jane.doe@example.fr',
      identifier: 'jane.doe',
      password: PASSWORD,
      givenName: 'Jane',
      familyName: 'Doe',
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('visits every page of the account space in English, a refused form included', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    // The first pages compile their templates; a loaded machine needs more than the usual ten seconds.
    page.setDefaultTimeout(30_000);
    await page.goto(`${app.url}/compte`);
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel('Identifier or e-mail address').fill('jane.doe');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/compte$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('h1').innerText(), 'My account');
    await screenshot(page, 'account-home-en');

    const pages: Array<[string, string, string]> = [
      ['My profile', 'My profile', 'account-profile-en'],
      ['E-mail address', 'Change e-mail address', 'account-email-en'],
      ['Password', 'Change password', 'account-password-en'],
      ['Security', 'Security', 'account-security-en'],
      ['My data', 'My data', 'account-data-en'],
    ];
    for (const [link, heading, name] of pages) {
      await page.locator('.fr-sidemenu').getByRole('link', { name: link, exact: true }).click();
      await page.locator('h1', { hasText: heading }).waitFor();
      assert.equal(await page.locator('h1').innerText(), heading);
      await screenshot(page, name);
    }

    await page.goto(`${app.url}/compte/profil`);
    await page.getByLabel('Mobile phone').fill('12');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Enter a valid mobile number, for example 06 12 34 56 78.').first().waitFor();
    assert.match(await page.title(), /^Error: My profile/);
    await screenshot(page, 'account-profile-error-en');
    await context.close();
  });
});
