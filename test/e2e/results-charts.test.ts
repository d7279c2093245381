import type { Browser, Page } from 'puppeteer';
import { insertUser } from '../../src/auth/user.repository';
import { launchChromium } from '../../src/browser/chromium';
import { loadDemo } from '../../src/demo/demo.service';
import { listGroups } from '../../src/organisation/organisation.repository';
import { randomId } from '../../src/system';
import { createTestApp } from '../support/app';
import { serve } from '../support/server';
import { sessionFor } from '../support/staff';

/**
 * The results pages in Chromium under the real content security policy: Chart.js comes from our
 * own server, the charts draw (no console error, no request elsewhere), and what they draw is what
 * the tables say — so the demo's improving group visibly rises and its worsening group falls.
 */
describe('results charts in Chromium', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let served: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser;
  let cookie: string;
  let groups: { id: string; name: string }[];

  beforeAll(async () => {
    ctx = await createTestApp();
    const demo = await loadDemo(ctx.db, ctx.questionnaires, ctx.clock);
    groups = await listGroups(ctx.db, demo.institutionId);
    const id = randomId();
    await insertUser(ctx.db, { id, institution_id: demo.institutionId, municipality_id: null, email: 'm@example.nl', display_name: 'M', role: 'manager', password_hash: 'x', pin_hash: null, active: 1, created_at: '2026-01-01T00:00:00Z' });
    cookie = (await sessionFor(ctx.db, id)).cookie;
    served = await serve(ctx.app);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await ctx?.cleanup();
  });

  async function open(path: string): Promise<{ page: Page; problems: string[]; hosts: Set<string> }> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const problems: string[] = [];
    const hosts = new Set<string>();
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('request', (r) => hosts.add(new URL(r.url()).host));
    const [name, value] = cookie.split(';')[0]!.split('=') as [string, string];
    await page.setCookie({ name, value, url: served!.base });
    await page.goto(`${served!.base}${path}`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('html[data-charts-drawn]');
    return { page, problems, hosts };
  }

  /** The group's line on a scale's trend chart, as Chart.js holds it, and whether pixels were drawn. */
  async function drawnTrend(page: Page, scaleId: string) {
    return page.$eval(`canvas[data-chart="chart-${scaleId}"]`, (canvas) => {
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: (number | null)[] }[] } } } }).Chart.getChart(canvas as HTMLCanvasElement);
      const pixels = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
      return { line: chart.data.datasets[2]!.data, painted };
    });
  }

  /** The means in the scale's table, as printed (Dutch: comma). */
  async function tableMeans(page: Page, scaleId: string): Promise<(number | null)[]> {
    return page.$$eval(`#s-${scaleId} ~ details tbody tr`, (rows) =>
      rows.map((row) => {
        const cell = row.querySelectorAll('td')[1];
        const text = cell?.textContent?.trim() ?? '';
        return /^\d+,\d+$/.test(text) ? Number(text.replace(',', '.')) : null;
      }),
    );
  }

  it.each([
    ['De Linde', 'improving', 1],
    ['De Haven', 'worsening', -1],
  ])('%s (%s): drawn from our own server, and the line goes the way the table does', async (groupName, _trend, direction) => {
    const group = groups.find((g) => g.name === groupName)!;
    const { page, problems, hosts } = await open(`/groups/${group.id}/results`);
    expect(problems).toEqual([]);
    expect([...hosts]).toEqual([new URL(served!.base).host]);
    expect(Number(await page.$eval('html', (el) => el.getAttribute('data-charts-drawn')))).toBeGreaterThanOrEqual(5);
    const drawn = await drawnTrend(page, 'open_climate');
    expect(drawn.painted).toBeGreaterThan(1000);
    const printed = await tableMeans(page, 'open_climate');
    expect(drawn.line.map((v) => (v === null ? null : Math.round(v * 100) / 100))).toEqual(printed);
    const first = printed[0]!;
    const last = printed.at(-1)!;
    expect(Math.sign(last - first)).toBe(direction);
    expect(Math.abs(last - first)).toBeGreaterThan(0.5);
    await page.close();
  });

  it('the overview draws a small chart per group and leaves the hidden round out of it', async () => {
    const { page, problems } = await open('/results');
    expect(problems).toEqual([]);
    const sparks = await page.$$eval('canvas[data-chart^="spark-"]', (list) => list.length);
    expect(sparks).toBe(groups.length);
    const zonnebloem = groups.find((g) => g.name === 'De Zonnebloem')!;
    const line = await page.$eval(`canvas[data-chart="spark-${zonnebloem.id}"]`, (canvas) =>
      (window as unknown as { Chart: { getChart(c: Element): { data: { datasets: { data: (number | null)[] }[] } } } }).Chart.getChart(canvas).data.datasets[0]!.data,
    );
    expect(line.at(-1)).toBeNull();
    expect(line.slice(0, -1).every((v) => typeof v === 'number')).toBe(true);
    await page.close();
  });
});
