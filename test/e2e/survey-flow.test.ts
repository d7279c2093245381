import type { Browser, BrowserContext, Page } from 'puppeteer';
import { hashCode } from '../../src/access-codes/access-code';
import { launchChromium } from '../../src/browser/chromium';
import type { Database } from '../../src/db/database';
import { insertGroup } from '../../src/organisation/organisation.repository';
import { insertRoundGroups } from '../../src/rounds/round.repository';
import { facesFor } from '../../src/survey/survey.view';
import { randomId } from '../../src/system';
import { createTestApp } from '../support/app';
import { serve } from '../support/server';
import { buildInstitution } from '../support/staff';
import { issueCodes, tabletCookie } from '../support/survey';

/**
 * A young person's whole way through the questionnaire in real Chromium on a tablet-sized screen:
 * tablet mode started from the staff page (Dutch) and a personal code (English, the children's
 * smiley questionnaire), with back, explain and read-aloud; a lost connection while sending; the
 * tablet's idle timer; and the page without JavaScript. Each time the database must hold exactly
 * the one response that was given, with the values that were chosen.
 */

const VIEWPORT = { width: 800, height: 1280 };
const TEST_MS = 60_000;

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type Org = Awaited<ReturnType<typeof buildInstitution>>;
type Spoken = { text: string; lang: string };

/** A group of its own for one scenario, in the institution's open round, so counts never mix. */
async function addGroup(db: Database, org: Org, questionnaireId: string, name: string): Promise<string> {
  const id = randomId();
  await insertGroup(db, { id, location_id: org.locations[0]!, name, places: 8, questionnaire_id: questionnaireId, active: 1 });
  await insertRoundGroups(db, [{ round_id: org.roundId, group_id: id, questionnaire_id: questionnaireId, questionnaire_version: 1 }]);
  return id;
}

/** Every stored response of a group in a round, with its answers as `{ itemId: value }`. */
async function responsesOf(db: Database, roundId: string, groupId: string) {
  const rows = await db.selectFrom('response').selectAll().where('round_id', '=', roundId).where('group_id', '=', groupId).execute();
  const out = [];
  for (const row of rows) {
    const answers = await db.selectFrom('response_answer').select(['item_id', 'value']).where('response_id', '=', row.id).execute();
    out.push({ ...row, answers: Object.fromEntries(answers.map((a) => [a.item_id, a.value])) as Record<string, number> });
  }
  return out;
}

async function openAnswersOf(db: Database, roundId: string, groupId: string) {
  const rows = await db.selectFrom('open_answer').select(['question_id', 'text']).where('round_id', '=', roundId).where('group_id', '=', groupId).execute();
  return rows.map((r) => ({ question_id: r.question_id, text: r.text }));
}

async function countAll(db: Database, table: 'response' | 'response_answer' | 'open_answer'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Records what the page asks the speech synthesis to say, instead of saying it. */
async function spyOnSpeech(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { __spoken: Spoken[] };
    w.__spoken = [];
    if (!('speechSynthesis' in window)) return;
    window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => {
      w.__spoken.push({ text: u.text, lang: u.lang });
    };
  });
}

const spoken = (page: Page) => page.evaluate(() => (window as unknown as { __spoken: Spoken[] }).__spoken);

/** Uncaught script errors and console errors (CSP violations show there), except failed loads the test causes. */
function watchErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  return problems;
}

/** The `data-screen` of every screen not hidden: with the script exactly one. */
const visibleScreens = (page: Page) =>
  page.$$eval('[data-screen]', (els) => els.filter((e) => (e as HTMLElement).checkVisibility()).map((e) => e.getAttribute('data-screen')));

const isVisible = (page: Page, selector: string) =>
  page.$eval(selector, (e) => (e as HTMLElement).checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }));

const checkedValue = (page: Page, itemId: string) =>
  page.$$eval(`input[name="a:${itemId}"]`, (els) => (els as HTMLInputElement[]).filter((e) => e.checked).map((e) => e.value));

const path = (page: Page) => new URL(page.url()).pathname;

async function clickAndWait(page: Page, selector: string) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

/** Next on each screen until the review screen shows. */
async function nextUntilReview(page: Page): Promise<void> {
  for (let guard = 0; guard < 100; guard++) {
    const [current] = await visibleScreens(page);
    if (current === 'review') return;
    await page.click(`[data-screen="${current}"] [data-next]`);
  }
  throw new Error('never reached the review screen');
}

async function tabletContext(browser: Browser, db: Database, org: Org, groupId: string): Promise<BrowserContext> {
  const context = await browser.createBrowserContext();
  const [name, value] = (await tabletCookie(db, org.roundId, groupId, org.users.group_leader.id)).split('=') as [string, string];
  await context.setCookie({ name, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' });
  return context;
}

async function tabletPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.setViewport(VIEWPORT);
  return page;
}

describe('a young person answering the questionnaire in Chromium', () => {
  let ctx: TestApp;
  let served: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser;
  let base: string;
  let org: Org;
  const contexts: BrowserContext[] = [];
  const fresh = async (context?: BrowserContext) => {
    const c = context ?? (await browser.createBrowserContext());
    contexts.push(c);
    return c;
  };

  beforeAll(async () => {
    ctx = await createTestApp();
    served = await serve(ctx.app);
    base = served.base;
    org = await buildInstitution(ctx.db);
    browser = await launchChromium();
  }, TEST_MS);

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await ctx?.cleanup();
  });

  it(
    'tablet mode in Dutch: started from the staff page, back, explain, read-aloud, an open answer, one stored response and nothing left behind',
    async () => {
      const q = ctx.questionnaires.get('lk-jeugd', 1)!;
      expect(q.responseScale.points.map((p) => p.value)).toEqual([1, 2, 3, 4, 5]);
      const groupId = org.groups[0]!;
      const context = await fresh();
      const page = await tabletPage(context);
      const problems = watchErrors(page);
      await spyOnSpeech(page);

      // The real way in: the group leader, signed in, starts tablet mode for their group.
      const session = org.users.group_leader.cookie.split('=');
      await context.setCookie({ name: 'lk_session', value: session[1]!, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' });
      await page.goto(`${base}/staff`);
      expect(path(page)).toBe('/staff');
      await clickAndWait(page, `form[action="/tablet/start"]:has(input[name="groupId"][value="${groupId}"]) button`);
      expect(path(page)).toBe('/survey');
      expect(await page.$eval('html', (el) => el.lang)).toBe('nl');
      expect(await page.$('[data-page="start"][data-tablet]')).not.toBeNull();
      expect(await page.$eval('.group-name', (el) => el.textContent)).toContain('Groep 1');

      // The staff session ended on this device: the staff pages ask for a login again.
      const other = await context.newPage();
      await other.goto(`${base}/staff`);
      expect(path(other)).toBe('/login');
      await other.close();
      expect(await ctx.db.selectFrom('staff_session').select('user_id').where('user_id', '=', org.users.group_leader.id).execute()).toEqual([]);

      await clickAndWait(page, 'a.big-button');
      expect(path(page)).toBe('/survey/questions');
      expect(await page.$eval('html', (el) => el.lang)).toBe('nl');
      expect(await visibleScreens(page)).toEqual(['1']);

      // Read aloud: the question (with its answers), in Dutch.
      const sayText = await page.$eval('[data-screen="1"] button[data-say]', (el) => el.getAttribute('data-say'));
      expect(sayText).toContain(q.items[0]!.text['nl']);
      await page.click('[data-screen="1"] button[data-say]');
      await page.waitForFunction(() => (window as unknown as { __spoken: Spoken[] }).__spoken.length === 1);
      expect(await spoken(page)).toEqual([{ text: sayText, lang: 'nl' }]);

      // Explain: the simpler words appear, and are read aloud.
      const simple = q.items[0]!.simple['nl']!;
      expect(await isVisible(page, '[data-screen="1"] details.explain .simple')).toBe(false);
      await page.click('[data-screen="1"] details.explain summary');
      await page.waitForFunction(() => (window as unknown as { __spoken: Spoken[] }).__spoken.length === 2);
      expect(await isVisible(page, '[data-screen="1"] details.explain .simple')).toBe(true);
      expect(await page.$eval('[data-screen="1"] details.explain .simple', (el) => (el as HTMLElement).innerText)).toBe(simple);
      expect((await spoken(page))[1]).toEqual({ text: simple, lang: 'nl' });

      const pattern = (i: number) => 1 + (i % 5);
      const expected: Record<string, number> = {};
      for (const [i, item] of q.items.entries()) {
        const n = i + 1;
        expect(await visibleScreens(page)).toEqual([String(n)]);
        expect(await page.$eval(`[data-screen="${n}"] [data-next]`, (el) => el.textContent)).toBe('Overslaan');
        await page.click(`[data-screen="${n}"] input[name="a:${item.id}"][value="${pattern(i)}"]`);
        expect(await page.$eval(`[data-screen="${n}"] [data-next]`, (el) => el.textContent)).toBe('Volgende');
        expected[item.id] = pattern(i);
        if (n === 4) {
          // Back to question 3: its answer is still there, and can be changed.
          await page.click('[data-screen="4"] [data-back]');
          expect(await visibleScreens(page)).toEqual(['3']);
          const third = q.items[2]!.id;
          expect(await checkedValue(page, third)).toEqual([String(pattern(2))]);
          await page.click(`[data-screen="3"] input[name="a:${third}"][value="5"]`);
          expected[third] = 5;
          expect(await checkedValue(page, third)).toEqual(['5']);
          await page.click('[data-screen="3"] [data-next]');
          expect(await visibleScreens(page)).toEqual(['4']);
          expect(await checkedValue(page, item.id)).toEqual([String(pattern(i))]);
        }
        await page.click(`[data-screen="${n}"] [data-next]`);
      }
      expect(expected[q.items[2]!.id]).not.toBe(pattern(2));

      // The open questions: the first gets an answer, the second is skipped.
      expect(q.openQuestions.map((o) => o.id)).toEqual(['good', 'change']);
      const goodText = 'De leiding is aardig en we koken samen.';
      let n = q.items.length + 1;
      expect(await visibleScreens(page)).toEqual([String(n)]);
      await page.type(`[data-screen="${n}"] textarea[name="o:good"]`, goodText);
      await page.click(`[data-screen="${n}"] [data-next]`);
      n += 1;
      expect(await visibleScreens(page)).toEqual([String(n)]);
      expect(await page.$eval(`[data-screen="${n}"] [data-next]`, (el) => el.textContent)).toBe('Overslaan');
      await page.click(`[data-screen="${n}"] [data-next]`);

      expect(await visibleScreens(page)).toEqual(['review']);
      expect(await page.$eval('[data-review-count]', (el) => el.textContent)).toBe(`Je hebt ${q.items.length + 1} van de ${q.items.length + 2} vragen beantwoord.`);
      expect(await countAll(ctx.db, 'response')).toBe(0);
      await clickAndWait(page, '[data-send]');
      expect(path(page)).toBe('/survey/thanks');

      const stored = await responsesOf(ctx.db, org.roundId, groupId);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.questionnaire_id).toBe('lk-jeugd');
      expect(stored[0]!.questionnaire_version).toBe(1);
      expect(stored[0]!.answers).toEqual(expected);
      expect(await openAnswersOf(ctx.db, org.roundId, groupId)).toEqual([{ question_id: 'good', text: goodText }]);
      // Nothing else anywhere.
      expect(await countAll(ctx.db, 'response')).toBe(1);
      expect(await countAll(ctx.db, 'response_answer')).toBe(q.items.length);
      expect(await countAll(ctx.db, 'open_answer')).toBe(1);

      // Back from the closing screen: the start screen for the next young person, no answers anywhere.
      await page.goBack();
      expect(path(page)).toBe('/survey');
      await page.waitForFunction(() => document.readyState === 'complete' && document.querySelector('[data-page="start"]') !== null);
      expect(await page.$$eval('input[type=radio]:checked', (els) => els.length)).toBe(0);
      expect(await page.$$eval('textarea', (els) => els.length)).toBe(0);
      expect(await page.evaluate(() => localStorage.length === 0 && sessionStorage.length === 0)).toBe(true);
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'a personal code in English on the children’s smiley questionnaire: faces turn round on unfavourable items; the code works once',
    async () => {
      const q = ctx.questionnaires.get('lk-kind', 1)!;
      expect(q.responseScale.points.map((p) => p.value)).toEqual([1, 2, 3]);
      const groupId = await addGroup(ctx.db, org, 'lk-kind', 'Kindergroep');
      const [code, unused] = await issueCodes(ctx.db, ctx.secret, org.roundId, groupId, 2);
      const before = await countAll(ctx.db, 'response');
      const context = await fresh();
      const page = await tabletPage(context);
      const problems = watchErrors(page);
      await spyOnSpeech(page);

      await page.goto(`${base}/code?lang=en`);
      expect(await page.$eval('html', (el) => el.lang)).toBe('en');
      // As a child might type it: lower case, a space for the dash.
      const typed = code!.toLowerCase().replace('-', ' ');
      expect(typed).not.toBe(code);
      await page.type('#code', typed);
      await clickAndWait(page, '.code-form button[type="submit"]');
      expect(path(page)).toBe('/survey');
      // The chosen language is not in the address (the history keeps addresses), yet the page has it.
      expect(new URL(page.url()).searchParams.get('lang')).toBeNull();
      expect(await page.$eval('html', (el) => el.lang)).toBe('en');
      expect(await page.$('[data-page="start"]')).not.toBeNull();
      expect(await page.$('[data-page="start"][data-tablet]')).toBeNull();
      expect(await page.$eval('a.big-button', (el) => el.textContent)).toBe('Start');

      await clickAndWait(page, 'a.big-button');
      expect(path(page)).toBe('/survey/questions');
      expect(await page.$eval('html', (el) => el.lang)).toBe('en');
      expect(await visibleScreens(page)).toEqual(['1']);
      expect(await page.$$eval('[data-screen="1"] .options-faces svg.face', (els) => els.length)).toBe(3);

      // Read aloud in English.
      const sayText = await page.$eval('[data-screen="1"] button[data-say]', (el) => el.getAttribute('data-say'));
      expect(sayText).toContain(q.items[0]!.text['en']);
      await page.click('[data-screen="1"] button[data-say]');
      await page.waitForFunction(() => (window as unknown as { __spoken: Spoken[] }).__spoken.length === 1);
      expect(await spoken(page)).toEqual([{ text: sayText, lang: 'en' }]);
      await page.click('[data-screen="1"] details.explain summary');
      await page.waitForFunction(() => (window as unknown as { __spoken: Spoken[] }).__spoken.length === 2);
      expect((await spoken(page))[1]).toEqual({ text: q.items[0]!.simple['en'], lang: 'en' });

      // The faces: in scale order on a favourable item, turned round on a repression item.
      const faces = (itemId: string) =>
        page.$$eval(`input[name="a:${itemId}"]`, (inputs) =>
          inputs.map((i) => i.closest('label')!.querySelector('svg.face use')!.getAttribute('href')),
        );
      const positive = q.items.find((i) => q.scales.find((s) => s.id === i.scale)!.higherIsBetter && !i.reverse)!;
      const repression = q.items.find((i) => i.scale === 'repression' && !i.reverse)!;
      expect(await faces(positive.id)).toEqual(facesFor(q, positive.id).map((s) => `#face-${s}`));
      expect(await faces(repression.id)).toEqual(facesFor(q, repression.id).map((s) => `#face-${s}`));
      expect(await faces(positive.id)).toEqual(['#face-sad', '#face-neutral', '#face-happy']);
      expect(await faces(repression.id)).toEqual(['#face-happy', '#face-neutral', '#face-sad']);
      // The words stay in scale order ("No" is always 1); only the faces turn.
      expect(await page.$$eval(`input[name="a:${repression.id}"]`, (els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['1', '2', '3']);

      const expected: Record<string, number> = {};
      for (const [i, item] of q.items.entries()) {
        const value = 1 + (i % 3);
        expect(await visibleScreens(page)).toEqual([String(i + 1)]);
        await page.click(`[data-screen="${i + 1}"] input[name="a:${item.id}"][value="${value}"]`);
        expected[item.id] = value;
        await page.click(`[data-screen="${i + 1}"] [data-next]`);
      }
      await nextUntilReview(page);
      expect(await page.$eval('[data-review-count]', (el) => el.textContent)).toBe(`You answered ${q.items.length} of the ${q.items.length + q.openQuestions.length} questions.`);
      await clickAndWait(page, '[data-send]');
      expect(path(page)).toBe('/survey/thanks');
      // The chosen language is not in the address (the history keeps addresses), yet the page has it.
      expect(new URL(page.url()).searchParams.get('lang')).toBeNull();
      expect(await page.$eval('html', (el) => el.lang)).toBe('en');

      const stored = await responsesOf(ctx.db, org.roundId, groupId);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.questionnaire_id).toBe('lk-kind');
      expect(stored[0]!.answers).toEqual(expected);
      expect(await openAnswersOf(ctx.db, org.roundId, groupId)).toEqual([]);
      expect(await countAll(ctx.db, 'response')).toBe(before + 1);
      const usedOf = async (c: string) =>
        (await ctx.db.selectFrom('access_code').select('used').where('code_hash', '=', hashCode(ctx.secret, c)).executeTakeFirstOrThrow()).used;
      expect(await usedOf(code!)).toBe(1);
      expect(await usedOf(unused!)).toBe(0);

      // The same code again: refused, nothing stored, no way into the questions.
      await page.goto(`${base}/code?lang=en`);
      await page.type('#code', code!);
      const again = await clickAndWait(page, '.code-form button[type="submit"]');
      expect(again?.status()).toBe(409);
      expect(path(page)).toBe('/code');
      expect(await page.$eval('#code-error', (el) => el.textContent)).toContain('This code has already been used');
      await page.goto(`${base}/survey?lang=en`);
      expect(path(page)).toBe('/code');
      expect(await countAll(ctx.db, 'response')).toBe(before + 1);
      expect(await responsesOf(ctx.db, org.roundId, groupId)).toHaveLength(1);
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'a lost connection while sending: the failure is told, a retry stores the response exactly once',
    async () => {
      const q = ctx.questionnaires.get('lk-jeugd', 1)!;
      const groupId = await addGroup(ctx.db, org, 'lk-jeugd', 'Netwerkgroep');
      const context = await fresh(await tabletContext(browser, ctx.db, org, groupId));
      const page = await tabletPage(context);
      const problems = watchErrors(page);

      const posts: string[] = [];
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/survey/submit') {
          posts.push(request.postData() ?? '');
          if (posts.length === 1) return void request.abort('internetdisconnected');
        }
        void request.continue();
      });

      await page.goto(`${base}/survey/questions`);
      expect(await visibleScreens(page)).toEqual(['1']);
      const expected: Record<string, number> = {};
      for (const [i, item] of q.items.slice(0, 3).entries()) {
        await page.click(`[data-screen="${i + 1}"] input[name="a:${item.id}"][value="${i + 2}"]`);
        expected[item.id] = i + 2;
        await page.click(`[data-screen="${i + 1}"] [data-next]`);
      }
      await nextUntilReview(page);
      expect(await isVisible(page, '[data-retry]')).toBe(false);
      await page.click('[data-send]');

      await page.waitForFunction(() => (document.querySelector('[data-status]')?.textContent ?? '').includes('lukt nu niet'), { timeout: 10_000 });
      expect(await isVisible(page, '[data-retry]')).toBe(true);
      expect(await page.$eval('[data-status]', (el) => el.classList.contains('failed'))).toBe(true);
      expect(path(page)).toBe('/survey/questions');
      expect(posts).toHaveLength(1);
      expect(await responsesOf(ctx.db, org.roundId, groupId)).toEqual([]);

      await clickAndWait(page, '[data-retry]');
      expect(path(page)).toBe('/survey/thanks');
      // The retry sent the same answers with the same submission id.
      expect(posts).toHaveLength(2);
      expect(JSON.parse(posts[1]!)).toEqual(JSON.parse(posts[0]!));
      const stored = await responsesOf(ctx.db, org.roundId, groupId);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.answers).toEqual(expected);
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'answers that arrived but whose reply was lost: the retry is recognised, one response, the code used once',
    async () => {
      const q = ctx.questionnaires.get('lk-jeugd', 1)!;
      const groupId = await addGroup(ctx.db, org, 'lk-jeugd', 'Antwoord kwijt');
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, groupId, 1);
      const context = await fresh();
      const page = await tabletPage(context);
      const problems = watchErrors(page);

      // The first send reaches the server (sent from here, with the browser's cookies), but the
      // browser never hears back: as when the Wi-Fi drops just after the answers went out.
      const posts: string[] = [];
      const forwarded: number[] = [];
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        void (async () => {
          if (request.method() === 'POST' && new URL(request.url()).pathname === '/survey/submit') {
            posts.push(request.postData() ?? '');
            if (posts.length === 1) {
              const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
              const res = await fetch(request.url(), { method: 'POST', headers: { ...request.headers(), cookie }, body: request.postData() });
              forwarded.push(res.status);
              return request.abort('connectionreset');
            }
          }
          return request.continue();
        })();
      });

      await page.goto(`${base}/code`);
      await page.type('#code', code!);
      await clickAndWait(page, '.code-form button[type="submit"]');
      await clickAndWait(page, 'a.big-button');
      expect(path(page)).toBe('/survey/questions');
      const expected = { [q.items[0]!.id]: 3, [q.items[1]!.id]: 1 };
      await page.click(`[data-screen="1"] input[name="a:${q.items[0]!.id}"][value="3"]`);
      await page.click('[data-screen="1"] [data-next]');
      await page.click(`[data-screen="2"] input[name="a:${q.items[1]!.id}"][value="1"]`);
      await nextUntilReview(page);
      await page.click('[data-send]');

      await page.waitForFunction(() => (document.querySelector('[data-status]')?.textContent ?? '').includes('lukt nu niet'), { timeout: 10_000 });
      expect(forwarded).toEqual([200]);
      expect(await responsesOf(ctx.db, org.roundId, groupId)).toHaveLength(1);

      await clickAndWait(page, '[data-retry]');
      expect(path(page)).toBe('/survey/thanks');
      expect(posts).toHaveLength(2);
      expect(JSON.parse(posts[1]!)).toEqual(JSON.parse(posts[0]!));
      const stored = await responsesOf(ctx.db, org.roundId, groupId);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.answers).toEqual(expected);
      const row = await ctx.db.selectFrom('access_code').select('used').where('code_hash', '=', hashCode(ctx.secret, code!)).executeTakeFirstOrThrow();
      expect(row.used).toBe(1);
      expect(problems).toEqual([]);
    },
    TEST_MS,
  );

  it(
    'without JavaScript: every screen on one page, a form post stores one response',
    async () => {
      const q = ctx.questionnaires.get('lk-jeugd', 1)!;
      const groupId = await addGroup(ctx.db, org, 'lk-jeugd', 'Zonder script');
      const context = await fresh(await tabletContext(browser, ctx.db, org, groupId));
      const page = await tabletPage(context);
      await page.setJavaScriptEnabled(false);

      await page.goto(`${base}/survey/questions`);
      expect(await page.$eval('html', (el) => el.className)).toBe('no-js');
      const all = [...q.items.map((_, i) => String(i + 1)), ...q.openQuestions.map((_, i) => String(q.items.length + i + 1)), 'review'];
      expect(await visibleScreens(page)).toEqual(all);
      expect(await isVisible(page, '.no-js-only')).toBe(true);
      expect(await isVisible(page, '[data-screen="1"] [data-next]')).toBe(false);
      expect(await isVisible(page, '[data-idle]')).toBe(false);

      const chosen: Record<string, number> = { [q.items[0]!.id]: 2, [q.items[9]!.id]: 5, [q.items[31]!.id]: 1 };
      for (const [itemId, value] of Object.entries(chosen)) await page.click(`input[name="a:${itemId}"][value="${value}"]`);
      const changeText = 'Meer tijd om buiten te spelen.';
      await page.type('textarea[name="o:change"]', changeText);
      await clickAndWait(page, '[data-send]');
      expect(path(page)).toBe('/survey/thanks');

      const stored = await responsesOf(ctx.db, org.roundId, groupId);
      expect(stored).toHaveLength(1);
      expect(stored[0]!.answers).toEqual(chosen);
      expect(await openAnswersOf(ctx.db, org.roundId, groupId)).toEqual([{ question_id: 'change', text: changeText }]);
    },
    TEST_MS,
  );
});

describe('the tablet’s idle timer in Chromium', () => {
  let ctx: TestApp;
  let served: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser;
  let base: string;
  let org: Org;

  beforeAll(async () => {
    ctx = await createTestApp({}, { survey: { idleWarnMs: 400, idleDiscardMs: 400, thanksReturnMs: 400 } });
    served = await serve(ctx.app);
    base = served.base;
    org = await buildInstitution(ctx.db);
    browser = await launchChromium();
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await ctx?.cleanup();
  });

  it(
    'asks "are you still there?", continue keeps the answer, and left alone the answers are discarded',
    async () => {
      const q = ctx.questionnaires.get('lk-jeugd', 1)!;
      const groupId = org.groups[1]!;
      const context = await tabletContext(browser, ctx.db, org, groupId);
      try {
        const page = await tabletPage(context);
        const problems = watchErrors(page);
        await page.goto(`${base}/survey/questions`);
        const item = q.items[0]!.id;
        await page.click(`[data-screen="1"] input[name="a:${item}"][value="4"]`);
        expect(await checkedValue(page, item)).toEqual(['4']);
        expect(await isVisible(page, '[data-idle]')).toBe(false);

        // Left alone: the question comes.
        await page.waitForSelector('[data-idle]', { visible: true, timeout: 5_000 });
        expect(await page.$eval('#idle-title', (el) => el.textContent)).toBe('Ben je er nog?');
        expect(path(page)).toBe('/survey/questions');

        // "Yes, I want to go on": the question goes away, the answer stays.
        const discarded = page.waitForNavigation({ timeout: 15_000 });
        await page.click('[data-idle-continue]');
        expect(await page.evaluate(() => (document.querySelector('[data-idle]') as HTMLElement).hidden)).toBe(true);
        expect(await checkedValue(page, item)).toEqual(['4']);

        // Left alone again: asked again, then back to the start screen with nothing kept.
        await page.waitForSelector('[data-idle]', { visible: true, timeout: 5_000 });
        await discarded;
        expect(path(page)).toBe('/survey');
        expect(await page.$('[data-page="start"][data-tablet]')).not.toBeNull();
        expect(await page.$$eval('input[type=radio]:checked', (els) => els.length)).toBe(0);
        expect(await responsesOf(ctx.db, org.roundId, groupId)).toEqual([]);
        expect(await countAll(ctx.db, 'response')).toBe(0);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
    TEST_MS,
  );
});
