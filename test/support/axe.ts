import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

let source: string | undefined;

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page and returns its violations, one line each. The engine is
 * evaluated through the DevTools protocol, which the page's strict CSP does not govern, so the page keeps its CSP.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate<Array<{ id: string; impact: string | null; targets: string[] }>>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  );
  return violations.map((v) => `${v.id} (${v.impact ?? '?'}): ${v.targets.join(', ')}`);
}
