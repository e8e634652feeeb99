import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The main pages in a branded configuration (BRAND_*): the deployment's name, logo, colour and support contacts
 * instead of the platform's, screenshots kept as `marque-*`; axe checks every page (launchBrowser).
 */
describe('A branded deployment in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  before(async () => {
    app = await startTestApp({
      env: {
        BRAND_NAME: 'Assurances Exemple',
        BRAND_LOGO: '/assets/exemple-logo.svg',
        BRAND_PRIMARY_COLOR: '#7a1f5c',
        BRAND_SUPPORT_EMAIL: 'aide@assurances.example',
        BRAND_SUPPORT_PHONE: '01 23 45 67 89',
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the brand’s name, logo, colour and support contacts on the main pages', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 404/.test(message.text())) problems.push(message.text());
    });
    await page.goto(`${app.url}/`);
    assert.equal(await page.title(), 'Accueil - Assurances Exemple');
    assert.equal(await page.locator('header .fr-header__service-title').innerText(), 'Assurances Exemple');
    assert.equal(await page.locator('header img.brand-logo').getAttribute('src'), '/assets/exemple-logo.svg');
    assert.equal(
      await page.evaluate<string>(`getComputedStyle(document.querySelector('main .fr-btn')).backgroundColor`),
      'rgb(122, 31, 92)',
    );
    const footer = await page.locator('footer').innerText();
    assert.match(footer, /aide@assurances\.example/);
    assert.match(footer, /01 23 45 67 89/);
    await screenshot(page, 'marque-accueil');
    for (const [path, name] of [
      ['/inscription', 'marque-inscription-profil'],
      ['/inscription/citoyen', 'marque-inscription-citoyen'],
      ['/compte', 'marque-connexion'],
      ['/cgu', 'marque-cgu'],
      ['/accessibilite', 'marque-accessibilite'],
    ]) {
      await page.goto(`${app.url}${path}`);
      assert.match(await page.locator('header').innerText(), /Assurances Exemple/, path);
      await screenshot(page, name);
    }
    assert.match(await page.locator('main').innerText(), /Assurances Exemple est partiellement conforme/);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
