import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

describe('Home page in a browser', { skip: browserSkipReason() }, () => {
  let app: TestApp;
  let browser: Browser;
  before(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Opens `path`, collecting console errors, CSP violations and every request that leaves this server. */
  async function visit(path: string) {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    const outside: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.origin !== app.url && url.protocol !== 'data:') outside.push(req.url());
    });
    const response = await page.goto(`${app.url}${path}`, { waitUntil: 'networkidle' });
    return { page, response, consoleErrors, outside };
  }

  it('loads in French in the neutral theme, without console errors or outside requests', async () => {
    const { page, response, consoleErrors, outside } = await visit('/');
    assert.equal(response?.status(), 200);
    assert.equal(await page.title(), 'Accueil - Plateforme d’identité');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.locator('h1').innerText(), 'Un seul compte pour tous vos services en ligne');
    // The neutral theme applied: its open font (self-hosted), no State mark, no Marianne.
    assert.match(await page.evaluate<string>('getComputedStyle(document.body).fontFamily'), /^"Inter Variable"/);
    await page.waitForFunction(`document.fonts.check('16px "Inter Variable"')`);
    assert.doesNotMatch(await page.content(), /Marianne|République française|\/dsfr\//);
    const link = page.getByRole('link', { name: 'Se connecter à mon compte' });
    assert.equal(await link.getAttribute('href'), '/compte');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(outside, []);
    await screenshot(page, 'accueil');
    await page.close();
  });

  it('lets a keyboard user skip to the content', async () => {
    const { page } = await visit('/');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.textContent?.trim()'), 'Contenu');
    await page.close();
  });

  it('shows the French error page for an unknown address', async () => {
    const { page, response, consoleErrors, outside } = await visit('/page-inexistante');
    assert.equal(response?.status(), 404);
    assert.equal(await page.locator('h1').innerText(), 'Page introuvable');
    assert.match(await page.locator('main').innerText(), /Référence à communiquer au support/);
    assert.deepEqual(
      consoleErrors.filter((e) => !e.includes('404')),
      [],
    );
    assert.deepEqual(outside, []);
    await screenshot(page, 'erreur-404');
    await page.close();
  });
});
