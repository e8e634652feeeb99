import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { accessibilityViolations } from '../support/axe';
import { browserSkipReason, launchBrowser, screenshot } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

describe('API documentation page (/api/docs) in a browser', { skip: browserSkipReason() }, () => {
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

  it('lists the operations, accessible, without console errors or outside requests', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('request', (req) => {
      if (new URL(req.url()).origin !== app.url) problems.push(req.url());
    });
    const response = await page.goto(`${app.url}/api/docs`, { waitUntil: 'networkidle' });
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator('h1').innerText(), 'Documentation de l’API');
    assert.ok(await page.getByRole('heading', { name: 'Administration — comptes' }).isVisible());
    assert.ok((await page.locator('tbody tr').count()) >= 18);
    assert.equal(
      await page.getByRole('link', { name: 'Document OpenAPI 3.1 (JSON)' }).getAttribute('href'),
      '/api/docs/openapi.json',
    );
    assert.deepEqual(await accessibilityViolations(page), []);
    assert.deepEqual(problems, []);
    await screenshot(page, 'api-docs');
    await page.close();
  });
});
