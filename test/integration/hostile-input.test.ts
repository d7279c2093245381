import type { Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createHttpServer, serverTimeouts, type ServerTimeouts } from '../../src/http/server';
import { t, type MessageKey } from '../../src/i18n/messages';
import { enc, formEncode, hostileText, ref, routeKey, routesOf, type Route } from '../support/hostile';
import { NOT_UTF8, PLACES, RAW_REQUESTS, SIZES, TEMPLATES, caseFor, firstCase, hostileHeader, requestFor, sized, surveyShape, withBadBytes, type Case, type Shape } from '../support/hostile-cases';
import { answerProblems, changesBetween, describeRequest, pageMessages, rawAnswerProblems, rawExchange, send, storedState, type RawRequest, type RawResponse, type TableChange } from '../support/hostile-http';
import { CALLERS, PASSWORD, buildWorld, fill, type Caller, type World } from '../support/hostile-world';

/**
 * Issue 7, part 4: random and malicious bodies, headers, query strings and file names at every
 * route, as every kind of caller. For every answer: never a 5xx; a refusal says in plain words
 * (from the catalog, Dutch first) what is wrong and shows no internals; and a refused request
 * leaves everything stored exactly as it was (SPEC §7: "bad input anywhere gets a clear error and
 * changes nothing").
 *
 * The cases come from fast-check with a fresh seed each run; a failure prints its seed and the
 * shrunk request. A request that succeeds and changes something (a saved form, a stored answer,
 * a sign-out) makes the world dirty; the next case gets a freshly built one, so every case starts
 * from the same world.
 */

// ——— Sending, and what must hold for every answer ———

let world: World;
/**
 * Per route: answers that were a CSRF refusal, a refusal of the caller, "no such page", a body or
 * address refused before any route reads it, and the route's own answer.
 */
const reached = new Map<string, { csrf: number; caller: number; missing: number; unreadable: number; handled: number }>();
const said = (key: MessageKey) => [t('nl', key), t('en', key)];
const CSRF_REFUSAL = said('v.this-form-has-expired-reload-the');
const CALLER_REFUSAL = [...said('v.please-sign-in-first'), ...said('v.your-role-does-not-allow-this'), ...said('s.no-access')];
const NOT_FOUND = said('error.not-found');
const UNREADABLE = [...said('v.the-request-is-not-valid'), ...said('v.request-too-large'), ...said('v.request-type-unsupported')];

/** A clean world for the next case: rebuilt after a request changed it. */
async function cleanWorld(): Promise<World> {
  if (world.dirty) {
    await world.close();
    world = await buildWorld();
  }
  return world;
}

/**
 * What a refused request may still leave behind: the audit entry of a failed sign-in (SPEC §7:
 * logins are audited, failed ones above all). Nothing else — not even on the same table.
 */
function allowedOnRefusal(req: RawRequest, res: RawResponse, change: TableChange): boolean {
  if (change.table !== 'audit_log' || change.removed.length > 0) return false;
  const actions = change.added.map((row) => (JSON.parse(row) as { action: string }).action).sort();
  return /^\/(login|tablet\/leave)(\?|$)/.test(req.target) && res.status === 401 && actions.every((a) => a === 'login-failed');
}

/**
 * Sends one request and checks the answer and what is stored; throws, with the request, when
 * something is wrong. `keepsWorld`: the request may change data no other case relies on (a name).
 */
async function exercise(req: RawRequest, options: { label?: string; keepsWorld?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
  const w = world;
  const fail = (what: string) => new Error(`${options.label ?? ''}\n${describeRequest(req)}\n→ ${what}`);
  let res: RawResponse;
  try {
    res = await send(w.port, req, options.timeoutMs);
  } catch (error) {
    w.dirty = true;
    throw fail(`no answer: ${String(error)}`);
  }
  const problems = answerProblems(req, res);
  const after = await storedState(w.ctx.db);
  const changes = changesBetween(w.state, after);
  if (res.status >= 400) {
    for (const change of changes.filter((c) => !allowedOnRefusal(req, res, c))) {
      problems.push(`refused with ${res.status}, yet changed ${change.table}: +${JSON.stringify(change.added).slice(0, 300)} -${JSON.stringify(change.removed).slice(0, 300)}`);
    }
  }
  const logged = w.logged.splice(0);
  if (logged.length > 0) problems.push(`logged: ${logged.join(' | ').slice(0, 600)}`);
  if (changes.length > 0) {
    w.state = after;
    // A read may add to the audit log (a download); anything else may have changed what the next case relies on.
    if (req.method !== 'GET' && req.method !== 'HEAD' && !options.keepsWorld) w.dirty = true;
  }
  if (problems.length > 0) {
    w.dirty = true;
    throw fail(`${res.status} ${String(res.headers['content-type'] ?? '')}\n- ${problems.join('\n- ')}`);
  }
  return res;
}

function count(c: Case, res: RawResponse): void {
  if (c.method !== c.route.method) return;
  const entry = reached.get(routeKey(c.route)) ?? { csrf: 0, caller: 0, missing: 0, unreadable: 0, handled: 0 };
  if (res.status === 403 && CSRF_REFUSAL.some((m) => res.text.includes(m))) entry.csrf++;
  else if (((res.status === 401 || res.status === 403) && CALLER_REFUSAL.some((m) => res.text.includes(m))) || String(res.headers['location']).startsWith('/login?next=')) entry.caller++;
  else if (res.status === 404 && NOT_FOUND.some((m) => res.text.includes(m))) entry.missing++;
  else if (UNREADABLE.some((m) => res.text.includes(m))) entry.unreadable++;
  else entry.handled++;
  reached.set(routeKey(c.route), entry);
}

/** Runs a property over cases (the examples first), each on a clean world. */
function property<T>(arbitrary: fc.Arbitrary<T>, run: (value: T, w: World) => Promise<void>, numRuns: number, examples: T[] = []): Promise<void> {
  return fc.assert(
    fc.asyncProperty(arbitrary, async (value) => run(value, await cleanWorld())),
    { numRuns, examples: examples.map((e): [T] => [e]) },
  );
}

describe('hostile input', () => {
  let routes: Route[];
  let shape: Shape;
  let postRoutes: Route[];

  beforeAll(async () => {
    world = await buildWorld();
    routes = routesOf(world.ctx.app);
    postRoutes = routes.filter((r) => r.method === 'POST');
    shape = surveyShape(world);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });
  afterEach(async () => {
    // Whatever a test threw at it, the server still answers, and promptly.
    const res = await send(world.port, { method: 'GET', target: '/healthz', headers: [] }, 5_000);
    expect({ status: res.status, fast: res.ms < 2_000 }).toEqual({ status: 200, fast: true });
  });

  it('finds every route in the app, the survey, sign-in, reports and downloads among them', () => {
    const keys = routes.map(routeKey);
    expect(keys.length).toBeGreaterThan(50);
    expect(keys).toEqual(expect.arrayContaining(['POST /survey/submit', 'POST /login', 'GET /reports/:id/:format', 'POST /reports/period', 'POST /users/:id', 'GET /groups/:id/results.csv', 'GET /static/vendor/chart.js']));
    // Every form has a template, so its cases reach past the first check (a new form falls back to all field names).
    expect(postRoutes.map(routeKey).filter((k) => !(k in TEMPLATES) && k !== 'POST /survey/submit')).toEqual([]);
  });

  it('answers every route, as every kind of caller, with hostile ids, queries and bodies: never a 5xx, a plain refusal, nothing changed', async () => {
    for (const route of routes) {
      for (const caller of CALLERS) {
        await property(caseFor(route, fc.constant(caller), shape), async (c, w) => count(c, await exercise(requestFor(w, c), { label: `${routeKey(route)} as ${caller}` })), 3, [firstCase(route, caller, shape)]);
      }
    }
    // The callers hold valid CSRF tokens and sessions, and params are mostly ids of the right kind:
    // for every route, hostile input reaches the route's own checks — not only the CSRF check, the
    // role check or "no such page" in front of them.
    expect([...reached].filter(([, n]) => n.handled === 0).map(([k, n]) => `${k} ${JSON.stringify(n)}`)).toEqual([]);
  }, 240_000);

  it('answers random requests to random routes, with any method and content type', async () => {
    await property(fc.constantFrom(...routes).chain((route) => caseFor(route, fc.constantFrom(...CALLERS), shape)), async (c, w) => void (await exercise(requestFor(w, c))), 700);
  }, 120_000);

  it('answers bytes that are not UTF-8 in bodies, paths, query strings and cookies, and broken compression', async () => {
    const arbitrary = fc.tuple(fc.constantFrom(...routes).chain((route) => caseFor(route, fc.constantFrom(...CALLERS), shape)), fc.constantFrom(...PLACES), fc.constantFrom(...NOT_UTF8));
    await property(arbitrary, async ([c, place, bad], w) => void (await exercise(withBadBytes(w, c, place, bad), { label: place })), 400);
  }, 120_000);

  it('answers hostile headers: garbage, huge cookies, a bogus Host, forwarded-for junk, ranges on downloads', async () => {
    const downloads = routes.filter((r) => r.method === 'GET' && /\.(csv|js)$|:format$/.test(r.path));
    const arbitrary = fc.oneof(fc.constantFrom(...routes), fc.constantFrom(...downloads)).chain((route) => caseFor(route, fc.constantFrom(...CALLERS), shape, fc.array(hostileHeader, { minLength: 1, maxLength: 4 })));
    await property(arbitrary, async (c, w) => void (await exercise(requestFor(w, c))), 400);
  }, 120_000);

  it('refuses bodies beyond the limit with a plain 413, parses deep and wide JSON without harm, and keeps answering', async () => {
    const arbitrary = fc.tuple(fc.constantFrom(...postRoutes).chain((route) => caseFor(route, fc.constantFrom(...CALLERS), shape)), fc.constantFrom(...SIZES));
    await property(
      arbitrary,
      async ([c, size], w) => {
        // Real ids and no query: a limit is what refuses these, not a malformed address before it.
        const plain = { ...c, method: 'POST', body: undefined, params: [ref('group0'), ref('sheet')], query: '' };
        const res = await exercise(sized(requestFor(w, plain), size, w.callers[c.caller].csrf), { label: size });
        if (['flat JSON over the limit', '1 MB form', '1 MB JSON', '201 form fields', 'gzip bomb'].includes(size)) expect({ size, status: res.status }).toEqual({ size, status: 413 });
        if (size === 'headers over 16 kB') expect({ size, status: res.status }).toEqual({ size, status: 431 });
        const after = await send(w.port, { method: 'GET', target: '/healthz', headers: [] }, 5_000);
        expect({ size, status: after.status, fast: after.ms < 2_000 }).toEqual({ size, status: 200, fast: true });
      },
      120,
    );
    // A body of 10 MB is refused as plainly as one of 1 MB, in Dutch, and the next request is answered at once.
    const w = await cleanWorld();
    const huge = Buffer.from(`{"name":"${'x'.repeat(10 << 20)}"}`);
    const res = await exercise({ method: 'POST', target: '/login', headers: [['Cookie', w.callers.anonymous.cookie], ['X-CSRF-Token', w.callers.anonymous.csrf], ['Content-Type', 'application/json'], ['Accept', 'application/json']], body: huge });
    expect({ status: res.status, body: JSON.parse(res.text) as unknown }).toEqual({ status: 413, body: { error: { code: 'bad-request', message: 'Het verzoek is te groot.', details: [] } } });
  }, 120_000);

  it('answers malformed HTTP — broken framing, smuggling attempts, other protocols — with a plain 4xx or nothing, and changes nothing', async () => {
    const raw = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...RAW_REQUESTS).map((r) => Buffer.from(r, 'latin1')) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n'), Buffer.from(b), Buffer.from('\r\n\r\n')])) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)) },
    );
    await property(
      raw,
      async (bytes, w) => {
        const before = w.state;
        const problems = rawAnswerProblems('/', await rawExchange(w.port, bytes, 1_000));
        problems.push(...changesBetween(before, await storedState(w.ctx.db)).map((c) => `changed ${c.table}`));
        const logged = w.logged.splice(0);
        if (logged.length > 0) problems.push(`logged: ${logged.join(' | ')}`);
        expect({ sent: bytes.toString('latin1').slice(0, 200), problems }).toEqual({ sent: bytes.toString('latin1').slice(0, 200), problems: [] });
      },
      150,
    );
    // Not vacuous: every one of the listed requests gets an answer (only blank lines get none).
    const unanswered = [];
    for (const r of RAW_REQUESTS) if ((await rawExchange(world.port, Buffer.from(r, 'latin1'), 1_000)) === '') unanswered.push(r);
    expect(unanswered).toEqual(['\r\n\r\n\r\n']);
  }, 120_000);

  it('serves no file outside public/, whatever the file name, and gives downloads safe file names', async () => {
    const traversal = fc.oneof(
      fc.constantFrom('../package.json', '..%2fpackage.json', '%2e%2e/%2e%2e/package.json', 'css/..%2f..%2f..%2fpackage.json', '..%5c..%5cpackage.json', '%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', '....//....//etc/passwd', 'css%00.css', 'js/', 'js', '%ff', '%c0%ae%c0%ae/package.json', 'css/base.css%00', '.', '..', 'vendor/chart.js/..', `${'a/'.repeat(2_000)}x`),
      hostileText.filter((t) => t.length < 2_000).map(enc),
    );
    await property(
      fc.tuple(traversal, fc.constantFrom(...CALLERS), fc.option(fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=99999999-'), { nil: undefined })),
      async ([name, caller, range], w) => {
        const headers: [string, string][] = [['Cookie', w.callers[caller].cookie], ...(range ? [['Range', range] as [string, string]] : [])];
        await exercise({ method: 'GET', target: fill(w, `/static/${name}`), headers });
      },
      200,
    );

    // A group may be called anything its form allows; its CSV still downloads under a plain file name.
    const manager = (w: World): [string, string][] => [['Cookie', w.callers.manager.cookie]];
    await property(
      hostileText.filter((n) => n.trim().length > 0 && n.trim().length <= 120),
      async (name, w) => {
        const body = Buffer.from(formEncode([['_csrf', w.callers.manager.csrf], ['name', name], ['locationId', w.ids.location0], ['places', '8'], ['questionnaireId', 'lk-jeugd'], ['active', 'on']]));
        await exercise({ method: 'POST', target: `/organisation/groups/${w.ids.group0}`, headers: [...manager(w), ['Content-Type', 'application/x-www-form-urlencoded']], body }, { keepsWorld: true });
        for (const target of [`/groups/${w.ids.group0}/results.csv`, `/reports/${w.ids.groupReport}/csv`, `/reports/${w.ids.report}/pdf`]) {
          const res = await exercise({ method: 'GET', target, headers: manager(w) });
          expect({ target, disposition: res.headers['content-disposition'] }).toEqual({ target, disposition: expect.stringMatching(/^attachment; filename=("[\w.-]+"|[\w.-]+)(; filename\*=UTF-8''[\w%.-]+)?$/) });
        }
      },
      60,
    );
  }, 120_000);

  it('never sends anyone off the site after signing in, whatever `next` says', async () => {
    const next = fc.oneof(
      fc.constantFrom('//evil.example', '/\\evil.example', '/\t/evil.example', '/%2F%2Fevil.example', 'https://evil.example', 'javascript:alert(1)', '/\u2028/evil.example', '/\u3000/evil.example', '/%09/evil.example', '\\\\evil.example', '/.//evil.example'),
      hostileText.filter((n) => n.length < 2_000),
      hostileText.filter((n) => n.length < 2_000).map((n) => `/${n}`),
    ).filter((n) => !n.includes('\0'));
    // A fresh world: the sign-in limits still count the failed sign-ins of the cases before.
    world.dirty = true;
    await property(
      next,
      async (target, w) => {
        const body = Buffer.from(formEncode([['_csrf', w.callers.anonymous.csrf], ['email', w.emails[0]!], ['password', PASSWORD], ['next', fill(w, target)]]));
        // A new session for the administrator: nothing later cases rely on.
        const res = await exercise({ method: 'POST', target: '/login', headers: [['Cookie', w.callers.anonymous.cookie], ['Content-Type', 'application/x-www-form-urlencoded']], body }, { keepsWorld: true });
        expect({ target, status: res.status }).toEqual({ target, status: 303 });
      },
      60,
    );
  });

  describe('what this suite found', () => {
    const json = (w: World, caller: Caller, target: string, body: string): RawRequest => ({
      method: 'POST',
      target,
      headers: [['Cookie', w.callers[caller].cookie], ['X-CSRF-Token', w.callers[caller].csrf], ['Content-Type', 'application/json'], ['Accept', 'text/html']],
      body: Buffer.from(body),
    });

    // Pages show a refused form again with what was typed; an object there could not become text (500).
    it.each([
      ['anonymous', '/login', 'email'],
      ['anonymous', '/setup/no-such-token', 'institution'],
      ['manager', '/rounds', 'period'],
      ['administrator', '/users', 'displayName'],
      ['manager', '/organisation/groups', 'name'],
      ['manager', '/organisation/municipalities', 'locationIds'],
      ['manager', '/reports/period', 'municipalityId'],
      ['tablet', '/tablet/leave', 'email'],
      ['manager', '/groups/⟦group0⟧/actions', 'roundId'],
    ] as const)('shows the form again, as %s, when %s gets an object for "%s"', async (caller, target, field) => {
      const w = await cleanWorld();
      for (const value of ['{"toString":""}', '{"toHTML":1}', '[{"toString":""}]']) {
        const res = await exercise(json(w, caller, fill(w, target), `{"${field}":${value},"text":${value}}`));
        expect({ value, status: res.status }).toEqual({ value, status: 400 });
      }
    });

    it('says which fields are missing when a JSON body is an array, not a form', async () => {
      const w = await cleanWorld();
      const res = await exercise(json(w, 'tablet', '/tablet/leave', '[]'));
      expect(res.status).toBe(400);
      expect(pageMessages(res.text)).toContain(t('nl', 'v.required'));
    });

    it('refuses a NUL character before it reaches the database (PostgreSQL cannot hold one)', async () => {
      const w = await cleanWorld();
      const staff = (target: string, body: string): RawRequest => ({ method: 'POST', target, headers: [['Cookie', w.callers.manager.cookie], ['Content-Type', 'application/x-www-form-urlencoded']], body: Buffer.from(`_csrf=${w.callers.manager.csrf}&${body}`) });
      for (const req of [
        staff('/talk-requests/%00/handled', ''),
        staff(`/organisation/groups/${w.ids.group0}`, `name=a%00b&locationId=${w.ids.location0}&places=8&questionnaireId=lk-jeugd&active=on`),
        staff(`/organisation/locations`, 'name=x&extra%00=1'),
        json(w, 'manager', `/groups/${w.ids.group0}/actions`, `{"roundId":"${w.ids.closedRound}","text":"a\\u0000b"}`),
        { method: 'GET', target: `/results?round=%00`, headers: [['Cookie', w.callers.manager.cookie]] as [string, string][] },
      ]) {
        const res = await exercise(req);
        expect({ target: req.target, status: res.status }).toEqual({ target: req.target, status: 400 });
      }
    });

    it('refuses to stop a tablet with the password of someone who may not, and audits no sign-in for it', async () => {
      const w = await cleanWorld();
      const viewer = w.emails.find((e) => e.startsWith('municipality_viewer'))!;
      const before = w.state;
      const body = Buffer.from(formEncode([['_csrf', w.callers.tablet.csrf], ['email', viewer], ['password', PASSWORD]]));
      const res = await send(w.port, { method: 'POST', target: '/tablet/leave', headers: [['Cookie', w.callers.tablet.cookie], ['Content-Type', 'application/x-www-form-urlencoded']], body });
      w.state = await storedState(w.ctx.db);
      expect({ status: res.status, changes: changesBetween(before, w.state) }).toEqual({ status: 403, changes: [] });
    });

    it('answers a download that fails in the type it says it is, not the file\'s', async () => {
      const res = await exercise({ method: 'GET', target: '/static/vendor/chart.js', headers: [['Range', 'bytes=5-1'], ['Accept', 'application/json']] });
      expect({ status: res.status, type: res.headers['content-type'], disposition: res.headers['content-disposition'] }).toEqual({ status: 416, type: 'application/json; charset=utf-8', disposition: undefined });
    });

    it('answers what Node refuses before the app in plain words, in Dutch and English', async () => {
      const bad = `${t('nl', 'v.the-request-is-not-valid')} / ${t('en', 'v.the-request-is-not-valid')}\n`;
      const large = `${t('nl', 'v.request-too-large')} / ${t('en', 'v.request-too-large')}\n`;
      const answers = {
        noHost: await rawExchange(world.port, Buffer.from('GET /login HTTP/1.1\r\n\r\n')),
        badHeader: await rawExchange(world.port, Buffer.from('GET /login HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n')),
        tooLarge: await rawExchange(world.port, Buffer.from(`GET /login HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`)),
        connect: await rawExchange(world.port, Buffer.from('CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n')),
      };
      for (const [what, answer] of Object.entries(answers)) {
        const [head, body] = answer.split('\r\n\r\n');
        const status = what === 'tooLarge' ? '431' : '400';
        expect({ what, status: head?.slice(9, 12), type: /content-type: ([^\r]*)/i.exec(head ?? '')?.[1], body }).toEqual({ what, status, type: 'text/plain; charset=utf-8', body: what === 'tooLarge' ? large : bad });
      }
      // An Expect header the server does not know no longer gets a bare 417: the request is answered.
      const expecting = await exercise({ method: 'GET', target: '/login', headers: [['Expect', 'junk'], ['Accept', 'text/html']] });
      expect(expecting.status).toBe(200);
    });
  });

  describe('slow clients', () => {
    // The production limits are seconds long; the same server with short ones shows they work.
    const limits: ServerTimeouts = { headersMs: 1_500, requestMs: 2_500, keepAliveMs: 500, checkEveryMs: 100 };
    let server: Server;
    let port: number;

    beforeAll(async () => {
      server = createHttpServer(world.ctx.app, limits);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    /** Opens a connection, sends `head` at once and then `tail` a byte per `everyMs`; what came back, and when the server closed it. */
    function trickle(head: string, tail: string, everyMs: number): Promise<{ closedAfterMs: number; answer: string }> {
      const started = Date.now();
      return new Promise((resolve) => {
        let answer = '';
        let i = 0;
        let timer: NodeJS.Timeout | undefined;
        // The tail starts only once the head is written: bytes written before the connection opens
        // would be queued ahead of it, and on a busy machine connecting can take longer than `everyMs`.
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(head);
          timer = setInterval(() => void (i < tail.length && socket.write(tail[i++]!)), everyMs);
        });
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
        const done = () => {
          clearInterval(timer);
          resolve({ closedAfterMs: Date.now() - started, answer });
        };
        socket.on('close', done);
        socket.on('error', done);
      });
    }

    const TOO_SLOW = `${t('nl', 'v.request-too-slow')} / ${t('en', 'v.request-too-slow')}`;
    const login = (body: string) => `POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: ${world.callers.anonymous.cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;

    it('cuts off clients that send too slowly or not at all, tells them why, and answers everyone else meanwhile', async () => {
      // No password: refused by the form itself, whatever the sign-in limits say by now.
      const form = `_csrf=${world.callers.anonymous.csrf}&email=a%40b.nl&password=`;
      const headersByteByByte = trickle('', `GET /staff HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(1_000)}`, 10);
      const bodyNeverFinished = trickle(login(`${form}${'x'.repeat(1_000)}`), form, 10);
      const idle = Array.from({ length: 50 }, () => trickle('', '', 1_000));
      // A quarter of the limit on an idle machine: timers run late on a busy one.
      const slowButInTime = trickle(login(form), form, Math.floor(limits.requestMs / 4 / form.length));

      // Meanwhile other clients are answered: none waits anywhere near until the slow ones are cut
      // off (the margin is for a loaded test machine, where a page may take a few hundred ms).
      const others: number[] = [];
      const stopAt = Date.now() + limits.headersMs + 200;
      while (Date.now() < stopAt) others.push((await send(port, { method: 'GET', target: '/login', headers: [['Accept', 'text/html']] }, 2_000)).ms);
      expect({ answered: others.length > 5, slowest: Math.max(...others) < limits.headersMs - 500 }).toEqual({ answered: true, slowest: true });

      const cut = { headers: await headersByteByByte, body: await bodyNeverFinished, idle: await Promise.all(idle) };
      // Checked every 100 ms; a busy test machine may take a little longer to get round to it.
      const late = 1_000;
      for (const [what, result, limit] of [['headers', cut.headers, limits.headersMs], ['body', cut.body, limits.requestMs], ...cut.idle.map((r) => ['idle', r, limits.headersMs] as const)] as const) {
        expect({ what, cutInTime: result.closedAfterMs >= limit - 50 && result.closedAfterMs < limit + late, answer: result.answer }).toEqual({
          what,
          cutInTime: true,
          answer: expect.stringMatching(new RegExp(`^HTTP/1\\.1 408 [\\s\\S]*\\r\\n\\r\\n${TOO_SLOW.replace(/[.]/g, '\\.')}\\n$`)),
        });
      }
      // A client that is slow but finishes within the limit gets the page's own answer.
      const finished = await slowButInTime;
      expect(finished.answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(finished.answer).toContain(t('nl', 'form.errors'));
    }, 20_000);

    it('runs the real server with limits well below Node\'s defaults of a minute for headers and five for a request', () => {
      expect(serverTimeouts.headersMs).toBeLessThanOrEqual(20_000);
      expect(serverTimeouts.requestMs).toBeLessThanOrEqual(60_000);
      expect(serverTimeouts.checkEveryMs).toBeLessThanOrEqual(1_000);
      expect(serverTimeouts.headersMs).toBeLessThan(serverTimeouts.requestMs);
    });
  });
});
