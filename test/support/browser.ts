import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../src/platform/views/views';
import { checkAccessibilityOnEveryPage, checkPage } from './axe';

/** Debian's Chromium (`apt-get install chromium`); never a browser downloaded by a test tool. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests are skipped on this machine, or `false` when they run. `test/run.ts` decides. */
export function browserSkipReason(): string | false {
  return process.env.TEST_SKIP_BROWSER || (existsSync(CHROMIUM_PATH) ? false : `Chromium absent (${CHROMIUM_PATH})`);
}

/** Chromium, with axe-core run on every page it loads (`checkAccessibilityOnEveryPage`: `close()` reports). */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    // This machine has no network but loopback: Chromium's own background traffic is turned off.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return frenchByDefault(checkAccessibilityOnEveryPage(browser));
}

/**
 * Pages speak the browser's language (`Accept-Language`, docs/i18n.md) and Chromium's own is English: every context
 * and page asks for French unless the test gives another `locale`.
 */
function frenchByDefault(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  browser.newContext = (options = {}) => newContext({ locale: 'fr-FR', ...options });
  browser.newPage = (options = {}) => newPage({ locale: 'fr-FR', ...options });
  return browser;
}

/**
 * Keeps a full-page screenshot under `test-results/screenshots/` (git-ignored) and returns its path; checks the page
 * with axe-core first (its violations fail the test file when the browser closes).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  await checkPage(page);
  const dir = join(projectRoot(), 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
