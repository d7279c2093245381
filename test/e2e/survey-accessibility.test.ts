import type { Browser, BrowserContext, HTTPResponse, Page } from 'puppeteer';
import { hashCode } from '../../src/access-codes/access-code';
import { AttemptLimiter } from '../../src/auth/login-limiter';
import { launchChromium } from '../../src/browser/chromium';
import type { Language } from '../../src/config';
import { t } from '../../src/i18n/messages';
import { insertGroup, replaceHelpResources } from '../../src/organisation/organisation.repository';
import { insertRoundGroups, setRoundStatus } from '../../src/rounds/round.repository';
import { TABLET_COOKIE } from '../../src/survey/survey.service';
import { randomId } from '../../src/system';
import { createTestApp } from '../support/app';
import { describeViolations, runAxe } from '../support/axe';
import { fixedClock } from '../support/db';
import { serve } from '../support/server';
import { buildInstitution } from '../support/staff';
import { issueCodes, tabletCookie } from '../support/survey';

/**
 * Issue 4, "axe-core reports no violations on every survey screen (start, question, explain open,
 * closing, errors)" and "large touch targets (≥ 48 px)": the young people's pages in Chromium at a
 * tablet's size, with the real stylesheet and script, checked by axe-core against WCAG 2.1 A/AA
 * and axe's best practices — each screen in Dutch and in English, one test per screen and
 * language, so a failure names the screen and, for each violation, the rule, its impact and the
 * elements to fix.
 *
 * The data: an institution whose open round has two lk-jeugd groups and one lk-kind group (the
 * smiley scale), with help resources for the closing screens; and a second institution whose
 * round is closed. The tablet's idle warning comes after 300 ms, so the "are you still there?"
 * dialog can be checked; for that reason the question screens are opened with a one-time code
 * (no idle timer), and the answers that lead to the closing screens are sent by a tablet without
 * its script (the plain form), where no idle dialog can get in the way of the clicks.
 */

const TABLET = { width: 800, height: 1280 };
const LANGS: Language[] = ['nl', 'en'];
/** The smallest touch target the survey promises (issue 4; survey.css). */
const MIN_TARGET = 48;

const VISIBLE_SCREEN = 'section.screen:not([hidden])';

interface World {
  base: string;
  /** Tablet cookies (values) for the first lk-jeugd group and for the lk-kind group; for the closed round's group. */
  tablet: { jeugd: string; kind: string; closed: string };
  /** One-time codes that are never used up here (typing one only starts the survey). */
  code: { jeugd: string; kind: string };
  /** A code already used for a stored response. */
  usedCode: string;
}

interface ScreenCase {
  readonly name: string;
  /** Brings the fresh page to the screen to check; may check what it expects there. */
  readonly open: (page: Page, lang: Language, world: World) => Promise<void>;
}

/** A path with `?lang=en` in English; in Dutch as a young person first arrives, without. */
function at(world: World, path: string, lang: Language): string {
  const url = new URL(path, world.base);
  if (lang === 'en') url.searchParams.set('lang', 'en');
  return url.href;
}

async function asTablet(page: Page, value: string): Promise<void> {
  await page.setCookie({ name: TABLET_COOKIE, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' });
}

/** Clicks what sends the page away (a form's button, a link) and waits for the page that follows. */
async function follow(page: Page, selector: string): Promise<HTTPResponse | null> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  return response;
}

async function go(page: Page, url: string): Promise<HTTPResponse | null> {
  return page.goto(url, { waitUntil: 'load' });
}

/** Types a one-time code on the code page; returns the answer to the form. */
async function typeCode(page: Page, world: World, lang: Language, code: string): Promise<HTTPResponse | null> {
  await go(page, at(world, '/code', lang));
  await page.type('#code', code);
  return follow(page, '.code-form button[type="submit"]');
}

/** With a one-time code: the code page, the start screen, then the first question screen. */
async function firstQuestion(page: Page, world: World, lang: Language, code: string): Promise<void> {
  const entered = await typeCode(page, world, lang, code);
  expect(new URL(page.url()).pathname).toBe('/survey');
  expect(entered?.status()).toBe(200);
  await follow(page, 'a.big-button[href^="/survey/questions"]');
  await page.waitForSelector(`${VISIBLE_SCREEN}[data-screen="1"]`, { visible: true });
}

/** Answers the question on the screen shown with its first option. */
async function answerShown(page: Page): Promise<void> {
  await page.click(`${VISIBLE_SCREEN} label.option`);
  expect(await page.$(`${VISIBLE_SCREEN} input[type="radio"]:checked`)).not.toBeNull();
}

/** Presses "next" (or "skip") on the screen shown until `selector` matches something. */
async function nextUntil(page: Page, selector: string): Promise<void> {
  for (let step = 0; step < 200; step++) {
    if (await page.$(selector)) return;
    await page.click(`${VISIBLE_SCREEN} [data-next]`);
  }
  throw new Error(`no screen with ${selector}`);
}

/**
 * A tablet sends answers to its group's open round the way a tablet without its script does (the
 * plain form: one long page, a submit button), so no idle dialog can cover the buttons; the page
 * the server answers with loads with its script, as on a tablet. `answer` false: nothing answered.
 */
async function sendAsTablet(page: Page, world: World, lang: Language, answer: boolean): Promise<HTTPResponse | null> {
  await asTablet(page, world.tablet.jeugd);
  await page.setJavaScriptEnabled(false);
  await go(page, at(world, '/survey/questions', lang));
  if (answer) await page.click('section.screen[data-screen="1"] label.option');
  await page.setJavaScriptEnabled(true);
  return follow(page, '[data-send]');
}

/** The start screen of a group's tablet. */
async function startScreen(page: Page, lang: Language, world: World): Promise<void> {
  await asTablet(page, world.tablet.jeugd);
  await go(page, at(world, '/survey', lang));
  expect(await page.$eval('h1', (el) => el.textContent)).toBe(t(lang, 's.title'));
  expect(await page.$('.staff-corner a')).not.toBeNull();
}

/** The closing screen after a real submission from a tablet. */
async function closingScreen(page: Page, lang: Language, world: World): Promise<void> {
  const response = await sendAsTablet(page, world, lang, true);
  expect(response?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/survey/thanks');
  expect(await page.$eval('h1', (el) => el.textContent)).toBe(t(lang, 's.thanks-title'));
  expect(await page.$$('.help-list li')).toHaveLength(2);
}

const cases: ScreenCase[] = [
  {
    name: 'code entry',
    open: async (page, lang, world) => {
      await go(page, at(world, '/code', lang));
      expect(await page.$('#code')).not.toBeNull();
    },
  },
  {
    name: 'code entry with a wrong code',
    open: async (page, lang, world) => {
      const response = await typeCode(page, world, lang, 'ZZZZ-ZZZZ');
      expect(response?.status()).toBe(400);
      expect(await page.$eval('#code-error', (el) => el.textContent)).toBe(t(lang, 's.code-unknown'));
      expect(await page.$('#code[aria-invalid="true"]')).not.toBeNull();
    },
  },
  {
    name: 'code entry with a code already used',
    open: async (page, lang, world) => {
      const response = await typeCode(page, world, lang, world.usedCode);
      expect(response?.status()).toBe(409);
      expect(await page.$eval('#code-error', (el) => el.textContent)).toBe(t(lang, 's.code-used'));
    },
  },
  { name: 'start screen (tablet)', open: startScreen },
  {
    name: 'first question (lk-jeugd)',
    open: async (page, lang, world) => {
      await firstQuestion(page, world, lang, world.code.jeugd);
      expect(await page.$$(`${VISIBLE_SCREEN} label.option`)).toHaveLength(5);
    },
  },
  {
    name: 'first question with smileys (lk-kind)',
    open: async (page, lang, world) => {
      await firstQuestion(page, world, lang, world.code.kind);
      expect(await page.$$(`${VISIBLE_SCREEN} .options-faces label.option svg.face`)).toHaveLength(3);
    },
  },
  {
    name: 'question with its explanation opened',
    open: async (page, lang, world) => {
      await firstQuestion(page, world, lang, world.code.jeugd);
      await answerShown(page);
      await page.click(`${VISIBLE_SCREEN} details.explain summary`);
      await page.waitForSelector(`${VISIBLE_SCREEN} details.explain[open] .simple`, { visible: true });
    },
  },
  {
    name: 'open question',
    open: async (page, lang, world) => {
      await firstQuestion(page, world, lang, world.code.jeugd);
      await answerShown(page);
      await nextUntil(page, `${VISIBLE_SCREEN} textarea`);
      await page.type(`${VISIBLE_SCREEN} textarea`, lang === 'en' ? 'The food.' : 'Het eten.');
    },
  },
  {
    name: 'review screen',
    open: async (page, lang, world) => {
      await firstQuestion(page, world, lang, world.code.jeugd);
      await answerShown(page);
      await nextUntil(page, 'section.review:not([hidden])');
      expect(await page.$eval('section.review', (el) => (el as HTMLElement).hidden)).toBe(false);
      expect(await page.$eval('[data-review-count]', (el) => el.textContent)).toMatch(/1/);
    },
  },
  {
    name: 'sending failed',
    open: async (page, lang, world) => {
      await firstQuestion(page, world, lang, world.code.jeugd);
      await answerShown(page);
      await nextUntil(page, 'section.review:not([hidden])');
      // The network fails: every POST of the answers is aborted.
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/survey/submit') void request.abort('internetdisconnected');
        else void request.continue();
      });
      await page.click('[data-send]');
      await page.waitForSelector('[data-retry]', { visible: true });
      // Holds the page in this state: the script's timer would try again after two seconds and
      // show "sending…" for a moment (no other timer runs on a page opened with a code).
      await page.evaluate(() => {
        const last = window.setTimeout(() => undefined, 0);
        for (let id = 0; id <= last; id++) window.clearTimeout(id);
      });
      expect(await page.$eval('[data-status]', (el) => [el.textContent, el.classList.contains('failed')])).toEqual([t(lang, 's.send-failed'), true]);
    },
  },
  {
    name: 'idle dialog (tablet)',
    open: async (page, lang, world) => {
      await asTablet(page, world.tablet.jeugd);
      await go(page, at(world, '/survey/questions', lang));
      // No touch for longer than the 300 ms idle warning.
      await page.waitForSelector('[data-idle]', { visible: true, timeout: 5_000 });
      expect(await page.$eval('#idle-title', (el) => el.textContent)).toBe(t(lang, 's.idle-title'));
      expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-idle-continue'))).toBe(true);
    },
  },
  { name: 'closing screen after sending (tablet)', open: closingScreen },
  {
    name: 'talk requested (tablet)',
    open: async (page, lang, world) => {
      await closingScreen(page, lang, world);
      const response = await follow(page, '.talk button[type="submit"]');
      expect(response?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/survey/talk');
      expect(await page.$eval('h1', (el) => el.textContent)).toBe(t(lang, 's.talk-sent-title'));
    },
  },
  {
    name: 'round closed (tablet)',
    open: async (page, lang, world) => {
      await asTablet(page, world.tablet.closed);
      await go(page, at(world, '/survey', lang));
      expect(await page.$eval('h1', (el) => el.textContent)).toBe(t(lang, 's.closed-title'));
    },
  },
  {
    name: 'error page: answers sent with nothing answered (400)',
    open: async (page, lang, world) => {
      const response = await sendAsTablet(page, world, lang, false);
      expect(response?.status()).toBe(400);
      expect(await page.$eval('h1', (el) => el.textContent)).toBe(t(lang, 's.error-heading'));
      expect(await page.$('.problems li')).not.toBeNull();
    },
  },
  {
    name: 'questions after the round closed: the closed page, not an error',
    open: async (page, lang, world) => {
      await asTablet(page, world.tablet.closed);
      const response = await go(page, at(world, '/survey/questions', lang));
      expect(response?.status()).toBe(200);
      expect(await page.$eval('h1', (el) => el.textContent)).toBe(t(lang, 's.closed-title'));
    },
  },
  {
    name: 'tablet leave',
    open: async (page, lang, world) => {
      await asTablet(page, world.tablet.kind);
      await go(page, at(world, '/tablet/leave', lang));
      expect(await page.$eval('h1', (el) => el.textContent)).toBe(t(lang, 's.leave-title'));
    },
  },
  {
    name: 'tablet leave with a wrong PIN',
    open: async (page, lang, world) => {
      await asTablet(page, world.tablet.kind);
      await go(page, at(world, '/tablet/leave', lang));
      await page.type('#pin', '0000');
      const response = await follow(page, 'form:has(#pin) button[type="submit"]');
      expect(response?.status()).toBe(401);
      expect(await page.$eval('#pin-error', (el) => el.textContent)).toBe(t(lang, 's.pin-wrong'));
    },
  },
];

/** Every visible element a finger can press that is smaller than the minimum target, as "w×h <html…>". */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate((min) => {
    const selector = 'a, button, summary, label.option, input:not([type=hidden]):not([type=radio]), textarea';
    return Array.from(document.querySelectorAll<HTMLElement>(selector))
      .filter((el) => el.checkVisibility({ visibilityProperty: true }))
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width < min || box.height < min)
      .map(({ el, box }) => `${Math.round(box.width)}×${Math.round(box.height)} ${el.outerHTML.replace(/\s+/g, ' ').slice(0, 200)}`);
  }, MIN_TARGET);
}

describe('survey screens have no axe-core violations in Chromium, on a tablet', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let served: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser;
  let world: World;

  beforeAll(async () => {
    ctx = await createTestApp(
      {},
      {
        survey: { idleWarnMs: 300, idleDiscardMs: 60_000, thanksReturnMs: 600_000 },
        // Wrong codes and PINs are typed on purpose here, all from 127.0.0.1: never slowed down.
        limiter: new AttemptLimiter(fixedClock('2026-11-22T10:00:00.000Z'), { freeAttempts: 1000, windowMs: 60_000, baseDelayMs: 1, maxDelayMs: 1 }),
      },
    );
    const inst = await buildInstitution(ctx.db);
    const kindGroup = randomId();
    await insertGroup(ctx.db, { id: kindGroup, location_id: inst.locations[0]!, name: 'De Kleine Beer', places: 8, questionnaire_id: 'lk-kind', active: 1 });
    await insertRoundGroups(ctx.db, [{ round_id: inst.roundId, group_id: kindGroup, questionnaire_id: 'lk-kind', questionnaire_version: 1 }]);
    await replaceHelpResources(ctx.db, inst.institutionId, [
      { id: randomId(), institution_id: inst.institutionId, position: 1, name: 'Kindertelefoon', contact: '0800-0432', text_nl: 'Gratis en anoniem bellen of chatten.', text_en: 'Call or chat, free and anonymous.' },
      { id: randomId(), institution_id: inst.institutionId, position: 2, name: 'Vertrouwenspersoon', contact: '088-555 12 34', text_nl: 'Praat met iemand die niet bij de groep werkt.', text_en: 'Talk to someone who does not work in the group.' },
    ]);
    const [jeugdCode, usedCode] = await issueCodes(ctx.db, ctx.secret, inst.roundId, inst.groups[0]!, 2);
    const [kindCode] = await issueCodes(ctx.db, ctx.secret, inst.roundId, kindGroup, 1);
    await ctx.db.updateTable('access_code').set({ used: 1 }).where('code_hash', '=', hashCode(ctx.secret, usedCode!)).execute();

    const closed = await buildInstitution(ctx.db, { name: 'Stichting Dicht' });
    expect(await setRoundStatus(ctx.db, closed.roundId, 'open', 'closed')).toBe(true);

    const value = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);
    served = await serve(ctx.app);
    world = {
      base: served.base,
      tablet: {
        jeugd: value(await tabletCookie(ctx.db, inst.roundId, inst.groups[0]!, inst.users.group_leader.id)),
        kind: value(await tabletCookie(ctx.db, inst.roundId, kindGroup, inst.users.manager.id)),
        closed: value(await tabletCookie(ctx.db, closed.roundId, closed.groups[0]!, closed.users.group_leader.id)),
      },
      code: { jeugd: jeugdCode!, kind: kindCode! },
      usedCode: usedCode!,
    };
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await ctx?.cleanup();
  });

  /** A fresh incognito context per check: no cookie (tablet, code, language) carries over. */
  async function withPage(run: (page: Page) => Promise<void>): Promise<void> {
    const context: BrowserContext = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      await page.setViewport(TABLET);
      // axe is injected from outside the app, which the strict CSP would refuse (see staff-accessibility).
      await page.setBypassCSP(true);
      const crashes: string[] = [];
      page.on('pageerror', (error) => crashes.push(String(error)));
      await run(page);
      expect(crashes).toEqual([]);
    } finally {
      await context.close();
    }
  }

  it.each(cases.flatMap((c) => LANGS.map((lang) => [`${c.name}${lang === 'en' ? ' in English' : ''}`, c, lang] as const)))(
    '%s',
    async (_label, c, lang) => {
      await withPage(async (page) => {
        await c.open(page, lang, world);
        expect(await page.$eval('html', (el) => el.lang)).toBe(lang);
        const results = await runAxe(page);
        expect(describeViolations(results.violations)).toBe('');
        // axe checked something real: the rules ran and found elements that pass.
        expect(results.passes.length).toBeGreaterThan(10);
      });
    },
    60_000,
  );

  it(`every visible touch target is at least ${MIN_TARGET}×${MIN_TARGET} px (questions, start, review and closing screens)`, async () => {
    const screens: { name: string; open: (page: Page, lang: Language) => Promise<void> }[] = [
      { name: 'start screen (tablet)', open: (page, lang) => startScreen(page, lang, world) },
      { name: 'first question (lk-jeugd)', open: (page, lang) => firstQuestion(page, world, lang, world.code.jeugd) },
      { name: 'first question with smileys (lk-kind)', open: (page, lang) => firstQuestion(page, world, lang, world.code.kind) },
      {
        name: 'review screen',
        open: async (page, lang) => {
          await firstQuestion(page, world, lang, world.code.jeugd);
          await answerShown(page);
          await nextUntil(page, 'section.review:not([hidden])');
        },
      },
      { name: 'closing screen (tablet)', open: (page, lang) => closingScreen(page, lang, world) },
    ];
    const offenders: string[] = [];
    for (const screen of screens) {
      for (const lang of LANGS) {
        await withPage(async (page) => {
          await screen.open(page, lang);
          const small = await smallTargets(page);
          offenders.push(...small.map((s) => `${screen.name} (${lang}): ${s}`));
          // The check saw the screen's buttons: something was measured.
          expect(await page.$$eval('a, button, label.option', (els) => els.length)).toBeGreaterThan(0);
        });
      }
    }
    expect(offenders).toEqual([]);
  }, 120_000);
});
