import type { Browser, BrowserContext, Page } from 'puppeteer';
import type { Role } from '../../src/auth/auth.table';
import { insertUser, replaceUserGroups } from '../../src/auth/user.repository';
import { launchChromium } from '../../src/browser/chromium';
import { loadDemo } from '../../src/demo/demo.service';
import { listGroups, listLocations, listMunicipalities } from '../../src/organisation/organisation.repository';
import { archiveReport } from '../../src/reports/report.service';
import { listRounds } from '../../src/rounds/round.repository';
import { runSchedule } from '../../src/rounds/round.service';
import { randomId } from '../../src/system';
import { createTestApp } from '../support/app';
import { describeViolations, runAxe } from '../support/axe';
import { serve } from '../support/server';
import { sessionFor } from '../support/staff';

/**
 * Issue 3, "axe-core finds no violations on the staff pages, in a real browser": every staff
 * page, as the role that may see it, in Chromium with the real stylesheet, checked by axe-core
 * against WCAG 2.1 A/AA and axe's best practices. One test per page, so a failure names the page
 * and, for each violation, the rule, its impact and the elements to fix.
 *
 * The data is the demo institution (three locations, eight groups, four closed rounds) with the
 * current round open, a municipality and one account per role — so tables, lists and forms are
 * filled as a newcomer would see them, not empty.
 */

type Viewport = 'laptop' | 'tablet';
const VIEWPORTS: Record<Viewport, { width: number; height: number }> = {
  laptop: { width: 1280, height: 900 },
  tablet: { width: 800, height: 1280 },
};

interface Ids {
  locationId: string;
  groupId: string;
  municipalityId: string;
  openRoundId: string;
  groupLeaderId: string;
  /** The demo group with too few responses in its latest round. */
  suppressedGroupId: string;
}

interface PageCase {
  readonly name: string;
  /** Signed in as this role; anonymous when absent. */
  readonly role?: Role;
  readonly path: (ids: Ids) => string;
  readonly viewport?: Viewport;
  readonly lang?: 'nl' | 'en';
  /** What a person does on the page before it is checked (fill a form and send it). */
  readonly act?: (page: Page) => Promise<void>;
}

/** Submits the form holding `selector` and waits for the page the server answers with. */
async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

/** Results pages draw their charts with our own script; checked once the charts are drawn. */
async function chartsDrawn(page: Page): Promise<void> {
  await page.waitForSelector('html[data-charts-drawn]');
  const drawn = await page.$eval('html', (el) => Number(el.getAttribute('data-charts-drawn')));
  expect(drawn).toBeGreaterThan(0);
}

const staffRoles: Role[] = ['administrator', 'manager', 'group_leader', 'municipality_viewer'];

const cases: PageCase[] = [
  { name: 'start page', path: () => '/' },
  { name: 'login', path: () => '/login' },
  {
    name: 'login after a failed sign-in',
    path: () => '/login',
    act: async (page) => {
      await page.type('#f-email', 'niemand@example.nl');
      await page.type('#f-password', 'verkeerd wachtwoord');
      await submit(page, 'main form button[type="submit"]');
      await page.waitForSelector('.alert-error');
    },
  },
  { name: 'setup with an invalid link', path: () => '/setup/not-a-valid-token' },
  ...staffRoles.map((role): PageCase => ({ name: `staff home (${role})`, role, path: () => '/staff' })),
  { name: 'organisation', role: 'administrator', path: () => '/organisation' },
  { name: 'new location', role: 'administrator', path: () => '/organisation/locations/new' },
  { name: 'edit location', role: 'manager', path: (ids) => `/organisation/locations/${ids.locationId}` },
  { name: 'new group', role: 'administrator', path: () => '/organisation/groups/new' },
  { name: 'edit group', role: 'manager', path: (ids) => `/organisation/groups/${ids.groupId}` },
  {
    name: 'group form sent with errors',
    role: 'administrator',
    path: () => '/organisation/groups/new',
    act: async (page) => {
      await page.type('#f-name', 'De Nieuwe Groep');
      await page.$eval('#f-places', (el) => ((el as HTMLInputElement).value = '0'));
      await submit(page, 'main form button[type="submit"]');
      await page.waitForSelector('[aria-invalid="true"]');
    },
  },
  { name: 'new municipality', role: 'administrator', path: () => '/organisation/municipalities/new' },
  { name: 'edit municipality', role: 'administrator', path: (ids) => `/organisation/municipalities/${ids.municipalityId}` },
  { name: 'help resources', role: 'administrator', path: () => '/organisation/help' },
  { name: 'rounds', role: 'administrator', path: () => '/rounds' },
  { name: 'code sheets of the open round', role: 'manager', path: (ids) => `/rounds/${ids.openRoundId}/codes` },
  { name: 'code sheets (group leader)', role: 'group_leader', path: (ids) => `/rounds/${ids.openRoundId}/codes` },
  {
    name: 'printable code sheet',
    role: 'group_leader',
    path: (ids) => `/rounds/${ids.openRoundId}/codes`,
    act: async (page) => {
      await submit(page, 'form[action$="/codes"] button[type="submit"]');
      await page.waitForSelector('.slip-code');
    },
  },
  { name: 'results overview', role: 'manager', path: () => '/results', act: chartsDrawn },
  { name: 'results overview sorted by a scale', role: 'administrator', path: () => '/results?sort=scale:support&dir=desc', act: chartsDrawn },
  { name: 'results: own groups (group leader)', role: 'group_leader', path: () => '/results' },
  { name: 'group results', role: 'group_leader', path: (ids) => `/groups/${ids.groupId}/results`, act: chartsDrawn },
  { name: 'group results below k', role: 'manager', path: (ids) => `/groups/${ids.suppressedGroupId}/results`, act: chartsDrawn },
  {
    name: 'group results with an empty improvement action sent',
    role: 'group_leader',
    path: (ids) => `/groups/${ids.groupId}/results`,
    act: async (page) => {
      await submit(page, 'form[action$="/actions"] button[type="submit"]');
      await page.waitForSelector('#new-action[aria-invalid="true"]');
    },
  },
  { name: 'report archive (manager)', role: 'manager', path: () => '/reports' },
  { name: 'report archive (group leader)', role: 'group_leader', path: () => '/reports' },
  { name: 'report archive (municipality viewer)', role: 'municipality_viewer', path: () => '/reports' },
  {
    name: 'period report form sent with errors',
    role: 'manager',
    path: () => '/reports',
    act: async (page) => {
      await page.$eval('#f-to', (el) => ((el as HTMLInputElement).value = '2020-01-01'));
      await submit(page, 'form[action="/reports/period"] button[type="submit"]');
      await page.waitForSelector('[aria-invalid="true"]');
    },
  },
  { name: 'users', role: 'administrator', path: () => '/users' },
  { name: 'new user', role: 'administrator', path: () => '/users/new' },
  { name: 'edit user', role: 'administrator', path: (ids) => `/users/${ids.groupLeaderId}` },
  { name: 'audit log', role: 'administrator', path: () => '/audit' },
  { name: 'account (administrator)', role: 'administrator', path: () => '/account' },
  { name: 'account (municipality viewer)', role: 'municipality_viewer', path: () => '/account' },
  { name: 'page not found (signed in)', role: 'manager', path: () => '/no-such-page' },
  { name: 'page not found (anonymous)', path: () => '/no-such-page' },
  // A few in English.
  { name: 'start page', lang: 'en', path: () => '/' },
  { name: 'login', lang: 'en', path: () => '/login' },
  { name: 'staff home (group_leader)', lang: 'en', role: 'group_leader', path: () => '/staff' },
  { name: 'organisation', lang: 'en', role: 'administrator', path: () => '/organisation' },
  { name: 'rounds', lang: 'en', role: 'manager', path: () => '/rounds' },
  { name: 'results overview', lang: 'en', role: 'manager', path: () => '/results', act: chartsDrawn },
  { name: 'group results', lang: 'en', role: 'group_leader', path: (ids) => `/groups/${ids.groupId}/results`, act: chartsDrawn },
  { name: 'new user', lang: 'en', role: 'administrator', path: () => '/users/new' },
  { name: 'report archive (manager)', lang: 'en', role: 'manager', path: () => '/reports' },
  { name: 'report archive (municipality viewer)', viewport: 'tablet', role: 'municipality_viewer', path: () => '/reports' },
  // The same pages at a tablet's width, where the header and the forms wrap.
  ...staffRoles.map((role): PageCase => ({ name: `staff home (${role})`, viewport: 'tablet', role, path: () => '/staff' })),
  { name: 'rounds', viewport: 'tablet', role: 'administrator', path: () => '/rounds' },
  { name: 'rounds', viewport: 'tablet', lang: 'en', role: 'manager', path: () => '/rounds' },
  { name: 'results overview', viewport: 'tablet', role: 'manager', path: () => '/results', act: chartsDrawn },
  { name: 'group results', viewport: 'tablet', role: 'group_leader', path: (ids) => `/groups/${ids.groupId}/results`, act: chartsDrawn },
];

describe('staff pages have no axe-core violations in Chromium', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let served: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser;
  let base: string;
  let ids: Ids;
  const sessions = {} as Record<Role, string>;

  beforeAll(async () => {
    ctx = await createTestApp();
    // The demo's four closed rounds end before this day; the scheduler then plans this half-year's
    // round and, on its second step, opens it (October's measuring window) — so the staff home and
    // the code sheets have a current round to show.
    ctx.clock.set('2026-10-15T09:00:00.000Z');
    const demo = await loadDemo(ctx.db, ctx.questionnaires, ctx.clock);
    await runSchedule(ctx.db, ctx.questionnaires, ctx.clock);
    await runSchedule(ctx.db, ctx.questionnaires, ctx.clock);
    const openRound = (await listRounds(ctx.db, demo.institutionId)).find((r) => r.status === 'open');
    if (!openRound) throw new Error('the scheduler opened no round');

    const locations = await listLocations(ctx.db, demo.institutionId);
    const groups = await listGroups(ctx.db, demo.institutionId);
    // The demo's municipalities: Rivierstad (two locations, a yearly report) and Polderland.
    const municipalities = await listMunicipalities(ctx.db, demo.institutionId);
    const municipalityId = municipalities.find((m) => m.name === 'Gemeente Rivierstad')!.id;
    // Archived reports for the archive page's list (the files' contents do not matter here).
    for (const [kind, about] of [
      ['period', { audience: 'municipality', municipalityId }],
      ['period', { audience: 'institution' }],
      ['group', { audience: 'team', groupId: groups[0]!.id }],
    ] as const) {
      await archiveReport(ctx.db, ctx.clock, { title: `Leefklimaat <${kind}> rapport`, pdf: Buffer.from('%PDF-1.7'), json: '{}', csv: '' }, {
        institutionId: demo.institutionId, kind, periodFrom: '2026-01-01', periodTo: '2026-12-31', lang: 'nl', generatedBy: 'system', ...about,
      });
    }

    const names: Record<Role, string> = {
      administrator: 'Anna de Vries',
      manager: 'Mohamed El Amrani',
      group_leader: 'Sanne Jansen',
      municipality_viewer: 'Pieter Bakker',
    };
    const userIds = {} as Record<Role, string>;
    for (const role of staffRoles) {
      const id = randomId();
      userIds[role] = id;
      await insertUser(ctx.db, {
        id,
        institution_id: demo.institutionId,
        municipality_id: role === 'municipality_viewer' ? municipalityId : null,
        email: `${role.replace('_', '.')}@devaart.example`,
        display_name: names[role],
        role,
        password_hash: 'scrypt$1$1$1$x$x',
        pin_hash: null,
        active: 1,
        created_at: '2026-10-01T08:00:00.000Z',
      });
      if (role === 'group_leader') await replaceUserGroups(ctx.db, id, [groups[0]!.id, groups[1]!.id]);
      const { cookie } = await sessionFor(ctx.db, id);
      sessions[role] = cookie.slice(cookie.indexOf('=') + 1);
    }
    ids = { locationId: locations[0]!.id, groupId: groups[0]!.id, municipalityId, openRoundId: openRound.id, groupLeaderId: userIds.group_leader, suppressedGroupId: groups.find((g) => g.name === 'De Zonnebloem')!.id };

    served = await serve(ctx.app);
    base = served.base;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await ctx?.cleanup();
  });

  it.each(cases.map((c) => [`${c.name}${c.lang === 'en' ? ' in English' : ''}${c.viewport === 'tablet' ? ' on a tablet' : ''}`, c] as const))(
    '%s',
    async (_label, c) => {
      // A context of its own per page: no session or language cookie carries over between pages.
      const context: BrowserContext = await browser.createBrowserContext();
      try {
        const page = await context.newPage();
        await page.setViewport(VIEWPORTS[c.viewport ?? 'laptop']);
        // The pages send a strict CSP (script-src 'self'); axe is injected as a script from outside
        // the app, so the CSP is bypassed for this page. The app's own stylesheet and scripts load
        // as usual; browser-smoke.test.ts checks the page under the real CSP.
        await page.setBypassCSP(true);
        if (c.role) {
          await page.setCookie({ name: 'lk_session', value: sessions[c.role], domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' });
        }
        const url = new URL(c.path(ids), base);
        if (c.lang) url.searchParams.set('lang', c.lang);
        await page.goto(url.href, { waitUntil: 'networkidle0' });
        if (c.act) await c.act(page);

        // Sanity: the page is the one meant (signed in, not the login page) and in the language asked.
        expect(await page.$eval('html', (el) => el.lang)).toBe(c.lang ?? 'nl');
        if (c.role) expect(new URL(page.url()).pathname).not.toBe('/login');

        const results = await runAxe(page);
        const report = describeViolations(results.violations);
        expect(report).toBe('');
        // axe checked something real: the rules ran and found elements that pass.
        expect(results.passes.length).toBeGreaterThan(10);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
