import type { Express } from 'express';
import { sql } from 'kysely';
import request from 'supertest';
import { hashCode, normaliseCode } from '../../src/access-codes/access-code';
import { hashSecret } from '../../src/auth/password';
import { hashToken } from '../../src/auth/setup.service';
import type { Database } from '../../src/db/database';
import { createLogger, type Logger } from '../../src/logger';
import type { Questionnaire } from '../../src/questionnaires/questionnaire';
import { runSchedule } from '../../src/rounds/round.service';
import { randomId } from '../../src/system';
import { createTestApp } from '../support/app';
import { columnNames, everyStoredValue, storedOrder, tableNames, testDialect, writingTransactions } from '../support/db';
import { buildInstitution } from '../support/staff';
import { issueCodes, submissionFor, tabletCookie } from '../support/survey';

type Ctx = Awaited<ReturnType<typeof createTestApp>>;
type Org = Awaited<ReturnType<typeof buildInstitution>>;
type Reply = request.Response;
/** A browser request: awaited, the response; `.expect(status)` checks the status on the way, like supertest. */
type Pending = Promise<Reply> & { expect(status: number): Promise<Reply> };

function pending(promise: Promise<Reply>): Pending {
  return Object.assign(promise, {
    expect: (status: number) =>
      promise.then((res) => {
        expect({ url: res.request?.url, status: res.status }).toEqual({ url: res.request?.url, status });
        return res;
      }),
  });
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Where the survey leaves anything; a refused request must leave every one of them as it was. */
const SURVEY_TABLES = ['response', 'response_answer', 'open_answer', 'submission_receipt', 'access_code', 'talk_request'] as const;
/** The same, with tablet mode's own table: what the anonymity rules are about. */
const ANONYMOUS_TABLES = [...SURVEY_TABLES, 'tablet_session'] as const;

/** Every row of the survey tables, in a stable order. */
async function snapshot(db: Database): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of SURVEY_TABLES) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    out[table] = rows.rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** Every row of every table: to see which tables a request wrote to. */
async function everyRow(db: Database): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of await tableNames(db)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    out[name] = rows.rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}


function setCookies(res: Reply): string[] {
  const header = res.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? (header as string[]) : typeof header === 'string' ? [header] : [];
}

/** The value a response sets a cookie to; '' when it clears it; undefined when it does not touch it. */
function cookieSet(res: Reply, name: string): string | undefined {
  const line = setCookies(res).find((l) => l.startsWith(`${name}=`));
  if (line === undefined) return undefined;
  if (/;\s*max-age=0(;|$)/i.test(line)) return '';
  return line.slice(name.length + 1).split(';')[0]!;
}

/**
 * A young person's browser (not signed in): keeps its cookies like a browser does, so a test can
 * also put back a cookie the server has cleared. State-changing requests carry the double-submit
 * CSRF token from the `lk_csrf` cookie the first page set.
 */
class Browser {
  readonly jar = new Map<string, string>();

  constructor(
    private readonly app: Express,
    cookies: readonly string[] = [],
    private readonly headers: Record<string, string> = {},
  ) {
    for (const c of cookies) this.put(c);
  }

  put(pair: string): void {
    const i = pair.indexOf('=');
    this.jar.set(pair.slice(0, i), pair.slice(i + 1));
  }

  get csrf(): string {
    const token = this.jar.get('lk_csrf');
    if (!token) throw new Error('no lk_csrf cookie yet: GET a page first');
    return token;
  }

  private cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private prepare(req: request.Test): request.Test {
    for (const [k, v] of Object.entries(this.headers)) req = req.set(k, v);
    const cookies = this.cookieHeader();
    return cookies ? req.set('Cookie', cookies) : req;
  }

  private keep(res: Reply): Reply {
    for (const line of setCookies(res)) {
      const pair = line.split(';')[0]!;
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /;\s*max-age=0(;|$)/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  get(url: string, accept = 'text/html'): Pending {
    return pending(this.prepare(request(this.app).get(url)).set('Accept', accept).then((r) => this.keep(r)));
  }

  /** A form post, with the CSRF field unless `csrf: false`. */
  postForm(url: string, body: Record<string, string> = {}, options: { csrf?: boolean; accept?: string } = {}): Pending {
    const fields = options.csrf === false ? body : { _csrf: this.csrf, ...body };
    return pending(this.prepare(request(this.app).post(url)).set('Accept', options.accept ?? 'text/html').type('form').send(fields).then((r) => this.keep(r)));
  }

  /** What the survey page's script sends: JSON, with the CSRF header unless `csrf: false`. */
  postJson(url: string, body: unknown, options: { csrf?: boolean } = {}): Pending {
    let req = this.prepare(request(this.app).post(url)).set('Accept', 'application/json');
    if (options.csrf !== false) req = req.set('x-csrf-token', this.csrf);
    return pending(req.send(body as object).then((r) => this.keep(r)));
  }

  /** A raw body with its own content type (malformed JSON, other types). */
  postRaw(url: string, contentType: string, raw: string, options: { accept?: string } = {}): Pending {
    const req = this.prepare(request(this.app).post(url)).set('Accept', options.accept ?? 'application/json').set('x-csrf-token', this.csrf).set('Content-Type', contentType);
    return pending(req.send(raw).then((r) => this.keep(r)));
  }

  submit(body: unknown, options: { csrf?: boolean } = {}): Pending {
    return this.postJson('/survey/submit?lang=nl', body, options);
  }
}

/** The JSON error a refused request gets. */
function errorOf(res: Reply): { code: string; message: string; details: { path: string; message: string }[] } {
  expect(res.type).toBe('application/json');
  const error = (res.body as { error?: { code: string; message: string; details: { path: string; message: string }[] } }).error;
  expect(error).toBeDefined();
  expect(error!.message.length).toBeGreaterThan(0);
  return error!;
}

async function rows<T = Record<string, unknown>>(db: Database, query: string): Promise<T[]> {
  return (await sql.raw<T>(query).execute(db)).rows;
}

async function columnsOf(db: Database, table: string): Promise<string[]> {
  return columnNames(db, table);
}

async function setRoundStatus(db: Database, roundId: string, status: 'planned' | 'open' | 'closed'): Promise<void> {
  await db.updateTable('round').set({ status }).where('id', '=', roundId).execute();
}

/** A cheap scrypt for tests; the parameters travel with the hash. */
const pinHash = (pin: string) => hashSecret(pin, { N: 1024, r: 8, p: 1 });

describe('the survey', () => {
  let ctx: Ctx;
  let org: Org;
  let q: Questionnaire;
  let g0: string;
  let g1: string;

  beforeEach(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
    q = ctx.questionnaires.get('lk-jeugd', 1)!;
    g0 = org.groups[0]!;
    g1 = org.groups[1]!;
  });
  afterEach(() => ctx.cleanup());

  /** A browser in tablet mode for a group, with its CSRF cookie from the start screen. */
  async function tablet(groupId = g0, startedBy = org.users.group_leader.id): Promise<Browser> {
    const b = new Browser(ctx.app, [await tabletCookie(ctx.db, org.roundId, groupId, startedBy)]);
    await b.get('/survey').expect(200);
    return b;
  }

  /** A browser that typed a valid code and followed the redirect to the start screen. */
  async function withCode(code: string): Promise<Browser> {
    const b = new Browser(ctx.app);
    await b.get('/code?lang=nl').expect(200);
    const res = await b.postForm('/code?lang=nl', { code });
    expect(res.status).toBe(303);
    expect(res.headers['location']).toBe('/survey?lang=nl');
    expect(b.jar.get('lk_code')).toBeTruthy();
    await b.get('/survey').expect(200);
    return b;
  }

  /** Does `act`, expects a refusal with this status and code, and that no survey table changed. */
  async function refused(act: () => Promise<Reply>, status: number, code: string) {
    const before = await snapshot(ctx.db);
    const res = await act();
    expect({ status: res.status, code: errorOf(res).code }).toEqual({ status, code });
    expect(await snapshot(ctx.db)).toEqual(before);
    return res;
  }

  describe('in tablet mode', () => {
    it('stores exactly one response with the given values, and the open answers apart from it', async () => {
      const b = await tablet();
      const body = submissionFor(q, org.roundId, g0, (i) => (i % 5) + 1);
      delete (body.answers as Record<string, number | undefined>)['s02']; // a skipped question
      body.open = { good: '  De pizza op vrijdag  ', change: '   ' };
      const expected = q.items
        .map((item, i) => ({ item_id: item.id, value: (i % 5) + 1 }))
        .filter((a) => a.item_id !== 's02')
        .sort((a, b) => a.item_id.localeCompare(b.item_id));

      const res = await b.submit(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, next: '/survey/thanks' });
      expect(cookieSet(res, 'lk_done')).toBeTruthy();

      const responses = await ctx.db.selectFrom('response').selectAll().execute();
      expect(responses).toEqual([{ id: expect.stringMatching(UUID_V4), round_id: org.roundId, group_id: g0, questionnaire_id: 'lk-jeugd', questionnaire_version: 1 }]);
      const responseId = responses[0]!.id;
      const answers = await ctx.db.selectFrom('response_answer').selectAll().orderBy('item_id').execute();
      expect(answers).toEqual(expected.map((a) => ({ response_id: responseId, ...a })));
      expect(answers).toHaveLength(q.items.length - 1);

      // Trimmed, blank ones left out; no column, and no value, that leads back to the response.
      const open = await ctx.db.selectFrom('open_answer').selectAll().execute();
      expect(open).toEqual([{ id: expect.stringMatching(UUID_V4), round_id: org.roundId, group_id: g0, question_id: 'good', text: 'De pizza op vrijdag' }]);
      expect(Object.keys(open[0]!).filter((c) => /response|submission/.test(c))).toEqual([]);
      expect(Object.values(open[0]!)).not.toContain(responseId);
      expect(await columnsOf(ctx.db, 'open_answer')).toEqual(['id', 'round_id', 'group_id', 'question_id', 'text']);

      expect(await ctx.db.selectFrom('submission_receipt').selectAll().execute()).toEqual([{ submission_id: body.submissionId, round_id: org.roundId }]);
      expect(await rows(ctx.db, 'select * from access_code')).toEqual([]);
    });

    it('writes nothing but the anonymous tables when answers are sent', async () => {
      const b = await tablet();
      const before = await everyRow(ctx.db);
      await b.submit(submissionFor(q, org.roundId, g0)).expect(200);
      const after = await everyRow(ctx.db);
      const changed = Object.keys(after).filter((t) => JSON.stringify(after[t]) !== JSON.stringify(before[t]));
      expect(changed.sort()).toEqual(['response', 'response_answer', 'submission_receipt']);
    });

    it('also takes a form post (no script) and stores the same', async () => {
      const b = await tablet();
      const submissionId = randomId();
      const res = await b.postForm('/survey/submit?lang=nl', { submissionId, roundId: org.roundId, groupId: g0, 'a:s01': '4', 'a:g03': '2', 'o:good': '', 'o:change': 'Meer uitjes' });
      expect(res.status).toBe(303);
      expect(res.headers['location']).toBe('/survey/thanks');
      const answers = await ctx.db.selectFrom('response_answer').select(['item_id', 'value']).orderBy('item_id').execute();
      expect(answers).toEqual([
        { item_id: 'g03', value: 2 },
        { item_id: 's01', value: 4 },
      ]);
      expect(await ctx.db.selectFrom('open_answer').select(['question_id', 'text']).execute()).toEqual([{ question_id: 'change', text: 'Meer uitjes' }]);
    });

    it('counts the same submission id once when sent twice in a row', async () => {
      const b = await tablet();
      const body = submissionFor(q, org.roundId, g0, () => 3);
      body.open = { good: 'Eén keer' };
      await b.submit(body).expect(200);
      const res = await refused(() => b.submit(body), 409, 'already-received');
      expect(errorOf(res).message).toBe('Je antwoorden waren al ontvangen. Je hoeft niets meer te doen.');
      expect(await rows(ctx.db, 'select id from response')).toHaveLength(1);
      expect(await rows(ctx.db, 'select id from open_answer')).toHaveLength(1);
      expect(await rows(ctx.db, 'select response_id from response_answer')).toHaveLength(q.items.length);
    });

    it('counts the same submission id once when sent twice at the same time', async () => {
      const b = await tablet();
      const body = submissionFor(q, org.roundId, g0, () => 2);
      body.open = { change: 'Tegelijk' };
      const results = await Promise.all([b.submit(body), b.submit(body), b.submit(body)]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409, 409]);
      for (const r of results.filter((r) => r.status === 409)) expect(errorOf(r).code).toBe('already-received');
      expect(await rows(ctx.db, 'select id from response')).toHaveLength(1);
      expect(await rows(ctx.db, 'select id from open_answer')).toHaveLength(1);
      expect(await rows(ctx.db, 'select response_id from response_answer')).toHaveLength(q.items.length);
      expect(await rows(ctx.db, 'select submission_id from submission_receipt')).toEqual([{ submission_id: body.submissionId }]);
    });

    it('stores different submissions sent at the same time, each once', async () => {
      const b = await tablet();
      const bodies = Array.from({ length: 8 }, () => submissionFor(q, org.roundId, g0, () => 4));
      const results = await Promise.all(bodies.map((body) => b.submit(body)));
      expect(results.map((r) => r.status)).toEqual(bodies.map(() => 200));
      expect(await rows(ctx.db, 'select id from response')).toHaveLength(8);
      expect(await rows(ctx.db, 'select response_id from response_answer')).toHaveLength(8 * q.items.length);
    });
  });

  describe('with a one-time code', () => {
    it('stores one response and uses the code up without linking it to the response', async () => {
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 1);
      const b = await withCode(code!);
      const ticket = b.jar.get('lk_code')!;
      const first = submissionFor(q, org.roundId, g0, () => 5);
      const ok = await b.submit(first);
      expect(ok.status).toBe(200);
      expect(cookieSet(ok, 'lk_code')).toBe('');
      expect(b.jar.has('lk_code')).toBe(false);

      const [response] = await rows<{ id: string }>(ctx.db, 'select id from response');
      const codeRows = await ctx.db.selectFrom('access_code').selectAll().execute();
      expect(codeRows).toEqual([{ code_hash: hashCode(ctx.secret, code!), round_id: org.roundId, group_id: g0, sheet_id: expect.any(String), used: 1 }]);
      expect(await columnsOf(ctx.db, 'access_code')).toEqual(['code_hash', 'round_id', 'group_id', 'sheet_id', 'used']);
      expect(Object.values(codeRows[0]!)).not.toContain(response!.id);
      expect(Object.values(codeRows[0]!)).not.toContain(first.submissionId);

      // The old ticket put back by hand, with new answers: the code is used.
      b.put(`lk_code=${ticket}`);
      const replay = await refused(() => b.submit(submissionFor(q, org.roundId, g0, () => 1)), 409, 'code-used');
      expect(errorOf(replay).message).toContain('Deze code is al gebruikt.');

      // A retry of the first answers (say the reply was lost) is recognised, even without a ticket.
      b.jar.delete('lk_code');
      const retry = await refused(() => b.submit(first), 409, 'already-received');
      expect(cookieSet(retry, 'lk_done')).toBeUndefined();

      // And typing it again is refused too.
      const before = await snapshot(ctx.db);
      const again = await b.postForm('/code?lang=nl', { code: code! });
      expect(again.status).toBe(409);
      expect(again.text).toContain('Deze code is al gebruikt.');
      expect(cookieSet(again, 'lk_code')).toBeUndefined();
      expect(await snapshot(ctx.db)).toEqual(before);
      expect(await rows(ctx.db, 'select id from response')).toHaveLength(1);
    });

    it('lets only one of two submissions sent at the same time with one code through', async () => {
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 1);
      const b = await withCode(code!);
      const results = await Promise.all([b.submit(submissionFor(q, org.roundId, g0, () => 1)), b.submit(submissionFor(q, org.roundId, g0, () => 5))]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(errorOf(results.find((r) => r.status === 409)!).code).toBe('code-used');
      expect(await rows(ctx.db, 'select id from response')).toHaveLength(1);
      expect(await rows(ctx.db, 'select submission_id from submission_receipt')).toHaveLength(1);
    });

    it('keeps a code unused when the answers are refused', async () => {
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 1);
      const b = await withCode(code!);
      await refused(() => b.submit({ ...submissionFor(q, org.roundId, g0), answers: {} }), 400, 'validation-failed');
      await refused(() => b.submit(submissionFor(q, org.roundId, g1)), 409, 'wrong-group');
      expect(await rows(ctx.db, 'select used from access_code')).toEqual([{ used: 0 }]);
      await b.submit(submissionFor(q, org.roundId, g0)).expect(200);
      expect(await rows(ctx.db, 'select used from access_code')).toEqual([{ used: 1 }]);
    });
  });

  describe('code entry', () => {
    it('refuses a wrong code with 400 and no ticket', async () => {
      await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 3);
      const b = new Browser(ctx.app);
      await b.get('/code?lang=nl').expect(200);
      const before = await snapshot(ctx.db);
      const res = await b.postForm('/code?lang=nl', { code: 'ACDE-2345' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Deze code klopt niet.');
      expect(cookieSet(res, 'lk_code')).toBeUndefined();
      const empty = await b.postForm('/code?lang=nl', { code: '   ' });
      expect(empty.status).toBe(400);
      expect(cookieSet(empty, 'lk_code')).toBeUndefined();
      expect(await snapshot(ctx.db)).toEqual(before);
    });

    it.each([
      ['too large', 'nl', 413, 'Het verzoek is te groot.'],
      ['unreadable', 'en', 400, 'The request is not valid.'],
    ])('refuses a form that is %s in the young people’s own layout and language, not the staff pages’', async (_what, lang, status, message) => {
      const b = new Browser(ctx.app);
      await b.get(`/code?lang=${lang}`).expect(200);
      const before = await snapshot(ctx.db);
      const res = status === 413 ? await b.postForm(`/code?lang=${lang}`, { code: 'x'.repeat(70_000) }) : await b.postRaw(`/code?lang=${lang}`, 'application/json', '{"code":', { accept: 'text/html' });
      expect(res.status).toBe(status);
      expect(res.text).toContain('<body class="survey">');
      expect(res.text).toContain(`<html lang="${lang}"`);
      expect(res.text).toContain(message);
      expect(await snapshot(ctx.db)).toEqual(before);
    });

    it.each([
      ['lower case', (c: string) => c.toLowerCase()],
      ['spaces', (c: string) => ` ${c.replace('-', ' ')} `],
      ['no dash', (c: string) => c.replace('-', '')],
      ['lower case without dash', (c: string) => c.replace('-', '').toLowerCase()],
    ])('accepts a code typed with %s', async (_name, typed) => {
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 1);
      const b = await withCode(typed(code!));
      // The ticket really opens the questionnaire of this group.
      const page = await b.get('/survey/questions?lang=nl');
      expect(page.status).toBe(200);
      expect(page.text).toContain(org.roundId);
      expect(page.text).toContain(g0);
      // Typing it does not use it up.
      expect(await rows(ctx.db, 'select used from access_code')).toEqual([{ used: 0 }]);
    });

    it('slows down a client after 20 wrong codes (a group shares one Wi-Fi address): 429 with Retry-After, even for a right code', async () => {
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 1);
      const b = new Browser(ctx.app);
      await b.get('/code?lang=nl').expect(200);
      for (let i = 0; i < 20; i++) {
        const res = await b.postForm('/code?lang=nl', { code: `ACDE-${String(2300 + i).replace(/[01]/g, '9')}` });
        expect({ attempt: i + 1, status: res.status }).toEqual({ attempt: i + 1, status: 400 });
      }
      const blocked = await b.postForm('/code?lang=nl', { code: code! });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(blocked.text).toContain('Te veel pogingen.');
      expect(cookieSet(blocked, 'lk_code')).toBeUndefined();

      // After the wait, the right code works again.
      ctx.clock.set(new Date(ctx.clock.now().getTime() + Number(blocked.headers['retry-after']) * 1000 + 1).toISOString());
      await withCode(code!);
    });

    it('refuses a code of a round that is closed (409) or not open yet (409)', async () => {
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 1);
      const b = new Browser(ctx.app);
      await b.get('/code?lang=nl').expect(200);
      for (const status of ['closed', 'planned'] as const) {
        await setRoundStatus(ctx.db, org.roundId, status);
        const res = await b.postForm('/code?lang=nl', { code: code! });
        expect({ status, http: res.status }).toEqual({ status, http: 409 });
        expect(res.text).toContain('De vragenlijst is nu niet open.');
        expect(cookieSet(res, 'lk_code')).toBeUndefined();
      }
      expect(await rows(ctx.db, 'select used from access_code')).toEqual([{ used: 0 }]);
    });

    it('refuses the code form without its CSRF token', async () => {
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 1);
      const b = new Browser(ctx.app);
      await b.get('/code?lang=nl').expect(200);
      const res = await b.postForm('/code?lang=nl', { code: code! }, { csrf: false, accept: 'application/json' });
      expect(res.status).toBe(403);
      expect(errorOf(res).code).toBe('csrf-failed');
      expect(cookieSet(res, 'lk_code')).toBeUndefined();
    });
  });

  describe('a round that is not open', () => {
    it.each(['closed', 'planned'] as const)('refuses answers from a tablet in use when the round becomes %s', async (status) => {
      const b = await tablet();
      await b.get('/survey/questions?lang=nl').expect(200);
      await setRoundStatus(ctx.db, org.roundId, status);
      const res = await refused(() => b.submit(submissionFor(q, org.roundId, g0)), 409, 'round-not-open');
      expect(errorOf(res).message).toBe('De vragenlijst is nu niet open. Er is niets opgeslagen.');
    });

    it.each(['closed', 'planned'] as const)('refuses answers from a tablet of a round that is %s, and says so on the start screen', async (status) => {
      await setRoundStatus(ctx.db, org.roundId, status);
      const b = new Browser(ctx.app, [await tabletCookie(ctx.db, org.roundId, g0, org.users.group_leader.id)]);
      const start = await b.get('/survey');
      expect(start.status).toBe(200);
      expect(start.text).toContain('De vragenlijst is nu niet open');
      expect(start.text).not.toContain('/survey/questions');
      await refused(() => b.submit(submissionFor(q, org.roundId, g0)), 409, 'round-not-open');
    });

    it.each(['closed', 'planned'] as const)('refuses answers sent with a code when the round is %s, and keeps the code unused', async (status) => {
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 1);
      const b = await withCode(code!);
      await setRoundStatus(ctx.db, org.roundId, status);
      await refused(() => b.submit(submissionFor(q, org.roundId, g0)), 409, 'round-not-open');
      expect(await rows(ctx.db, 'select used from access_code')).toEqual([{ used: 0 }]);
    });
  });

  describe('forged or broken answers', () => {
    let b: Browser;
    let base: ReturnType<typeof submissionFor>;
    beforeEach(async () => {
      b = await tablet();
      base = submissionFor(q, org.roundId, g0, () => 3);
    });

    const withAnswer = (id: string, value: unknown) => ({ ...base, answers: { ...base.answers, [id]: value } });

    it.each<{ name: string; body: () => unknown; path: string; message?: RegExp }>([
      { name: 'an item that is not in the questionnaire', body: () => withAnswer('forged', 3), path: 'answers', message: /forged/ },
      { name: 'an item named constructor', body: () => withAnswer('constructor', 3), path: 'answers', message: /constructor/ },
      { name: 'an item named __proto__', body: () => JSON.parse(JSON.stringify(base).replace('"answers":{', '"answers":{"__proto__":3,')) as unknown, path: 'answers', message: /__proto__/ },
      { name: 'the value 0', body: () => withAnswer('s01', 0), path: 'answers.s01' },
      { name: 'the value 6', body: () => withAnswer('s01', 6), path: 'answers.s01' },
      { name: 'the value -1', body: () => withAnswer('a08', -1), path: 'answers.a08' },
      { name: 'the value 2.5', body: () => withAnswer('s01', 2.5), path: 'answers.s01' },
      { name: 'the value "3"', body: () => withAnswer('s01', '3'), path: 'answers.s01' },
      { name: 'the value null', body: () => withAnswer('s01', null), path: 'answers.s01' },
      { name: 'the value true', body: () => withAnswer('g04', true), path: 'answers.g04' },
      { name: 'no submission id', body: () => ({ ...base, submissionId: undefined }), path: 'submissionId' },
      { name: 'a submission id that is not a UUID', body: () => ({ ...base, submissionId: 'submission-1' }), path: 'submissionId' },
      { name: 'no answers', body: () => ({ ...base, answers: undefined }), path: 'answers' },
      { name: 'answers that are a list', body: () => ({ ...base, answers: [3, 3, 3] }), path: 'answers' },
      { name: 'no item answered', body: () => ({ ...base, answers: {} }), path: 'answers', message: /geen enkele vraag/ },
      { name: 'every item left empty', body: () => ({ ...base, answers: Object.fromEntries(q.items.map((i) => [i.id, undefined])) }), path: 'answers', message: /geen enkele vraag/ },
      { name: 'an open question that is not in the questionnaire', body: () => ({ ...base, open: { forged: 'x' } }), path: 'open', message: /forged/ },
      { name: 'an open answer that is too long', body: () => ({ ...base, open: { good: 'x'.repeat(2001) } }), path: 'open.good' },
      { name: 'an open answer that is not text', body: () => ({ ...base, open: { good: 42 } }), path: 'open.good' },
      { name: 'a field the page never sends', body: () => ({ ...base, clientIp: '10.0.0.1' }), path: '_form', message: /clientIp/ },
      { name: 'no round', body: () => ({ ...base, roundId: undefined }), path: 'roundId' },
    ])('refuses $name with 400 naming the field', async ({ body, path, message }) => {
      const res = await refused(() => b.submit(body()), 400, 'validation-failed');
      const error = errorOf(res);
      expect(error.message).toBe('Er klopt iets niet met de antwoorden. Er is niets opgeslagen.');
      expect(error.details.map((d) => d.path)).toContain(path);
      const detail = error.details.find((d) => d.path === path)!;
      expect(detail.message.length).toBeGreaterThan(0);
      if (message) expect(detail.message).toMatch(message);
    });

    it('refuses a body over 64 kB with 413', async () => {
      const body = { ...base, open: { good: 'x'.repeat(70_000) } };
      const res = await refused(() => b.submit(body), 413, 'bad-request');
      expect(errorOf(res).message).toBe('Het verzoek is te groot.');
    });

    it('refuses malformed JSON with 400', async () => {
      await refused(() => b.postRaw('/survey/submit?lang=nl', 'application/json', `{"submissionId":"${base.submissionId}","answers":{"s01":3`), 400, 'bad-request');
    });

    it.each(['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])('refuses a body of type %s with 400, even when it holds valid JSON', async (type) => {
      const res = await refused(() => b.postRaw('/survey/submit?lang=nl', type, JSON.stringify(base)), 400, 'validation-failed');
      expect(errorOf(res).details.map((d) => d.path)).toContain('submissionId');
    });
  });

  describe('who may send answers', () => {
    it("refuses a tablet sending answers for another group's round with 409 wrong-group", async () => {
      const b = await tablet(g0);
      const res = await refused(() => b.submit(submissionFor(q, org.roundId, g1)), 409, 'wrong-group');
      expect(errorOf(res).message).toContain('Deze vragenlijst hoort bij een andere groep of ronde.');
      await refused(() => b.submit({ ...submissionFor(q, org.roundId, g0), roundId: randomId() }), 409, 'wrong-group');
    });

    it('refuses answers without a ticket (403), also when a forged lk_code or lk_tablet cookie is sent', async () => {
      const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 1);
      const codeHash = hashCode(ctx.secret, code!);
      // A ticket of the right shape signed with another key.
      const payload = Buffer.from(JSON.stringify({ kind: 'code', round: org.roundId, group: g0, codeHash, expires: Date.parse('2099-01-01') })).toString('base64url');
      const forged = [
        [],
        ['lk_code=garbage'],
        [`lk_code=${payload}.${'0'.repeat(64)}`],
        [`lk_code=${payload}`],
        ['lk_tablet=garbage'],
        [`lk_tablet=${hashToken('not-a-tablet')}`],
        ['lk_done=garbage'],
      ];
      for (const cookies of forged) {
        const b = new Browser(ctx.app, cookies);
        await b.get('/code?lang=nl').expect(200);
        const res = await refused(() => b.submit(submissionFor(q, org.roundId, g0)), 403, 'survey-no-access');
        expect({ cookies, message: errorOf(res).message }).toEqual({ cookies, message: expect.stringContaining('Vul eerst je code in') });
      }
      expect(await rows(ctx.db, 'select used from access_code')).toEqual([{ used: 0 }]);
    });

    it('refuses a tablet whose tablet mode was ended', async () => {
      await ctx.db.updateTable('staff_user').set({ pin_hash: await pinHash('2468') }).where('id', '=', org.users.group_leader.id).execute();
      const b = await tablet();
      const kept = [...b.jar].map(([k, v]) => `${k}=${v}`);
      await b.submit(submissionFor(q, org.roundId, g0)).expect(200);
      await b.postForm('/tablet/leave?lang=nl', { pin: '2468' }).expect(303);
      // A browser that kept the old tablet cookie gets nothing more in.
      const old = new Browser(ctx.app, kept);
      await refused(() => old.submit(submissionFor(q, org.roundId, g0)), 403, 'survey-no-access');
    });

    it('refuses answers without the CSRF token, or with a wrong one (403)', async () => {
      const b = await tablet();
      const body = submissionFor(q, org.roundId, g0);
      const res = await refused(() => b.submit(body, { csrf: false }), 403, 'csrf-failed');
      expect(res.body.error.message.length).toBeGreaterThan(0);
      const cookiesWith = (csrfCookie: string | undefined) =>
        [...[...b.jar].filter(([k]) => k !== 'lk_csrf'), ...(csrfCookie ? [['lk_csrf', csrfCookie]] : [])].map(([k, v]) => `${k}=${v}`).join('; ');
      const raw = (cookie: string, header: string) =>
        request(ctx.app).post('/survey/submit?lang=nl').set('Cookie', cookie).set('Accept', 'application/json').set('x-csrf-token', header).send(body);
      // A token that does not match the cookie.
      await refused(() => raw(cookiesWith(b.csrf), 'not-the-token'), 403, 'csrf-failed');
      // The header without the cookie: a new cookie is made, which the header cannot match.
      await refused(() => raw(cookiesWith(undefined), b.csrf), 403, 'csrf-failed');
      // The same answers with the token go through: the refusals were about the token alone.
      await b.submit(body).expect(200);
    });
  });

  describe('tablet mode', () => {
    const start = (role: 'administrator' | 'manager' | 'group_leader' | 'municipality_viewer', groupId: string) =>
      request(ctx.app).post('/tablet/start').set('Cookie', org.users[role].cookie).set('Accept', 'application/json').type('form').send({ _csrf: org.users[role].csrf, groupId });

    const sessionsOf = async (userId: string) => (await ctx.db.selectFrom('staff_session').select('user_id').where('user_id', '=', userId).execute()).length;

    it('starts for a group leader on their own group, sets lk_tablet and ends the staff session', async () => {
      const gl = org.users.group_leader;
      expect(await sessionsOf(gl.id)).toBe(1);
      const res = await start('group_leader', g0);
      expect(res.status).toBe(303);
      expect(res.headers['location']).toBe('/survey');
      const token = cookieSet(res, 'lk_tablet');
      expect(token).toBeTruthy();
      expect(cookieSet(res, 'lk_session')).toBe('');
      expect(await sessionsOf(gl.id)).toBe(0);
      expect(await ctx.db.selectFrom('tablet_session').selectAll().execute()).toEqual([{ token_hash: hashToken(token!), round_id: org.roundId, group_id: g0, started_by: gl.id }]);

      // The old staff cookie no longer opens staff pages; the tablet cookie opens the survey.
      const staffPage = await request(ctx.app).get('/staff').set('Cookie', gl.cookie).set('Accept', 'text/html');
      expect(staffPage.status).toBe(303);
      expect(staffPage.headers['location']).toMatch(/^\/login/);
      const b = new Browser(ctx.app, [`lk_tablet=${token}`]);
      const survey = await b.get('/survey');
      expect(survey.status).toBe(200);
      expect(survey.text).toContain('Groep 1');
      await b.submit(submissionFor(q, org.roundId, g0)).expect(200);
    });

    it("refuses a group leader another group's tablet (400) and a municipality viewer (403)", async () => {
      const other = await start('group_leader', g1);
      expect(other.status).toBe(400);
      expect(errorOf(other).message).toBe('Deze groep doet nu niet mee aan een open meetronde.');
      expect(cookieSet(other, 'lk_tablet')).toBeUndefined();
      expect(await sessionsOf(org.users.group_leader.id)).toBe(1);

      const viewer = await start('municipality_viewer', g0);
      expect(viewer.status).toBe(403);
      expect(errorOf(viewer).code).toBe('forbidden');
      expect(cookieSet(viewer, 'lk_tablet')).toBeUndefined();
      expect(await sessionsOf(org.users.municipality_viewer.id)).toBe(1);

      const anonymous = await request(ctx.app).post('/tablet/start').set('Cookie', 'lk_csrf=t').set('Accept', 'application/json').type('form').send({ _csrf: 't', groupId: g0 });
      expect(anonymous.status).toBe(401);
      expect(await rows(ctx.db, 'select * from tablet_session')).toEqual([]);
    });

    it('refuses a group whose round is not open (400)', async () => {
      await setRoundStatus(ctx.db, org.roundId, 'closed');
      const res = await start('manager', g1);
      expect(res.status).toBe(400);
      expect(errorOf(res).code).toBe('validation-failed');
      expect(await rows(ctx.db, 'select * from tablet_session')).toEqual([]);
    });

    describe('leaving with a PIN', () => {
      let b: Browser;
      let token: string;
      beforeEach(async () => {
        await ctx.db.updateTable('staff_user').set({ pin_hash: await pinHash('4821') }).where('id', '=', org.users.group_leader.id).execute();
        const res = await start('group_leader', g0).expect(303);
        token = cookieSet(res, 'lk_tablet')!;
        b = new Browser(ctx.app, [`lk_tablet=${token}`]);
        await b.get('/tablet/leave?lang=nl').expect(200);
      });

      const tabletSessions = () => rows(ctx.db, 'select token_hash from tablet_session');

      it('refuses a wrong PIN (401) and ends tablet mode with the right one (303 /login)', async () => {
        const wrong = await b.postForm('/tablet/leave?lang=nl', { pin: '0000' });
        expect(wrong.status).toBe(401);
        expect(wrong.text).toContain('Deze pincode klopt niet.');
        expect(cookieSet(wrong, 'lk_tablet')).toBeUndefined();
        expect(await tabletSessions()).toEqual([{ token_hash: hashToken(token) }]);

        const right = await b.postForm('/tablet/leave?lang=nl', { pin: '4821' });
        expect(right.status).toBe(303);
        expect(right.headers['location']).toBe('/login');
        expect(cookieSet(right, 'lk_tablet')).toBe('');
        expect(await tabletSessions()).toEqual([]);

        // The token itself is dead, even if a browser kept it.
        // The stopped tablet says so (and forgets its cookie) instead of asking a child for a code.
        const again = new Browser(ctx.app, [`lk_tablet=${token}`]);
        const survey = await again.get('/survey');
        expect(survey.status).toBe(200);
        expect(survey.text).toContain('Deze tablet is klaar');
        expect(cookieSet(survey, 'lk_tablet')).toBe('');
      });

      it('slows down after 5 wrong PINs: 429 with Retry-After, even for the right PIN', async () => {
        for (let i = 0; i < 5; i++) {
          const res = await b.postForm('/tablet/leave?lang=nl', { pin: `000${i}` });
          expect({ attempt: i + 1, status: res.status }).toEqual({ attempt: i + 1, status: 401 });
        }
        const blocked = await b.postForm('/tablet/leave?lang=nl', { pin: '4821' });
        expect(blocked.status).toBe(429);
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
        expect(blocked.text).toContain('Te veel pogingen.');
        expect(await tabletSessions()).toEqual([{ token_hash: hashToken(token) }]);

        ctx.clock.set(new Date(ctx.clock.now().getTime() + Number(blocked.headers['retry-after']) * 1000 + 1).toISOString());
        const right = await b.postForm('/tablet/leave?lang=nl', { pin: '4821' });
        expect(right.status).toBe(303);
        expect(await tabletSessions()).toEqual([]);
      });

      it("does not take the PIN of staff who neither started it nor lead the group", async () => {
        await ctx.db.updateTable('staff_user').set({ pin_hash: await pinHash('1357') }).where('id', '=', org.users.manager.id).execute();
        const res = await b.postForm('/tablet/leave?lang=nl', { pin: '1357' });
        expect(res.status).toBe(401);
        expect(await tabletSessions()).toEqual([{ token_hash: hashToken(token) }]);
      });

      describe('or with a staff login', () => {
        const PASSWORD = 'Lang-genoeg-wachtwoord-1';
        const withPassword = async (userId: string) =>
          ctx.db.updateTable('staff_user').set({ password_hash: await pinHash(PASSWORD) }).where('id', '=', userId).execute();

        it('refuses a wrong password (401) and, with the right one, stops the tablet without leaving a staff session on it (303 /login)', async () => {
          const gl = org.users.group_leader;
          await withPassword(gl.id);
          const wrong = await b.postForm('/tablet/leave?lang=nl', { email: gl.email, password: 'niet-dit' });
          expect(wrong.status).toBe(401);
          expect(cookieSet(wrong, 'lk_session')).toBeUndefined();
          expect(await tabletSessions()).toEqual([{ token_hash: hashToken(token) }]);

          const right = await b.postForm('/tablet/leave?lang=nl', { email: gl.email, password: PASSWORD });
          expect(right.status).toBe(303);
          expect(right.headers['location']).toBe('/login');
          expect(cookieSet(right, 'lk_tablet')).toBe('');
          expect(cookieSet(right, 'lk_session')).toBeUndefined();
          expect(await ctx.db.selectFrom('staff_session').select('token_hash').where('user_id', '=', gl.id).execute()).toHaveLength(0);
          expect(await tabletSessions()).toEqual([]);
        });

        it("does not let staff of another institution end this institution's tablet", async () => {
          const other = await buildInstitution(ctx.db, { name: 'Andere Stichting' });
          await withPassword(other.users.administrator.id);
          const res = await b.postForm('/tablet/leave?lang=nl', { email: other.users.administrator.email, password: PASSWORD });
          expect({ status: res.status, refused: [401, 403].includes(res.status) }).toEqual({ status: res.status, refused: true });
          expect(cookieSet(res, 'lk_session')).toBeUndefined();
          expect(await tabletSessions()).toEqual([{ token_hash: hashToken(token) }]);
        });

        it('does not let a municipality viewer end a tablet', async () => {
          const viewer = org.users.municipality_viewer;
          await withPassword(viewer.id);
          const res = await b.postForm('/tablet/leave?lang=nl', { email: viewer.email, password: PASSWORD });
          expect({ status: res.status, refused: [401, 403].includes(res.status) }).toEqual({ status: res.status, refused: true });
          expect(await tabletSessions()).toEqual([{ token_hash: hashToken(token) }]);
        });
      });

      it('refuses leaving without the CSRF token', async () => {
        const res = await b.postForm('/tablet/leave?lang=nl', { pin: '4821' }, { csrf: false, accept: 'application/json' });
        expect(res.status).toBe(403);
        expect(errorOf(res).code).toBe('csrf-failed');
        expect(await tabletSessions()).toEqual([{ token_hash: hashToken(token) }]);
      });
    });
  });

  describe('"I would like to talk to someone"', () => {
    /** A young person's tablet that just sent answers. */
    async function sent(groupId = g0, startedBy = org.users.group_leader.id): Promise<Browser> {
      const b = await tablet(groupId, startedBy);
      await b.submit(submissionFor(q, org.roundId, groupId)).expect(200);
      return b;
    }

    const staffHome = (role: 'manager' | 'group_leader') => request(ctx.app).get('/staff').set('Cookie', org.users[role].cookie).set('Accept', 'text/html');
    const markHandled = (role: 'administrator' | 'manager' | 'group_leader' | 'municipality_viewer', id: string) =>
      request(ctx.app).post(`/talk-requests/${id}/handled`).set('Cookie', org.users[role].cookie).set('Accept', 'application/json').type('form').send({ _csrf: org.users[role].csrf });

    it('records once that someone in the group asked, on which day, with no link to the answers', async () => {
      ctx.clock.set('2026-11-23T13:45:12.345Z');
      const b = await sent();
      const res = await b.postForm('/survey/talk?lang=nl');
      expect(res.status).toBe(303);
      expect(res.headers['location']).toBe('/survey/talk');
      const requests = await ctx.db.selectFrom('talk_request').selectAll().execute();
      expect(requests).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{32}$/), round_id: org.roundId, group_id: g0, requested_on: '2026-11-23', handled: 0 }]);
      expect(requests[0]!.requested_on).toMatch(DAY);
      expect(await columnsOf(ctx.db, 'talk_request')).toEqual(['id', 'round_id', 'group_id', 'requested_on', 'handled']);
      const [response] = await rows<{ id: string }>(ctx.db, 'select id from response');
      expect(Object.values(requests[0]!)).not.toContain(response!.id);
      expect((await b.get('/survey/talk?lang=nl')).status).toBe(200);

      const second = await b.postForm('/survey/talk?lang=nl');
      expect(second.status).toBe(303);
      expect(await rows(ctx.db, 'select id from talk_request')).toHaveLength(1);
    });

    it('does not add a second request when the "just sent" ticket is replayed', async () => {
      const b = await sent();
      const ticket = b.jar.get('lk_done')!;
      await b.postForm('/survey/talk?lang=nl').expect(303);
      expect(await rows(ctx.db, 'select id from talk_request')).toHaveLength(1);
      b.put(`lk_done=${ticket}`);
      await b.postForm('/survey/talk?lang=nl');
      expect(await rows(ctx.db, 'select id from talk_request')).toHaveLength(1);
    });

    it('is refused without a "just sent" ticket (403)', async () => {
      const b = await tablet();
      const res = await refused(() => b.postForm('/survey/talk?lang=nl', {}, { accept: 'application/json' }), 403, 'survey-no-access');
      expect(res.status).toBe(403);
      const forged = new Browser(ctx.app, [...[...b.jar].map(([k, v]) => `${k}=${v}`), 'lk_done=forged.ticket']);
      await refused(() => forged.postForm('/survey/talk?lang=nl', {}, { accept: 'application/json' }), 403, 'survey-no-access');
      // The next young person starts clean: the start screen forgets the one before's ticket.
      const done = await sent();
      expect(done.jar.get('lk_done')).toBeTruthy();
      await done.get('/survey').expect(200);
      expect(done.jar.has('lk_done')).toBe(false);
      await refused(() => done.postForm('/survey/talk?lang=nl', {}, { accept: 'application/json' }), 403, 'survey-no-access');
    });

    it('is refused without the CSRF token', async () => {
      const b = await sent();
      await refused(() => b.postForm('/survey/talk?lang=nl', {}, { csrf: false, accept: 'application/json' }), 403, 'csrf-failed');
    });

    it("shows on the group leader's home page until marked handled", async () => {
      const b = await sent();
      await b.postForm('/survey/talk?lang=nl').expect(303);
      const [{ id }] = (await rows<{ id: string }>(ctx.db, 'select id from talk_request')) as [{ id: string }];
      // Not on the day itself: a request that appeared at once would show who just asked.
      expect((await staffHome('group_leader')).text).not.toContain(`/talk-requests/${id}/handled`);
      await markHandled('group_leader', id).expect(404);
      ctx.clock.set(new Date(ctx.clock.now().getTime() + 86_400_000).toISOString());
      const home = await staffHome('group_leader');
      expect(home.status).toBe(200);
      expect(home.text).toContain(`/talk-requests/${id}/handled`);

      await markHandled('municipality_viewer', id).expect(403);
      const res = await markHandled('group_leader', id);
      expect(res.status).toBe(303);
      expect(res.headers['location']).toBe('/staff');
      expect(await rows(ctx.db, 'select handled from talk_request')).toEqual([{ handled: 1 }]);
      expect((await staffHome('group_leader')).text).not.toContain(`/talk-requests/${id}/handled`);
      // Handled once is handled: a second time finds nothing open.
      await markHandled('group_leader', id).expect(404);
    });

    it("is neither shown to nor handled by a group leader of another group", async () => {
      const b = await sent(g1, org.users.manager.id);
      await b.postForm('/survey/talk?lang=nl').expect(303);
      const [{ id }] = (await rows<{ id: string }>(ctx.db, 'select id from talk_request')) as [{ id: string }];
      ctx.clock.set(new Date(ctx.clock.now().getTime() + 86_400_000).toISOString());
      expect((await staffHome('group_leader')).text).not.toContain(id);
      const res = await markHandled('group_leader', id);
      expect(res.status).toBe(404);
      expect(errorOf(res).code).toBe('not-found');
      expect(await rows(ctx.db, 'select handled from talk_request')).toEqual([{ handled: 0 }]);
      // A manager sees and handles every group of the institution.
      expect((await staffHome('manager')).text).toContain(`/talk-requests/${id}/handled`);
      await markHandled('manager', id).expect(303);
      expect(await rows(ctx.db, 'select handled from talk_request')).toEqual([{ handled: 1 }]);
    });
  });

  describe('anonymity', () => {
    it('keeps no column for time, place in order, address, device or person in the survey tables', async () => {
      const words = /(time|date|day|agent|device|order|sequence|created|updated|user|session|position|browser|address)/;
      const parts = new Set(['at', 'on', 'ip', 'seq', 'ts', 'by', 'when', 'name', 'email']);
      const found: string[] = [];
      for (const table of ANONYMOUS_TABLES) {
        const columns = await columnsOf(ctx.db, table);
        expect({ table, hasColumns: columns.length > 0 }).toEqual({ table, hasColumns: true });
        for (const column of columns) {
          if (words.test(column) || column.split('_').some((p) => parts.has(p))) found.push(`${table}.${column}`);
        }
      }
      // A day, on purpose: staff need to know a request is recent. And who started a tablet, for
      // the audit trail and for leaving by PIN; nothing links a tablet to a response.
      expect(found.sort()).toEqual(['tablet_session.started_by', 'talk_request.requested_on']);
    });

    it('gives responses random UUIDv4 ids that do not follow the order they were sent in', async () => {
      const b = await tablet();
      // Each response recognisable by its first two answers: s01 = 1 + i % 5, s02 = 1 + ⌊i / 5⌋.
      for (let i = 0; i < 20; i++) {
        const body = submissionFor(q, org.roundId, g0, () => 3);
        body.answers['s01'] = 1 + (i % 5);
        body.answers['s02'] = 1 + Math.floor(i / 5);
        await b.submit(body).expect(200);
      }
      const stored = await rows<{ id: string; s01: number; s02: number }>(
        ctx.db,
        `select r.id, a.value as s01, b.value as s02 from response r
           join response_answer a on a.response_id = r.id and a.item_id = 's01'
           join response_answer b on b.response_id = r.id and b.item_id = 's02'
         order by r.id`,
      );
      expect(stored).toHaveLength(20);
      for (const r of stored) expect(r.id).toMatch(UUID_V4);
      const order = stored.map((r) => (r.s02 - 1) * 5 + (r.s01 - 1));
      expect([...order].sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
      expect(order).not.toEqual([...Array(20).keys()]);
      // Nor does the table's own order: SQLite keeps the rows in key order; PostgreSQL's rows of
      // a round are written anew in key order when the round closes.
      if (testDialect === 'postgres') await closeAsScheduled();
      expect(await storedOrder(ctx.db, 'response', 'id')).toEqual(stored.map((r) => r.id));
    });

    /** The scheduler's step on the day after the round's last day: the real way a round closes. */
    async function closeAsScheduled(): Promise<void> {
      ctx.clock.set('2026-12-01T08:00:00.000Z');
      expect((await runSchedule(ctx.db, ctx.questionnaires, ctx.clock)).closed).toBe(1);
    }

    it('keeps nothing in the survey tables that tells in which order answers came', async () => {
      if (testDialect === 'sqlite') {
        // WITHOUT ROWID tables: no hidden, increasing row number.
        for (const table of SURVEY_TABLES) {
          await expect(sql.raw(`select rowid from ${table}`).execute(ctx.db)).rejects.toThrow(/no such column: rowid/);
        }
        return;
      }
      // PostgreSQL: rows carry their writing transaction (xmin) and place (ctid). Answers with
      // codes, open answers and a talk request, one after another; then the round closes.
      const codes = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 6);
      for (const code of codes) {
        const b = await withCode(code);
        const body = submissionFor(q, org.roundId, g0, () => 2);
        body.open = { good: `goed ${code}` };
        expect((await b.submit(body)).status).toBe(200);
        expect((await b.postForm('/survey/talk?lang=nl')).status).toBe(303);
      }
      expect(await writingTransactions(ctx.db, 'response')).toBe(6);
      await closeAsScheduled();
      for (const [table, key] of [
        ['response', 'id'],
        ['open_answer', 'id'],
        ['submission_receipt', 'submission_id'],
        ['talk_request', 'id'],
        ['access_code', 'code_hash'],
      ] as const) {
        // One transaction wrote all of them, and they lie in the order of their random keys.
        expect({ table, transactions: await writingTransactions(ctx.db, table) }).toEqual({ table, transactions: 1 });
        if (table !== 'access_code') {
          const order = await storedOrder(ctx.db, table, key);
          expect({ table, order }).toEqual({ table, order: [...order].sort() });
        }
      }
      const answers = await rows<{ response_id: string; item_id: string }>(ctx.db, 'select response_id, item_id from response_answer order by ctid');
      expect(answers.map((a) => `${a.response_id}|${a.item_id}`)).toEqual(answers.map((a) => `${a.response_id}|${a.item_id}`).sort());
      expect(await writingTransactions(ctx.db, 'response_answer')).toBe(1);
      // Everything is still there.
      expect((await rows<{ n: number }>(ctx.db, 'select count(*) as n from response'))[0]!.n).toBe(6);
    });

    it('does not remember the language a young person chose', async () => {
      const b = await tablet();
      // The choice is kept for this young person only (until the answers are sent), and the start
      // screen stays at its plain address, so the browser's history does not keep it either.
      const chosen = await b.get('/survey?lang=en');
      expect(chosen.status).toBe(303);
      expect(chosen.headers['location']).toBe('/survey');
      expect(cookieSet(chosen, 'lk_lang')).toBeUndefined();
      expect(cookieSet(chosen, 'lk_survey_lang')).toBe('en');
      const res = await b.get('/survey');
      expect(res.text).toContain('<html lang="en"');
      for (const url of ['/survey/questions?lang=en', '/code?lang=en', '/tablet/leave?lang=en']) {
        const page = await b.get(url);
        expect({ url, status: page.status, lk_lang: cookieSet(page, 'lk_lang') }).toEqual({ url, status: 200, lk_lang: undefined });
      }
      // The next young person gets the default language again.
      await b.get('/survey?fresh=1').expect(303);
      const next = await b.get('/survey');
      expect(next.text).toContain('<html lang="nl"');
      // A staff page does remember it: the check above would see the cookie.
      const staff = await request(ctx.app).get('/login?lang=en');
      expect(cookieSet(staff, 'lk_lang')).toBe('en');
    });
  });
});

/**
 * SPEC §4.1: logs hold no answers, codes, addresses or user agents. The young people's requests
 * write no line at all (a line carries its time); staff requests around them still do, so the
 * capture below is known to work.
 */
describe('the log around a survey', () => {
  const ADDRESS = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b|::ffff|::1\b/i;
  const AGENT = 'Mozilla/5.0 (Linux; Android 9; Groepstablet-Zonnebloem) LeefklimaatProbe/7.7';
  let ctx: Ctx;
  let org: Org;
  let q: Questionnaire;
  const calls: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
  const lines: string[] = [];

  /** Everything logged, as written and as called, without the two fields that are numbers by nature. */
  const logText = () =>
    [...lines, ...calls.map((c) => JSON.stringify(c))]
      .join('\n')
      .replace(/"time":"[^"]*"/g, '')
      .replace(/"ms":[\d.e+-]+/g, '');
  const loggedRoutes = () => calls.map((c) => `${c.message} ${String(c.fields?.['method'])} ${String(c.fields?.['route'])} ${String(c.fields?.['status'])}`);

  beforeEach(async () => {
    calls.length = 0;
    lines.length = 0;
    const formatted = createLogger('debug', (line) => lines.push(line));
    const record =
      (level: keyof Logger) =>
      (message: string, fields?: Record<string, unknown>): void => {
        calls.push({ level, message, fields });
        formatted[level](message, fields);
      };
    const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    ctx = await createTestApp({ LOG_LEVEL: 'silent' }, { logger });
    org = await buildInstitution(ctx.db);
    q = ctx.questionnaires.get('lk-jeugd', 1)!;
  });
  afterEach(() => ctx.cleanup());

  const staff = (role: 'manager' | 'group_leader') => ({ cookie: org.users[role].cookie, csrf: org.users[role].csrf });

  it('holds no code, answer, open text, address or user agent; nor does the database', async () => {
    const g0 = org.groups[0]!;
    const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, g0, 1);
    const OPEN = 'Zeldzame-zin-XYZZY-4711 over de groep';
    const WRONG = 'QQQQ-WWWW';
    const b = new Browser(ctx.app, [], { 'User-Agent': AGENT });

    await b.get('/code?lang=nl').expect(200);
    await b.postForm('/code?lang=nl', { code: WRONG }).expect(400);
    const typed = code!.toLowerCase().replace('-', ' ');
    await b.postForm('/code?lang=nl', { code: typed }).expect(303);
    const ticket = b.jar.get('lk_code')!;
    await b.get('/survey').expect(200);
    await b.get('/survey/questions?lang=nl').expect(200);

    const body = submissionFor(q, org.roundId, g0, (i) => (i % 5) + 1);
    body.open = { good: OPEN };
    // Refused first (a forged item, then broken JSON holding the text), then sent, then sent again.
    await b.submit({ ...body, answers: { ...body.answers, forged: 4 } }).expect(400);
    await b.postRaw('/survey/submit?lang=nl', 'application/json', `{"open":{"good":"${OPEN}"`).expect(400);
    await b.submit(body).expect(200);
    await b.submit(body).expect(409);
    await b.postForm('/survey/talk?lang=nl').expect(303);
    await b.get('/survey/thanks?lang=nl').expect(200);
    await b.postForm('/code?lang=nl', { code: code! }).expect(409);

    // Staff, the next day: the home page with the request, and marking it handled.
    const [{ id }] = (await rows<{ id: string }>(ctx.db, 'select id from talk_request')) as [{ id: string }];
    ctx.clock.set(new Date(ctx.clock.now().getTime() + 86_400_000).toISOString());
    await request(ctx.app).get('/staff').set('Cookie', staff('group_leader').cookie).set('User-Agent', AGENT).expect(200);
    await request(ctx.app)
      .post(`/talk-requests/${id}/handled`)
      .set('Cookie', staff('group_leader').cookie)
      .set('User-Agent', AGENT)
      .type('form')
      .send({ _csrf: staff('group_leader').csrf })
      .expect(303);

    expect(loggedRoutes()).toEqual(['request GET /staff 200', 'request POST /talk-requests/:id/handled 303']);
    expect(lines).toHaveLength(calls.length);

    const log = logText();
    const secrets = {
      code: code!,
      normalised: normaliseCode(code!),
      typed,
      wrong: WRONG,
      wrongNormalised: normaliseCode(WRONG),
      codeHash: hashCode(ctx.secret, code!),
      ticket: ticket.split('.')[0]!,
      openText: 'XYZZY-4711',
      answers: JSON.stringify(body.answers),
      answerPair: '"s01":1',
      submissionId: body.submissionId,
      agent: 'LeefklimaatProbe',
      device: 'Groepstablet-Zonnebloem',
    };
    for (const [what, secret] of Object.entries(secrets)) {
      expect({ what, inLog: log.toUpperCase().includes(secret.toUpperCase()) }).toEqual({ what, inLog: false });
    }
    expect(log).not.toMatch(ADDRESS);

    // Nor is any of it stored anywhere — except the open text itself, in open_answer.
    const stored = await everyStoredValue(ctx.db);
    const where = (needle: string | RegExp) =>
      stored.filter((v) => (typeof needle === 'string' ? v.value.toUpperCase().includes(needle.toUpperCase()) : needle.test(v.value))).map((v) => `${v.table}.${v.column}`);
    expect(where('XYZZY-4711')).toEqual(['open_answer.text']);
    for (const needle of [code!, normaliseCode(code!), typed, WRONG, normaliseCode(WRONG), 'LeefklimaatProbe', 'Groepstablet-Zonnebloem', ADDRESS]) {
      expect({ needle: String(needle), where: where(needle) }).toEqual({ needle: String(needle), where: [] });
    }
    expect(where(body.submissionId)).toEqual(['submission_receipt.submission_id']);
  });

  it('holds no tablet token, PIN or answer when a tablet is started, used and left', async () => {
    const g0 = org.groups[0]!;
    const gl = org.users.group_leader;
    await ctx.db.updateTable('staff_user').set({ pin_hash: await pinHash('9753') }).where('id', '=', gl.id).execute();
    const started = await request(ctx.app).post('/tablet/start').set('Cookie', gl.cookie).set('User-Agent', AGENT).type('form').send({ _csrf: gl.csrf, groupId: g0 }).expect(303);
    const token = cookieSet(started, 'lk_tablet')!;
    const b = new Browser(ctx.app, [`lk_tablet=${token}`], { 'User-Agent': AGENT });
    await b.get('/survey').expect(200);
    const body = submissionFor(q, org.roundId, g0, () => 4);
    body.open = { change: 'Unieke-wens-QWERTY-8080' };
    await b.submit(body).expect(200);
    await b.get('/tablet/leave?lang=nl').expect(200);
    await b.postForm('/tablet/leave?lang=nl', { pin: '1111' }).expect(401);
    await b.postForm('/tablet/leave?lang=nl', { pin: '9753' }).expect(303);
    await request(ctx.app).get('/staff').set('Cookie', org.users.manager.cookie).set('User-Agent', AGENT).expect(200);

    expect(loggedRoutes()).toEqual(['request GET /staff 200']);
    const log = logText();
    for (const secret of [token, hashToken(token), '9753', '1111', 'QWERTY-8080', JSON.stringify(body.answers), body.submissionId, 'LeefklimaatProbe']) {
      expect({ secret, inLog: log.includes(secret) }).toEqual({ secret, inLog: false });
    }
    expect(log).not.toMatch(ADDRESS);
  });
});
