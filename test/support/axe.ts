import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

let source: string | undefined;

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page and returns its violations, one line each. The engine is
 * evaluated through the DevTools protocol, which the page's strict CSP does not govern, so the page keeps its CSP.
 */
export function accessibilityViolations(page: Page): Promise<string[]> {
  // One axe run at a time per page: the automatic check (on each load) and a test's own call wait for each other.
  const run = (running.get(page) ?? Promise.resolve()).catch(() => undefined).then(() => runAxe(page));
  running.set(
    page,
    run.then(
      () => undefined,
      () => undefined,
    ),
  );
  return run;
}

/** The run in progress on each page. */
const running = new WeakMap<Page, Promise<void>>();

async function runAxe(page: Page): Promise<string[]> {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate<boolean>(`typeof window.axe === 'object'`))) await page.evaluate(source);
  const violations = await page.evaluate<Array<{ id: string; impact: string | null; targets: string[] }>>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  );
  return violations.map((v) => `${v.id} (${v.impact ?? '?'}): ${v.targets.join(', ')}`);
}

/** What the automatic check found: violations by page (`url — rule (impact): targets`), and how many loads it read. */
const found = new Set<string>();
let pagesChecked = 0;

/** Runs axe on the page as it is now and records its violations under its URL; a page gone meanwhile is skipped. */
export async function checkPage(page: Page): Promise<void> {
  if (page.isClosed()) return;
  const url = page.url();
  if (!/^https?:/.test(url)) return;
  try {
    const violations = await accessibilityViolations(page);
    pagesChecked++;
    for (const violation of violations) found.add(`${url} — ${violation}`);
  } catch (error) {
    // The test moved on (a navigation, a closed tab) while axe was reading the page: that load is not judged.
    if (!/context was destroyed|closed|navigat|already running/i.test((error as Error).message)) throw error;
  }
}

/**
 * Every page a browser test opens is checked with axe-core (WCAG 2.1 A and AA) at each load, and again by
 * `screenshot()`; `browser.close()` then fails with the list of violations. `launchBrowser()` installs it, so every
 * browser test runs it without asking.
 */
export function checkAccessibilityOnEveryPage<T extends Browser>(browser: T): T {
  const pending: Array<Promise<void>> = [];
  const watch = (page: Page) => {
    page.on('load', () => {
      const check = checkPage(page);
      check.catch(() => undefined);
      pending.push(check);
    });
  };
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
    const context = await newContext(...args);
    context.on('page', watch);
    return context;
  };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (...args: Parameters<Browser['newPage']>) => {
    const page = await newPage(...args);
    watch(page);
    return page;
  };
  const close = browser.close.bind(browser);
  browser.close = async (...args: Parameters<Browser['close']>) => {
    await Promise.allSettled(pending);
    await close(...args);
    if (found.size > 0) {
      const list = [...found];
      found.clear();
      throw new Error(`axe-core : ${list.length} violation(s) WCAG 2.1 AA :\n${list.join('\n')}`);
    }
    if (pagesChecked === 0 && pending.length > 0) throw new Error('axe-core n’a pu lire aucune page');
  };
  return browser;
}
