import type { Browser } from 'puppeteer';
import { launchChromium } from '../../src/browser/chromium';
import { createTestApp } from '../support/app';
import { serve } from '../support/server';

/**
 * The real browser against the real app: the start page renders under the strict CSP with no
 * console error and no request to another host. This is also the check that Chromium is
 * installed where the PDF reports will need it — it fails, never skips, when it is missing.
 */
describe('the start page in Chromium', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let served: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ctx = await createTestApp();
    served = await serve(ctx.app);
    base = served.base;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await ctx?.cleanup();
  });

  it('renders in Dutch with its stylesheet, no console errors and no outside requests', async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 800, height: 1280 });
    const problems: string[] = [];
    const hosts = new Set<string>();
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('request', (r) => hosts.add(new URL(r.url()).host));
    await page.goto(`${base}/`, { waitUntil: 'networkidle0' });
    expect(await page.$eval('html', (el) => el.getAttribute('lang'))).toBe('nl');
    expect(await page.$eval('h1', (el) => el.textContent)).toBe('Leefklimaat');
    // The stylesheet applied: the header has its border, so CSP did not block it.
    expect(await page.$eval('.site-header', (el) => getComputedStyle(el).borderBottomStyle)).toBe('solid');
    expect(problems).toEqual([]);
    expect([...hosts]).toEqual([new URL(base).host]);
    await page.click('a[lang="en"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.$eval('.lead', (el) => el.textContent)).toContain('anonymously');
    await page.close();
  });
});
