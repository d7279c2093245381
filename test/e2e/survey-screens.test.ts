import type { Browser, Page } from 'puppeteer';
import { launchChromium } from '../../src/browser/chromium';
import { createTestApp } from '../support/app';
import { serve } from '../support/server';
import { buildInstitution } from '../support/staff';
import { tabletCookie } from '../support/survey';

/**
 * Details of the question screens a young person would notice: an answer can be taken back, typing
 * does not jump the page, and on a tablet the language one young person chose is gone for the next
 * — also from the browser's history.
 */
describe('the question screens in Chromium', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let served: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  let org: Awaited<ReturnType<typeof buildInstitution>>;

  beforeAll(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
    served = await serve(ctx.app);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await ctx?.cleanup();
  });

  async function tabletPage(): Promise<Page> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 800, height: 1280 });
    const cookie = await tabletCookie(ctx.db, org.roundId, org.groups[0]!, org.users.group_leader.id);
    const [name, value] = cookie.split('=') as [string, string];
    await page.setCookie({ name, value, url: served.base });
    return page;
  }
  const visible = (page: Page, selector: string) => page.$(`section.screen:not([hidden]) ${selector}`);

  it('lets a tapped answer be taken back, so the question can still be skipped', async () => {
    const page = await tabletPage();
    await page.goto(`${served.base}/survey/questions`);
    expect(await visible(page, '[data-clear]:not([hidden])')).toBeNull();
    await (await visible(page, '.option:nth-child(4)'))!.click();
    expect(await page.$eval('section.screen:not([hidden]) [data-next]', (b) => b.textContent)).toBe('Volgende');
    await (await visible(page, '[data-clear]:not([hidden])'))!.click();
    expect(await page.$$eval('section.screen:not([hidden]) input:checked', (els) => els.length)).toBe(0);
    expect(await page.$eval('section.screen:not([hidden]) [data-next]', (b) => b.textContent)).toBe('Overslaan');
    expect(await visible(page, '[data-clear]:not([hidden])')).toBeNull();
    await page.browserContext().close();
  }, 60_000);

  it('does not jump to the top while an open answer is typed', async () => {
    const page = await tabletPage();
    await page.setViewport({ width: 800, height: 500 });
    await page.goto(`${served.base}/survey/questions`);
    while (!(await visible(page, 'textarea'))) await (await visible(page, '[data-next]'))!.click();
    await page.focus('section.screen:not([hidden]) textarea');
    await page.evaluate(() => window.scrollTo(0, 200));
    const before = await page.evaluate(() => window.scrollY);
    expect(before).toBeGreaterThan(0);
    await page.keyboard.type('Meer tijd buiten');
    expect(await page.evaluate(() => window.scrollY)).toBe(before);
    await page.browserContext().close();
  }, 60_000);

  it('starts the next young person in Dutch, with no English page left in the history', async () => {
    const page = await tabletPage();
    await page.goto(`${served.base}/survey`);
    await Promise.all([page.waitForNavigation(), page.click('a[lang="en"]')]);
    expect(await page.$eval('html', (el) => el.lang)).toBe('en');
    await Promise.all([page.waitForNavigation(), page.click('a.big-button')]);
    await (await visible(page, '.option:nth-child(2)'))!.click();
    while (!(await visible(page, '[data-send]'))) await (await visible(page, '[data-next]'))!.click();
    await Promise.all([page.waitForNavigation(), page.click('section.screen:not([hidden]) [data-send]')]);
    expect(new URL(page.url()).pathname).toBe('/survey/thanks');
    await Promise.all([page.waitForNavigation(), page.click('a.big-button[data-replace]')]);
    expect(await page.$eval('html', (el) => el.lang)).toBe('nl');
    // Back through the whole history: never an English page.
    const langs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const moved = await page.goBack();
      if (!moved) break;
      langs.push(await page.$eval('html', (el) => el.lang));
    }
    expect(langs).not.toContain('en');
    await page.browserContext().close();
  }, 60_000);
});
