/**
 * `npm run bench:survey`: what a tablet downloads for the survey, on the real server
 * (`src/main.ts` as its own process, on a seeded database in a temporary folder), in headless
 * Chromium at a tablet's size (800×1280):
 *   - the first survey screen, `/survey` (tablet mode: the start page with the group's name);
 *   - a question screen, `/survey/questions?lang=nl` (the first question shown; the whole
 *     questionnaire is one document by design, so this is the cost of every question screen).
 * Each is loaded cold: a fresh incognito browser context (empty cache) with only the tablet's
 * cookie, until the network has been idle for 500 ms. For information, the question screen is
 * also loaded warm: after the first screen in the same context, as a young person gets there.
 *
 * Measured with the DevTools protocol on the page: bytes over the wire = the sum of every
 * request's `encodedDataLength` at `Network.loadingFinished` (compressed bodies, response headers
 * included, redirects included), requests (`Network.requestWillBeSent`, `data:` URLs apart), and
 * requests to any host other than the server's. Also the document's size uncompressed. The
 * server gzips (the `compression` middleware).
 *
 * Budget (the issue): ≤ 50 KB per screen — taken strictly here as 50,000 bytes — and 0 requests
 * to other hosts. The process exits non-zero when a page did not render as expected or a request
 * failed (not when a budget is missed: the figures say that).
 *
 * Each cold load is made twice: with the Accept-Encoding Chromium sends here (br, zstd, gzip: a
 * loopback server counts as secure) and with gzip only (what Chromium offers a plain-http server
 * elsewhere on the network).
 *
 * The LAST line of stdout is one JSON object (cold loads, the median over the repetitions, per
 * screen the larger of the two encodings; external requests: the most in any load):
 *   {"first_screen_bytes": …, "question_screen_bytes": …, "external_requests": …}
 *
 * Knobs (environment, all optional): BENCH_DIR (default os.tmpdir()), BENCH_REPEAT (3 cold loads
 * of each screen), BENCH_SERVER=dist (run `dist/src/main.js`; build first), CHROMIUM_PATH.
 */
import fs from 'node:fs';
import type { Browser, BrowserContext, CDPSession, Page } from 'puppeteer';
import { launchChromium } from '../src/browser/chromium';
import { loadConfig } from '../src/config';
import { benchDir, envNumber, fmtInt, freePort, median, seedSurvey, serverEnv, startServer, table, type RunningServer, type Tablet, runBench } from './support';

const settings = {
  repeat: Math.round(envNumber('BENCH_REPEAT', 3, 1)),
  viewport: { width: 800, height: 1280 },
} as const;

const BUDGET_BYTES = 50_000;

// ---------------------------------------------------------------------------------------------
// One page load, watched over CDP

interface RequestSeen {
  readonly id: string;
  url: string;
  type: string;
  status: number | undefined;
  encoding: string;
  /** Bytes over the wire (headers and compressed body), from Network.loadingFinished. */
  wire: number;
  /** Body bytes after decoding, from Network.dataReceived. */
  decoded: number;
  failed: string | undefined;
  fromCache: boolean;
}

interface Load {
  readonly name: string;
  readonly requests: readonly RequestSeen[];
  readonly dataUrls: number;
  readonly wire: number;
  readonly external: readonly string[];
  readonly documentWire: number;
  readonly documentDecoded: number;
  readonly problems: readonly string[];
  /** Navigation start → end of the load event, ms (the page's own navigation timing). */
  readonly ms: number;
}

type Check = (page: Page) => Promise<string[]>;

async function watch(cdp: CDPSession, origin: string) {
  const requests = new Map<string, RequestSeen>();
  const redirects: RequestSeen[] = [];
  let dataUrls = 0;
  const get = (id: string) => requests.get(id);
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.startsWith('data:')) {
      dataUrls++;
      return;
    }
    const previous = requests.get(e.requestId);
    if (previous && e.redirectResponse) {
      // The same id goes on to the redirect's target: the redirect itself was a request of its own.
      previous.status = e.redirectResponse.status;
      previous.wire = e.redirectResponse.encodedDataLength;
      redirects.push({ ...previous, id: `${previous.id}:redirect${redirects.length}` });
    }
    requests.set(e.requestId, {
      id: e.requestId,
      url: e.request.url,
      type: e.type ?? '',
      status: undefined,
      encoding: '',
      wire: 0,
      decoded: 0,
      failed: undefined,
      fromCache: false,
    });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = get(e.requestId);
    if (!r) return;
    r.status = e.response.status;
    r.type = e.type;
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    r.encoding = headers['content-encoding'] ?? '';
    r.fromCache ||= e.response.fromDiskCache === true || e.response.fromPrefetchCache === true;
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = get(e.requestId);
    if (r) r.fromCache = true;
  });
  cdp.on('Network.dataReceived', (e) => {
    const r = get(e.requestId);
    if (r) r.decoded += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = get(e.requestId);
    if (r) r.wire = e.encodedDataLength;
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = get(e.requestId);
    if (r) r.failed = e.errorText + (e.canceled ? ' (canceled)' : '');
  });
  await cdp.send('Network.enable');
  return {
    all: () => [...redirects, ...requests.values()],
    dataUrls: () => dataUrls,
    isExternal: (url: string) => new URL(url).origin !== origin,
  };
}

async function load(context: BrowserContext, base: string, name: string, pathAndQuery: string, check: Check, acceptEncoding?: string): Promise<Load> {
  const page = await context.newPage();
  try {
    await page.setViewport(settings.viewport);
    if (acceptEncoding) await page.setExtraHTTPHeaders({ 'accept-encoding': acceptEncoding });
    const cdp = await page.createCDPSession();
    const seen = await watch(cdp, new URL(base).origin);
    const response = await page.goto(base + pathAndQuery, { waitUntil: 'networkidle0', timeout: 30_000 });
    // Navigation start to the end of the load event, as the page itself measured it.
    const ms = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.loadEventEnd ?? NaN);
    const problems: string[] = [];
    if (!response || response.status() !== 200) problems.push(`${pathAndQuery}: status ${response?.status() ?? 'none'}`);
    problems.push(...(await check(page)));

    const requests = seen.all();
    const documentRequest = requests.find((r) => r.type === 'Document' && r.url === base + pathAndQuery);
    let documentDecoded = documentRequest?.decoded ?? 0;
    if (documentRequest) {
      // The body as the browser has it, decoded: its byte length is the uncompressed size.
      const body = await cdp.send('Network.getResponseBody', { requestId: documentRequest.id }).catch(() => undefined);
      if (body) documentDecoded = body.base64Encoded ? Buffer.from(body.body, 'base64').length : Buffer.byteLength(body.body, 'utf8');
    } else problems.push(`${pathAndQuery}: no document request seen`);
    for (const r of requests) {
      if (r.failed) problems.push(`${r.url}: ${r.failed}`);
      else if (r.status === undefined || r.status >= 400) problems.push(`${r.url}: status ${r.status ?? 'none'}`);
    }
    await cdp.detach();
    return {
      name,
      requests,
      dataUrls: seen.dataUrls(),
      wire: requests.reduce((n, r) => n + r.wire, 0),
      external: requests.filter((r) => seen.isExternal(r.url)).map((r) => r.url),
      documentWire: documentRequest?.wire ?? 0,
      documentDecoded,
      problems,
      ms,
    };
  } finally {
    await page.close();
  }
}

/** A fresh incognito context (empty cache, no cookies) in tablet mode. */
async function tabletContext(browser: Browser, base: string, tablet: Tablet): Promise<BrowserContext> {
  const context = await browser.createBrowserContext();
  await context.setCookie({ name: 'lk_tablet', value: tablet.token, domain: new URL(base).hostname, path: '/', httpOnly: true, sameSite: 'Strict' });
  return context;
}

// ---------------------------------------------------------------------------------------------
// What each screen must show, so a redirect or an error page is never measured as the screen

const firstScreen: Check = async (page) => {
  const seen = await page.evaluate(() => ({
    kind: document.querySelector('[data-page]')?.getAttribute('data-page'),
    tablet: document.querySelector('[data-page]')?.hasAttribute('data-tablet'),
    heading: document.querySelector('h1')?.textContent?.trim() ?? '',
    begin: document.querySelector('a.big-button')?.getAttribute('href') ?? '',
  }));
  const problems: string[] = [];
  if (seen.kind !== 'start' || !seen.tablet) problems.push(`/survey: not the tablet's start page (data-page=${seen.kind})`);
  if (!seen.heading) problems.push('/survey: no heading');
  if (!seen.begin.startsWith('/survey/questions')) problems.push(`/survey: no link to the questions (${seen.begin})`);
  return problems;
};

function questionScreen(expectedScreens: number): Check {
  return async (page) => {
    const seen = await page.evaluate(() => {
      const screens = [...document.querySelectorAll<HTMLElement>('section.screen')];
      const shown = screens.filter((s) => !s.hidden && s.offsetParent !== null);
      return {
        kind: document.querySelector('[data-page]')?.getAttribute('data-page'),
        js: document.documentElement.classList.contains('js'),
        screens: screens.filter((s) => /^\d+$/.test(s.getAttribute('data-screen') ?? '')).length,
        review: screens.some((s) => s.getAttribute('data-screen') === 'review'),
        shown: shown.map((s) => s.getAttribute('data-screen')),
        question: shown[0]?.querySelector('.question-text')?.textContent?.trim() ?? '',
      };
    });
    const problems: string[] = [];
    if (seen.kind !== 'questions') problems.push(`/survey/questions: not the questions page (data-page=${seen.kind})`);
    if (!seen.js) problems.push('/survey/questions: the survey script did not run');
    if (seen.screens !== expectedScreens) problems.push(`/survey/questions: ${seen.screens} question screens, expected ${expectedScreens}`);
    if (!seen.review) problems.push('/survey/questions: no review screen');
    if (seen.shown.length !== 1 || seen.shown[0] !== '1') problems.push(`/survey/questions: shown screens ${JSON.stringify(seen.shown)}, expected only the first`);
    if (!seen.question) problems.push('/survey/questions: the first question has no text');
    return problems;
  };
}

// ---------------------------------------------------------------------------------------------

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function shortUrl(url: string, base: string): string {
  return url.startsWith(base) ? url.slice(base.length) : url;
}

function detail(loadResult: Load, base: string): string {
  return table(
    ['request', 'type', 'status', 'encoding', 'bytes on wire', 'bytes decoded'],
    loadResult.requests.map((r) => [
      shortUrl(r.url, base),
      r.type,
      String(r.status ?? r.failed ?? '?'),
      r.fromCache ? 'cache' : r.encoding || '-',
      fmtInt(r.wire),
      fmtInt(r.decoded),
    ]),
    [false, false, true, false, true, true],
  );
}

async function main(): Promise<number> {
  const dir = benchDir('leefklimaat-bench-survey-');
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  try {
    const port = await freePort();
    const env = serverEnv(dir, port);
    const seeded = await seedSurvey(loadConfig(env), 1);
    const tablet = seeded.tablets[0]!;
    server = await startServer(env);
    const base = server.base;
    browser = await launchChromium(process.env['CHROMIUM_PATH'] || undefined);
    console.log(
      `Leefklimaat survey bench: node ${process.version}, ${await browser.version()} headless, viewport ${settings.viewport.width}×${settings.viewport.height}, ` +
        `server ${base} (pid ${server.pid}); ${settings.repeat} cold load(s) of each screen, each in a fresh incognito context`,
    );
    const expectedScreens = seeded.questionnaire.items.length + seeded.questionnaire.openQuestions.length;
    const screens = {
      first: { label: 'first screen', path: '/survey', check: firstScreen },
      question: { label: 'question screen', path: '/survey/questions?lang=nl', check: questionScreen(expectedScreens) },
    } as const;
    // What Chromium offers here (br and zstd too: the server is on loopback, which counts as
    // secure), and gzip only: what Chromium offers a plain-http server on the LAN.
    const encodings = { offered: undefined, gzip: 'gzip, deflate' } as const;
    type Key = `${keyof typeof screens}/${keyof typeof encodings}`;
    const cold = new Map<Key, Load[]>();
    for (let i = 0; i < settings.repeat; i++) {
      for (const which of ['first', 'question'] as const) {
        for (const enc of ['offered', 'gzip'] as const) {
          const screen = screens[which];
          const context = await tabletContext(browser, base, tablet);
          try {
            const key: Key = `${which}/${enc}`;
            const name = `${screen.label}, cold, ${enc === 'gzip' ? 'gzip only' : 'as offered'}`;
            cold.set(key, [...(cold.get(key) ?? []), await load(context, base, name, screen.path, screen.check, encodings[enc])]);
          } finally {
            await context.close();
          }
        }
      }
    }
    // For information: the question screen as a young person reaches it, after the first screen.
    const context = await tabletContext(browser, base, tablet);
    let warm: Load;
    try {
      await load(context, base, 'first screen', screens.first.path, screens.first.check);
      warm = await load(context, base, 'question screen after the first (warm cache)', screens.question.path, screens.question.check);
    } finally {
      await context.close();
    }

    await browser.close();
    browser = undefined;
    const code = await server.stop();

    // Results
    const loads = (key: Key) => cold.get(key)!;
    const wire = (key: Key) => median(loads(key).map((l) => l.wire));
    /** The load whose bytes are the median's (or nearest), for the details. */
    const typical = (key: Key) => loads(key).reduce((best, l) => (Math.abs(l.wire - wire(key)) < Math.abs(best.wire - wire(key)) ? l : best));
    const encodingOf = (l: Load) => l.requests.find((r) => r.type === 'Document')?.encoding || 'none';
    const row = (l: Load, all: Load[], budget: boolean) => {
      const w = median(all.map((x) => x.wire));
      const range = all.length > 1 ? `${fmtInt(Math.min(...all.map((x) => x.wire)))}–${fmtInt(Math.max(...all.map((x) => x.wire)))}` : '';
      return [
        l.name,
        encodingOf(l),
        String(l.requests.length),
        String(l.external.length),
        fmtInt(w),
        kb(w),
        range,
        fmtInt(l.documentWire),
        fmtInt(l.documentDecoded),
        `${Math.round(l.ms)} ms`,
        budget ? (w <= BUDGET_BYTES && all.every((x) => x.external.length === 0) ? 'ok' : 'MISSED') : '',
      ];
    };
    const keys: Key[] = ['first/offered', 'first/gzip', 'question/offered', 'question/gzip'];
    console.log('');
    console.log(
      table(
        ['screen', 'encoding', 'requests', 'to other hosts', 'bytes on wire', '', 'range', 'document on wire', 'document uncompressed', 'load event', `budget ≤ ${fmtInt(BUDGET_BYTES)} B, 0 external`],
        [...keys.map((k) => row(typical(k), loads(k), true)), row(warm, [warm], false)],
        [false, false, true, true, true, true, true, true, true, true, false],
      ),
    );
    console.log('');
    console.log(`bytes on wire: response headers + compressed bodies, as Chromium counts them; median of ${settings.repeat} cold load(s), range = min–max`);
    console.log('the JSON below gives, per screen, the larger of the two encodings (gzip only: what Chromium gets from a plain-http server on the LAN)');
    for (const l of [...keys.map(typical), warm]) {
      console.log(`\n${l.name}:${l.dataUrls ? ` (+ ${l.dataUrls} inline data: URL(s), not on the wire)` : ''}`);
      console.log(detail(l, base));
    }

    const all = [...[...cold.values()].flat(), warm];
    const external = all.flatMap((l) => l.external);
    const problems = [...new Set(all.flatMap((l) => l.problems))];
    console.log('');
    console.log(`requests to other hosts: ${external.length}${external.length ? ` — ${[...new Set(external)].join(', ')}` : ''}`);
    console.log(`server stopped with SIGTERM: exit ${code}${code === 0 ? ' (ok)' : ' (expected 0)'}`);
    const stderr = server.stderr().trim();
    if (stderr) console.log(`server stderr:\n${stderr.split('\n').slice(0, 20).join('\n')}`);
    if (problems.length > 0 || code !== 0) {
      for (const p of problems) console.error(`problem: ${p}`);
      console.error('bench:survey: a screen did not load as expected; the figures above are not to be trusted');
      return 1;
    }

    console.log(
      JSON.stringify({
        first_screen_bytes: Math.round(Math.max(wire('first/gzip'), wire('first/offered'))),
        question_screen_bytes: Math.round(Math.max(wire('question/gzip'), wire('question/offered'))),
        external_requests: Math.max(0, ...all.map((l) => l.external.length)),
      }),
    );
    return 0;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runBench('survey', main);
