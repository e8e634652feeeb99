import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { OutboxWorker } from '../../src/modules/notifications';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';

/**
 * Sign-up and sign-in with the keyboard alone (Tab, Space, Enter and typing; no click): every control is reached in
 * order, shows where the focus is, and works. Axe checks every page on the way (launchBrowser).
 */
describe('Sign-up and sign-in with the keyboard only', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'fr-FR' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await smtp?.stop();
  });

  /** Presses Tab until the focus is on `selector` (at most `max` times), and checks that the focus is visible. */
  async function tabTo(selector: string, max = 80): Promise<void> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate<boolean>(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) {
        const outline = await page.evaluate<string>(
          `(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; })()`,
        );
        assert.doesNotMatch(outline, /^none|\s0px$/, `focus invisible sur ${selector} (${outline})`);
        return;
      }
    }
    assert.fail(`${selector} n’est pas atteint au clavier en ${max} tabulations`);
  }

  async function typeInto(selector: string, text: string): Promise<void> {
    await tabTo(selector);
    await page.keyboard.type(text);
  }

  it('creates a citizen account with the keyboard alone', async () => {
    await page.goto(`${app.url}/inscription`);
    await tabTo('a[href="/inscription/citoyen"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/inscription\/citoyen$/);
    await tabTo('#civility-madame');
    await page.keyboard.press('Space');
    await typeInto('#familyName', 'Clavier');
    await typeInto('#givenName', 'Camille');
    await tabTo('#birthDate');
    // Chromium's date field takes its segments in its own locale's order (month, day, year here).
    await page.keyboard.type('04121985');
    await typeInto('#email', 'camille.clavier@example.fr');
    await typeInto('#password', PASSWORD);
    await typeInto('#passwordConfirmation', PASSWORD);
    await tabTo('#acceptTerms');
    await page.keyboard.press('Space');
    await tabTo('#acceptPrivacy');
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#civility-madame').isChecked(), true);
    assert.equal(await page.locator('#birthDate').inputValue(), '1985-04-12');
    await screenshot(page, 'clavier-inscription');
    await tabTo('button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('text=Un e-mail d’activation vient d’être envoyé à camille.clavier@example.fr.');

    await app.app.get(OutboxWorker).deliverDue();
    const mail = await smtp.waitFor((m) => sentTo('camille.clavier@example.fr')(m));
    const link = /http:\/\/127\.0\.0\.1:\d+\/activation\/[\w-]{43}/.exec(mail.text ?? '')?.[0];
    assert.ok(link, mail.text);
    await page.goto(link);
    await tabTo('button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('text=Votre compte est activé');
  });

  it('signs in with the keyboard alone', async () => {
    await page.goto(`${app.url}/compte`);
    await page.waitForURL(/\/interaction\//);
    await typeInto('#identifier', 'camille.clavier@example.fr');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#password');
    await typeInto('#password', PASSWORD);
    await screenshot(page, 'clavier-connexion');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.url}/compte`);
    assert.equal(await page.locator('h1').innerText(), 'Mon compte');
  });
});
