import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'puppeteer';

/** What the pages are checked against: WCAG 2.1 A and AA, and axe's best practices. */
export const AXE_RULE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * Injects axe-core into the page as it is now and runs it on the whole document. The pages send a
 * strict CSP (script-src 'self'): call `page.setBypassCSP(true)` before the page is loaded, or the
 * injected script is refused.
 */
export async function runAxe(page: Page): Promise<AxeResults> {
  await page.addScriptTag({ path: require.resolve('axe-core') });
  return (await page.evaluate(
    (tags) => (window as unknown as { axe: typeof import('axe-core') }).axe.run(document, { runOnly: tags }),
    AXE_RULE_TAGS,
  )) as AxeResults;
}

/** One line per failing element, so the test output says exactly what to fix. */
export function describeViolations(violations: readonly Result[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes.map((n) => `    - ${n.target.join(' ')}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`);
      return `${v.id} [${v.impact ?? 'n/a'}]: ${v.help} (${v.helpUrl})\n${nodes.join('\n')}`;
    })
    .join('\n');
}
