/**
 * `npm run bench:results`: how long the results take to come out of the real server
 * (`dist/src/main.js` as its own process, on a seeded database in a temporary folder), and how
 * long the institution's aggregate takes over a million responses.
 *
 * Two datasets, each in its own data folder, seeded through `prepare` (questionnaires checked,
 * database created and migrated, questionnaires registered) and then filled directly:
 *   A: 50 groups (5 locations, lk-jeugd v1) × 20 closed rounds × 10 responses = 10,000 responses;
 *   B: 500 groups (10 locations) × 20 closed rounds × 100 responses = 1,000,000 responses.
 * Every response answers all 32 items (values 1–5 from a seeded generator; BENCH_1M_ITEMS can
 * lower the answers per response of B only — never its number of responses). The rows go into
 * `response` / `response_answer` exactly as the survey writer leaves them (random UUIDs), so the
 * summaries are really computed from the answers: `summarizeClosedRounds` is called in-process
 * after seeding, with the server's own pragmas, and its time is reported (a one-time cost per
 * round: the server does it when a round closes). Seeding itself uses big `json_each` inserts with
 * `journal_mode = off, synchronous = off` (a bench database); its time is printed too.
 *
 * Measured (each figure: warm-up, then up to BENCH_REQUESTS sequential calls, median and p95):
 *   - over HTTP, on the server: GET /healthz (the baseline, measured in the same run, interleaved
 *     with the others: the machine is shared and noisy), the overview page GET /results?round=…,
 *     the group trend API GET /api/results/groups/:id (a different group each time), and the
 *     overview JSON GET /api/results/overview?round=…; signed in as a manager through a session
 *     inserted directly (no scrypt). Requests ask for gzip, as a browser does.
 *   - in-process, on the same database (the server stopped): the service functions overview(),
 *     groupRoundDetail() and institutionTrend() — the institution aggregate, which has no route
 *     yet — beside a baseline (`pingDatabase`, one cheap query); as a hint where the time goes,
 *     what the overview page does after overview() (overviewView(), the Handlebars render near
 *     enough as the route calls it, gzip), 1,000 formatNumber() calls, and the repository queries
 *     the service functions are made of.
 *
 * Budgets (the issue): overview page and group trend API ≤ 50 ms each on dataset A; the
 * institution aggregate over 1M responses ≤ 1 s.
 *
 * The LAST line of stdout is one JSON object (medians):
 *   {"overview_ms": …, "group_trend_ms": …, "aggregate_1m_ms": …, "baseline_ms": …, "summarise_1m_s": …, "overview_api_1m_ms": …}
 * overview_ms and group_trend_ms are HTTP round trips on dataset A; aggregate_1m_ms is
 * institutionTrend() in-process on dataset B; baseline_ms is GET /healthz on dataset A.
 * The process exits non-zero (and prints no JSON) when a check fails.
 *
 * Knobs (environment, all optional): BENCH_DIR (default os.tmpdir()), BENCH_REQUESTS (30),
 * BENCH_WARMUP (5), BENCH_MAX_SECONDS (90: stop measuring a dataset's endpoints after this long,
 * with at least 5 calls each), BENCH_SEED (1), BENCH_1M_ITEMS (32: answers per response in B),
 * BENCH_SKIP_1M=1 (dataset A only), BENCH_SERVER=dist (run `dist/src/main.js`; build first).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import sqlite3 from 'sqlite3';
import { hashToken } from '../src/auth/setup.service';
import { SESSION_COOKIE } from '../src/auth/session.service';
import type { CurrentUser } from '../src/auth/current-user';
import { insertUser } from '../src/auth/user.repository';
import { prepare } from '../src/bootstrap';
import { loadConfig } from '../src/config';
import { pingDatabase } from '../src/db/database';
import { createRandom, type Random } from '../src/demo/random';
import { insertGroup, insertInstitution, insertLocation } from '../src/organisation/organisation.repository';
import type { Questionnaire } from '../src/questionnaires/questionnaire';
import * as repo from '../src/results/results.repository';
import { groupRoundDetail, institutionTrend, isDetail, overview, type ResultsContext } from '../src/results/results.service';
import { formatNumber, overviewView } from '../src/results/results.view';
import { summarizeClosedRounds } from '../src/results/round-summary';
import { defaultWindow, periodLabel, periodOf, previousPeriod, type Period } from '../src/rounds/period';
import { insertRound, insertRoundGroups } from '../src/rounds/round.repository';
import { paths } from '../src/paths';
import { randomId, systemClock } from '../src/system';
import { createPageRenderer, type PageRenderer } from '../src/views/render';
import {
  ANSWERS_PER_RESPONSE,
  benchDir,
  envNumber,
  fmtInt,
  fmtMs,
  freePort,
  loadQuestionnaire,
  memoryBacked,
  median,
  percentile,
  QUESTIONNAIRE_ID,
  QUESTIONNAIRE_VERSION,
  rawClose,
  rawGet,
  rawOpen,
  rawRun,
  serverEnv,
  startServer,
  table,
  type RunningServer,
  sqliteFileOf,
} from './support';

// ---------------------------------------------------------------------------------------------
// Settings

const settings = {
  requests: Math.round(envNumber('BENCH_REQUESTS', 30, 1)),
  warmup: Math.round(envNumber('BENCH_WARMUP', 5, 0)),
  maxMs: envNumber('BENCH_MAX_SECONDS', 90, 1) * 1000,
  minRequests: 5,
  seed: Math.round(envNumber('BENCH_SEED', 1, 0)),
  items1m: Math.round(envNumber('BENCH_1M_ITEMS', ANSWERS_PER_RESPONSE, 4)),
  skip1m: process.env['BENCH_SKIP_1M'] === '1',
} as const;

const BUDGET = { overviewMs: 50, groupTrendMs: 50, aggregateMs: 1000 } as const;

interface Shape {
  readonly name: 'A' | 'B';
  readonly groups: number;
  readonly locations: number;
  readonly rounds: number;
  /** Responses per group per round. */
  readonly perCell: number;
  /** Items answered by every response. */
  readonly items: number;
}

const SHAPE_A: Shape = { name: 'A', groups: 50, locations: 5, rounds: 20, perCell: 10, items: ANSWERS_PER_RESPONSE };
const SHAPE_B: Shape = { name: 'B', groups: 500, locations: 10, rounds: 20, perCell: 100, items: settings.items1m };

const responsesOf = (s: Shape) => s.groups * s.rounds * s.perCell;

// ---------------------------------------------------------------------------------------------
// Seeding

interface Seeded {
  readonly shape: Shape;
  readonly dir: string;
  readonly port: number;
  readonly databaseFile: string;
  readonly institutionId: string;
  readonly groupIds: readonly string[];
  /** Oldest first. */
  readonly roundIds: readonly string[];
  readonly manager: CurrentUser;
  /** `lk_session=<token>`, for a Cookie header. */
  readonly cookie: string;
  readonly seedMs: number;
  readonly answers: number;
  readonly fileBytes: number;
}

/**
 * The items a response of `shape` answers: all of them, or (BENCH_1M_ITEMS) the first few of each
 * scale in turn, so that every scale keeps as many answers as it can. Sorted by id: the answers
 * then go into `response_answer` in its primary key's order.
 */
function itemsFor(q: Questionnaire, count: number): string[] {
  if (count >= q.items.length) return q.items.map((i) => i.id).sort();
  const byScale = q.scales.map((s) => q.items.filter((i) => i.scale === s.id).map((i) => i.id));
  const chosen: string[] = [];
  for (let at = 0; chosen.length < count; at++) for (const list of byScale) if (chosen.length < count && list[at] !== undefined) chosen.push(list[at]!);
  return chosen.sort();
}

/** The `rounds` periods (half-years) before the current one, oldest first: all closed in the past. */
function pastPeriods(rounds: number): Period[] {
  const periods: Period[] = [];
  let p = previousPeriod(periodOf(systemClock.now(), 6));
  for (let i = 0; i < rounds; i++, p = previousPeriod(p)) periods.unshift(p);
  return periods;
}

const ANSWERS_SQL =
  'insert into response_answer (response_id, item_id, value) ' +
  // CROSS JOIN keeps the responses as the outer loop: rows arrive in the primary key's order.
  'select r.value, i.value, cast(hex(substr(?3, r.key * ?4 + i.key + 1, 1)) as integer) from json_each(?1) as r cross join json_each(?2) as i';
const RESPONSES_SQL =
  'insert into response (id, round_id, group_id, questionnaire_id, questionnaire_version) ' +
  'select value ->> 0, value ->> 1, value ->> 2, ?2, ?3 from json_each(?1)';

async function seedResults(shape: Shape, q: Questionnaire, random: Random, dirs: string[]): Promise<Seeded> {
  const started = performance.now();
  const dir = benchDir(`leefklimaat-bench-results-${shape.name.toLowerCase()}-`);
  dirs.push(dir);
  const port = await freePort();
  const config = loadConfig(serverEnv(dir, port));
  const now = systemClock.now().toISOString();
  const institutionId = randomId();
  const locationIds = Array.from({ length: shape.locations }, () => randomId());
  const groupIds = Array.from({ length: shape.groups }, () => randomId());
  const periods = pastPeriods(shape.rounds);
  const roundIds = periods.map(() => randomId());
  const managerId = randomId();
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');

  // The organisation, closed rounds and a signed-in manager, through the repositories.
  const { db } = await prepare(config, systemClock);
  try {
    await db.transaction().execute(async (trx) => {
      await insertInstitution(trx, { id: institutionId, name: `Bench ${shape.name}`, cadence_months: 6, created_at: now });
      for (const [i, id] of locationIds.entries()) await insertLocation(trx, { id, institution_id: institutionId, name: `Locatie ${String(i + 1).padStart(2, '0')}` });
      for (const [i, id] of groupIds.entries()) {
        await insertGroup(trx, {
          id,
          location_id: locationIds[i % shape.locations]!,
          name: `Groep ${String(i + 1).padStart(3, '0')}`,
          places: shape.perCell + 2,
          questionnaire_id: QUESTIONNAIRE_ID,
          active: 1,
        });
      }
      for (const [i, period] of periods.entries()) {
        const window = defaultWindow(period);
        await insertRound(trx, { id: roundIds[i]!, institution_id: institutionId, period: periodLabel(period), opens_on: window.opensOn, closes_on: window.closesOn, status: 'closed' });
        await insertRoundGroups(
          trx,
          groupIds.map((g) => ({ round_id: roundIds[i]!, group_id: g, questionnaire_id: QUESTIONNAIRE_ID, questionnaire_version: QUESTIONNAIRE_VERSION })),
        );
      }
      await insertUser(trx, {
        id: managerId,
        institution_id: institutionId,
        municipality_id: null,
        email: 'manager@bench.example.org',
        display_name: 'Bench manager',
        role: 'manager',
        password_hash: 'scrypt$1$1$1$x$x',
        pin_hash: null,
        active: 1,
        created_at: now,
      });
      await trx
        .insertInto('staff_session')
        .values({ token_hash: hashToken(token), user_id: managerId, csrf_token: csrf, created_at: now, expires_at: '2099-01-01T00:00:00.000Z' })
        .execute();
    });
  } finally {
    await db.destroy();
  }

  // The responses and their answers, straight into the tables (a bench database: no journal, no fsync).
  const items = itemsFor(q, shape.items);
  const total = responsesOf(shape);
  const cells = shape.groups * shape.rounds;
  // Random ids as the survey writer makes them, inserted in id order (appending to the primary
  // key); which group and round each belongs to is shuffled, so a group's responses are spread
  // over the table as they are after months of surveys.
  const ids = Array.from({ length: total }, () => randomUUID()).sort();
  const cellOf = new Uint32Array(total);
  for (let i = 0; i < total; i++) cellOf[i] = i % cells;
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const t = cellOf[i]!;
    cellOf[i] = cellOf[j]!;
    cellOf[j] = t;
  }
  const raw = await rawOpen(sqliteFileOf(config));
  try {
    for (const pragma of ['journal_mode = off', 'synchronous = off', 'foreign_keys = off', 'cache_size = -1048576', 'temp_store = memory', 'locking_mode = exclusive']) {
      await rawGet(raw, `pragma ${pragma}`);
    }
    const batch = 20_000;
    const itemsJson = JSON.stringify(items);
    let lastReport = performance.now();
    for (let from = 0; from < total; from += batch) {
      const to = Math.min(total, from + batch);
      const responses: [string, string, string][] = [];
      const values = Buffer.alloc((to - from) * items.length);
      for (let i = from; i < to; i++) {
        const cell = cellOf[i]!;
        responses.push([ids[i]!, roundIds[Math.floor(cell / shape.groups)]!, groupIds[cell % shape.groups]!]);
      }
      for (let v = 0; v < values.length; v++) values[v] = 1 + Math.floor(random.next() * 5);
      await rawRun(raw, 'begin');
      await rawRun(raw, RESPONSES_SQL, [JSON.stringify(responses), QUESTIONNAIRE_ID, QUESTIONNAIRE_VERSION]);
      await rawRun(raw, ANSWERS_SQL, [JSON.stringify(ids.slice(from, to)), itemsJson, values, items.length]);
      await rawRun(raw, 'commit');
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(`  … ${fmtInt(to)} of ${fmtInt(total)} responses (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
  } finally {
    await rawClose(raw);
  }
  const seedMs = performance.now() - started;
  return {
    shape,
    dir,
    port,
    databaseFile: sqliteFileOf(config),
    institutionId,
    groupIds,
    roundIds,
    manager: {
      id: managerId,
      email: 'manager@bench.example.org',
      displayName: 'Bench manager',
      role: 'manager',
      institutionId,
      municipalityId: null,
      hasPin: false,
      csrfToken: csrf,
      sessionHash: hashToken(token),
    },
    cookie: `${SESSION_COOKIE}=${token}`,
    seedMs,
    answers: total * items.length,
    fileBytes: fs.statSync(sqliteFileOf(config)).size,
  };
}

/** What the database holds after seeding, read-only: responses, answers, values out of range. */
async function countSeeded(file: string): Promise<{ responses: number; answers: number; outOfRange: number }> {
  const db = await rawOpen(file, sqlite3.OPEN_READONLY);
  try {
    const responses = await rawGet<{ n: number }>(db, 'select count(*) as n from response');
    const answers = await rawGet<{ n: number; bad: number }>(db, 'select count(*) as n, total(value not between 1 and 5) as bad from response_answer');
    return { responses: Number(responses?.n), answers: Number(answers?.n), outOfRange: Number(answers?.bad) };
  } finally {
    await rawClose(db);
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring: named tasks, interleaved, each call timed on its own

interface Task {
  readonly label: string;
  readonly where: 'HTTP' | 'in-process';
  readonly baseline?: boolean;
  readonly budgetMs?: number;
  /** One call; returns the bytes on the wire (HTTP) or undefined, and throws when its check fails. */
  readonly call: (i: number) => Promise<{ wire?: number; decoded?: number } | void>;
}

interface Measured {
  readonly task: Task;
  readonly ms: number[];
  wire?: number;
  decoded?: number;
}

/**
 * Warm-up rounds, then rounds of every task in turn (so the baseline sees the same noise as the
 * rest), until `settings.requests` rounds or `settings.maxMs` (with at least `minRequests`).
 */
async function measureTasks(tasks: readonly Task[]): Promise<Measured[]> {
  const results: Measured[] = tasks.map((task) => ({ task, ms: [] }));
  let call = 0;
  for (let w = 0; w < settings.warmup; w++) for (const t of tasks) await t.call(call++);
  const started = performance.now();
  for (let r = 0; r < settings.requests; r++) {
    if (r >= settings.minRequests && performance.now() - started > settings.maxMs) break;
    for (const m of results) {
      const before = performance.now();
      const out = await m.task.call(call++);
      m.ms.push(performance.now() - before);
      if (out) {
        m.wire = out.wire;
        m.decoded = out.decoded;
      }
    }
  }
  return results;
}

const p95 = (ms: readonly number[]) => percentile(Float64Array.from(ms), 95);

// ---------------------------------------------------------------------------------------------
// HTTP

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly wire: number;
}

function get(agent: http.Agent, base: URL, pathAndQuery: string, cookie: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method: 'GET', path: pathAndQuery, headers: { cookie, 'accept-encoding': 'gzip' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const body = res.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, body: body.toString('utf8'), wire: raw.length });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function httpTasks(agent: http.Agent, base: URL, seeded: Seeded): Task[] {
  const { shape, groupIds, roundIds, cookie } = seeded;
  const latest = roundIds.at(-1)!;
  const fetchOk = async (what: string, pathAndQuery: string) => {
    const answer = await get(agent, base, pathAndQuery, cookie);
    if (answer.status !== 200) throw new Error(`${what}: GET ${pathAndQuery} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    return answer;
  };
  return [
    {
      label: 'baseline: GET /healthz',
      where: 'HTTP',
      baseline: true,
      call: async () => {
        const a = await fetchOk('baseline', '/healthz');
        if ((JSON.parse(a.body) as { status?: string }).status !== 'ok') throw new Error(`/healthz: ${a.body.slice(0, 200)}`);
        return { wire: a.wire, decoded: Buffer.byteLength(a.body) };
      },
    },
    {
      label: 'overview page: GET /results?round=<latest>',
      where: 'HTTP',
      ...(shape.name === 'A' ? { budgetMs: BUDGET.overviewMs } : {}),
      call: async () => {
        const a = await fetchOk('overview page', `/results?round=${encodeURIComponent(latest)}`);
        const shown = groupIds.filter((id) => a.body.includes(`/groups/${id}/results?round=${latest}`)).length;
        if (shown !== shape.groups) throw new Error(`overview page: links to ${shown} groups, expected ${shape.groups}`);
        return { wire: a.wire, decoded: Buffer.byteLength(a.body) };
      },
    },
    {
      label: 'group trend: GET /api/results/groups/:id',
      where: 'HTTP',
      ...(shape.name === 'A' ? { budgetMs: BUDGET.groupTrendMs } : {}),
      call: async (i) => {
        const groupId = groupIds[i % groupIds.length]!;
        const a = await fetchOk('group trend', `/api/results/groups/${encodeURIComponent(groupId)}`);
        const json = JSON.parse(a.body) as { group?: { id: string }; rounds?: unknown[]; round?: { roundId: string; shown: boolean }; institution?: unknown[]; items?: unknown[] };
        if (json.group?.id !== groupId) throw new Error(`group trend: for group ${json.group?.id}, expected ${groupId}`);
        if (json.rounds?.length !== shape.rounds) throw new Error(`group trend: ${json.rounds?.length} rounds, expected ${shape.rounds}`);
        if (json.institution?.length !== shape.rounds) throw new Error(`group trend: ${json.institution?.length} institution rounds, expected ${shape.rounds}`);
        if (json.round?.roundId !== latest || !json.round.shown || !json.items?.length) throw new Error('group trend: not the latest round in detail, shown with its items');
        return { wire: a.wire, decoded: Buffer.byteLength(a.body) };
      },
    },
    {
      label: 'overview JSON: GET /api/results/overview?round=<latest>',
      where: 'HTTP',
      call: async () => {
        const a = await fetchOk('overview JSON', `/api/results/overview?round=${encodeURIComponent(latest)}`);
        const json = JSON.parse(a.body) as { rounds?: unknown[]; round?: { id: string }; sections?: { groups: { trend: unknown[] }[] }[] };
        if (json.round?.id !== latest || json.rounds?.length !== shape.rounds) throw new Error('overview JSON: not the latest round, or not every round');
        const groups = json.sections?.[0]?.groups ?? [];
        if (json.sections?.length !== 1 || groups.length !== shape.groups) throw new Error(`overview JSON: ${groups.length} groups, expected ${shape.groups}`);
        // The overview's small multiples show the last 8 rounds (TREND_ROUNDS in results.service.ts).
        if (groups.some((g) => g.trend.length !== Math.min(8, shape.rounds))) throw new Error(`overview JSON: a group's trend has not ${Math.min(8, shape.rounds)} rounds`);
        return { wire: a.wire, decoded: Buffer.byteLength(a.body) };
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// In-process: the service functions and the queries they are made of

type Trend = Awaited<ReturnType<typeof institutionTrend>>;

function checkTrend(shape: Shape, trend: Trend): void {
  if (trend.instruments.length !== 1) throw new Error(`institutionTrend: ${trend.instruments.length} instruments, expected 1`);
  const rounds = trend.instruments[0]!.rounds;
  if (rounds.length !== shape.rounds) throw new Error(`institutionTrend: ${rounds.length} rounds, expected ${shape.rounds}`);
  if (rounds.some((r) => r.groupsMeasured !== shape.groups || r.groupsShown !== shape.groups)) throw new Error('institutionTrend: not every group measured and shown in every round');
  // Every respondent answered every scale: each scale's n over the rounds is every response.
  for (const scale of trend.instruments[0]!.instrument.scales) {
    const n = rounds.reduce((sum, r) => sum + (r.scales.find((s) => s.scaleId === scale.id)?.figure?.n ?? 0), 0);
    if (n !== responsesOf(shape)) throw new Error(`institutionTrend: scale ${scale.id} counts ${n} respondents, expected ${responsesOf(shape)}`);
  }
}

async function inProcessTasks(ctx: ResultsContext, seeded: Seeded, views: PageRenderer): Promise<Task[]> {
  const { shape, groupIds, roundIds, manager, institutionId } = seeded;
  const latest = roundIds.at(-1)!;
  // What the overview route does after overview(): the page's data, then Handlebars (with the
  // route's context, near enough: no navigation), then gzip (the compression middleware).
  const result = await overview(ctx, manager, { roundId: latest });
  const view = overviewView(result, 'nl');
  const sortLinks = { location: '/results?sort=location', group: '/results?sort=group', responses: '/results?sort=responses' };
  const renderPage = () =>
    views.render('results-overview', {
      lang: 'nl',
      user: manager,
      csrfToken: manager.csrfToken,
      nav: [],
      title: 'res.title',
      wide: true,
      result,
      view,
      query: { round: latest },
      exportQuery: `round=${latest}`,
      sortLinks,
      ariaSort: { location: 'ascending' },
      scaleSortLinks: Object.fromEntries(result.sections.flatMap((s) => s.instrument.scales).map((sc) => [sc.id, { href: `/results?sort=scale:${sc.id}` }])),
    });
  const html = renderPage();
  const aggregateTask: Task = {
    label: 'institution aggregate: institutionTrend()',
    where: 'in-process',
    ...(shape.name === 'B' ? { budgetMs: BUDGET.aggregateMs } : {}),
    call: async () => checkTrend(shape, await institutionTrend(ctx, manager)),
  };
  return [
    { label: 'baseline: pingDatabase (select 1 …)', where: 'in-process', baseline: true, call: async () => void (await pingDatabase(ctx.db)) },
    aggregateTask,
    {
      label: 'overview()',
      where: 'in-process',
      call: async () => {
        const o = await overview(ctx, manager, { roundId: latest });
        if (o.sections[0]?.groups.length !== shape.groups) throw new Error(`overview(): ${o.sections[0]?.groups.length} groups, expected ${shape.groups}`);
      },
    },
    {
      label: 'groupRoundDetail()',
      where: 'in-process',
      call: async (i) => {
        const d = await groupRoundDetail(ctx, manager, groupIds[i % groupIds.length]!);
        if (!isDetail(d) || d.rounds.length !== shape.rounds) throw new Error('groupRoundDetail(): not the detail of 20 rounds');
      },
    },
    {
      label: 'overview page, after overview(): overviewView()',
      where: 'in-process',
      call: async () => void overviewView(result, 'nl'),
    },
    { label: 'overview page: Handlebars render', where: 'in-process', call: async () => void renderPage() },
    { label: `overview page: gzip ${kb(Buffer.byteLength(html))}`, where: 'in-process', call: async () => void zlib.gzipSync(html) },
    {
      label: '  formatNumber() × 1,000',
      where: 'in-process',
      call: async (i) => {
        for (let n = 0; n < 1000; n++) formatNumber('nl', 1 + ((i + n) % 400) / 100);
      },
    },
    { label: '  query: summarizeClosedRounds (none pending)', where: 'in-process', call: async () => void (await summarizeClosedRounds(ctx.db, ctx.questionnaires)) },
    { label: '  query: closedRounds', where: 'in-process', call: async () => void (await repo.closedRounds(ctx.db, institutionId)) },
    { label: '  query: aggregateRows (all rounds)', where: 'in-process', call: async () => void (await repo.aggregateRows(ctx.db, institutionId, ctx.k, { roundIds })) },
    { label: '  query: measuredGroups (all rounds)', where: 'in-process', call: async () => void (await repo.measuredGroups(ctx.db, institutionId, ctx.k, { roundIds })) },
    { label: '  query: groupRounds (all)', where: 'in-process', call: async () => void (await repo.groupRounds(ctx.db, institutionId)) },
    { label: '  query: scaleRows (all)', where: 'in-process', call: async () => void (await repo.scaleRows(ctx.db, institutionId, {})) },
    { label: '  query: groupsOf', where: 'in-process', call: async () => void (await repo.groupsOf(ctx.db, institutionId)) },
  ];
}

// ---------------------------------------------------------------------------------------------
// One dataset: seed, summarise, measure in-process, then over HTTP

interface DatasetResult {
  readonly seeded: Seeded;
  readonly summariseMs: number;
  readonly summarised: number;
  readonly measured: Measured[];
  readonly serverExit: number | null;
  readonly serverStderr: string;
}

async function runDataset(shape: Shape, q: Questionnaire, agent: http.Agent, onServer: (s: RunningServer | undefined) => void, dirs: string[]): Promise<DatasetResult> {
  const total = responsesOf(shape);
  console.log(
    `dataset ${shape.name}: ${fmtInt(shape.groups)} groups (${shape.locations} locations) × ${shape.rounds} closed rounds × ${shape.perCell} responses = ${fmtInt(total)} responses, ` +
      `${shape.items} answers each${shape.items < ANSWERS_PER_RESPONSE ? ` (REDUCED from ${ANSWERS_PER_RESPONSE} by BENCH_1M_ITEMS)` : ''}`,
  );
  const seeded = await seedResults(shape, q, createRandom(settings.seed + (shape.name === 'A' ? 0 : 1)), dirs);
  const counts = await countSeeded(seeded.databaseFile);
  if (counts.responses !== total || counts.answers !== seeded.answers || counts.outOfRange !== 0) {
    throw new Error(`dataset ${shape.name}: seeded ${JSON.stringify(counts)}, expected ${total} responses and ${seeded.answers} answers in 1–5`);
  }
  console.log(
    `  seeded in ${(seeded.seedMs / 1000).toFixed(1)} s: ${fmtInt(counts.responses)} responses, ${fmtInt(counts.answers)} answers ` +
      `(${fmtInt(counts.answers / (seeded.seedMs / 1000))} answers/s), database ${(seeded.fileBytes / 1e6).toFixed(0)} MB`,
  );

  // Summaries and in-process figures, with the server's own connection settings (`prepare`).
  const config = loadConfig(serverEnv(seeded.dir, seeded.port));
  const prepared = await prepare(config, systemClock);
  let summariseMs: number;
  let summarised: number;
  let measured: Measured[];
  try {
    const before = performance.now();
    summarised = await summarizeClosedRounds(prepared.db, prepared.questionnaires);
    summariseMs = performance.now() - before;
    const expected = shape.groups * shape.rounds;
    if (summarised !== expected) throw new Error(`dataset ${shape.name}: summarised ${summarised} group-rounds, expected ${expected}`);
    console.log(`  summarised ${fmtInt(summarised)} group-rounds in ${(summariseMs / 1000).toFixed(1)} s (${fmtMs(summariseMs / summarised)} ms each)`);
    const ctx: ResultsContext = { db: prepared.db, questionnaires: prepared.questionnaires, k: config.anonymityK };
    measured = await measureTasks(await inProcessTasks(ctx, seeded, createPageRenderer(paths.views)));
  } finally {
    await prepared.db.destroy();
  }
  console.log(`  in-process: done`);

  const server = await startServer(seeded.dir, seeded.port);
  onServer(server);
  try {
    measured.push(...(await measureTasks(httpTasks(agent, new URL(server.base), seeded))));
  } finally {
    agent.destroy();
  }
  const serverExit = await server.stop();
  onServer(undefined);
  console.log(`  HTTP: done (server pid ${server.pid}, exit ${serverExit})\n`);
  return { seeded, summariseMs, summarised, measured, serverExit, serverStderr: server.stderr().trim() };
}

// ---------------------------------------------------------------------------------------------

const kb = (bytes: number | undefined) => (bytes === undefined ? '' : bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

function rows(result: DatasetResult): string[][] {
  const { shape } = result.seeded;
  const out: string[][] = [];
  for (const where of ['HTTP', 'in-process'] as const) {
    const group = result.measured.filter((m) => m.task.where === where);
    const baseline = group.find((m) => m.task.baseline);
    const base = baseline ? median(baseline.ms) : 0;
    for (const m of group) {
      const med = median(m.ms);
      const budget = m.task.budgetMs === undefined ? '' : `≤ ${fmtInt(m.task.budgetMs)} ${med <= m.task.budgetMs ? 'ok' : 'MISSED'}`;
      out.push([
        shape.name,
        where,
        m.task.label,
        String(m.ms.length),
        fmtMs(med),
        fmtMs(p95(m.ms)),
        m.task.baseline ? '' : fmtMs(med - base),
        m.wire === undefined ? '' : `${kb(m.wire)} (${kb(m.decoded)})`,
        budget,
      ]);
    }
  }
  const total = responsesOf(shape);
  out.push([shape.name, 'one-time', `seed ${fmtInt(total)} responses × ${shape.items} answers`, '1', fmtMs(result.seeded.seedMs), '', '', `${(result.seeded.fileBytes / 1e6).toFixed(0)} MB file`, '']);
  out.push([shape.name, 'one-time', `summarise closed rounds (${fmtInt(result.summarised)} group-rounds)`, '1', fmtMs(result.summariseMs), '', '', '', '']);
  return out;
}

async function main(): Promise<number> {
  const agentA = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const agentB = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let server: RunningServer | undefined;
  const dirs: string[] = [];
  const started = performance.now();
  try {
    const probe = benchDir('leefklimaat-bench-results-probe-');
    const fsKind = memoryBacked(probe);
    fs.rmSync(probe, { recursive: true, force: true });
    console.log(
      `Leefklimaat results bench: node ${process.version}, sqlite ${sqlite3.VERSION}, ${os.cpus().length} CPU(s), load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, data under ${process.env['BENCH_DIR'] || os.tmpdir()}${fsKind ? ` (${fsKind})` : ''}, server ${process.env['BENCH_SERVER'] === 'dist' ? 'dist/src/main.js' : 'src/main.ts (tsx)'}`,
    );
    console.log(
      `each figure: ${settings.warmup} warm-up call(s), then up to ${settings.requests} sequential calls (at least ${settings.minRequests}, at most ${settings.maxMs / 1000} s per dataset and kind), ` +
        'all tasks of a kind interleaved with their baseline; one keep-alive connection, Accept-Encoding: gzip; signed in as a manager\n',
    );
    const q = loadQuestionnaire().questionnaire;
    const results: DatasetResult[] = [];
    const track = (s: RunningServer | undefined) => (server = s);
    const a = await runDataset(SHAPE_A, q, agentA, track, dirs);
    results.push(a);
    fs.rmSync(a.seeded.dir, { recursive: true, force: true });
    if (!settings.skip1m) {
      const b = await runDataset(SHAPE_B, q, agentB, track, dirs);
      results.push(b);
      fs.rmSync(b.seeded.dir, { recursive: true, force: true });
    }

    console.log(
      table(
        ['set', 'where', 'measure', 'n', 'median ms', 'p95 ms', 'median − baseline', 'wire (decoded)', 'budget'],
        results.flatMap(rows),
        [false, false, false, true, true, true, true, true, false],
      ),
    );
    console.log('');
    console.log(
      `A = ${fmtInt(SHAPE_A.groups)} groups × ${SHAPE_A.rounds} rounds × ${SHAPE_A.perCell} responses; B = ${fmtInt(SHAPE_B.groups)} groups × ${SHAPE_B.rounds} rounds × ${SHAPE_B.perCell} responses ` +
        `(${fmtInt(responsesOf(SHAPE_B))} responses, ${SHAPE_B.items} answers each${SHAPE_B.items < ANSWERS_PER_RESPONSE ? ', REDUCED' : ''})${settings.skip1m ? ' — skipped (BENCH_SKIP_1M)' : ''}`,
    );
    console.log('HTTP figures are round trips over loopback (client and server share the CPUs); in-process figures are the service call alone, server stopped');
    console.log(`whole bench: ${((performance.now() - started) / 1000).toFixed(0)} s`);

    const problems: string[] = [];
    for (const r of results) {
      if (r.serverExit !== 0) problems.push(`dataset ${r.seeded.shape.name}: server stopped with exit ${r.serverExit} (expected 0)`);
      if (r.serverStderr) console.log(`server stderr (dataset ${r.seeded.shape.name}):\n${r.serverStderr.split('\n').slice(0, 20).join('\n')}`);
    }
    if (problems.length > 0) {
      for (const p of problems) console.error(`problem: ${p}`);
      console.error('bench:results: the figures above are not to be trusted');
      return 1;
    }

    const pick = (set: DatasetResult | undefined, where: Task['where'], label: string) => {
      const m = set?.measured.find((x) => x.task.where === where && x.task.label.startsWith(label));
      return m ? Math.round(median(m.ms) * 10) / 10 : null;
    };
    const [resultA, resultB] = [results[0], results[1]];
    console.log(
      JSON.stringify({
        overview_ms: pick(resultA, 'HTTP', 'overview page:'),
        group_trend_ms: pick(resultA, 'HTTP', 'group trend:'),
        aggregate_1m_ms: pick(resultB, 'in-process', 'institution aggregate:'),
        baseline_ms: pick(resultA, 'HTTP', 'baseline:'),
        summarise_1m_s: resultB ? Math.round(resultB.summariseMs / 100) / 10 : null,
        overview_api_1m_ms: pick(resultB, 'HTTP', 'overview JSON:'),
      }),
    );
    return 0;
  } finally {
    agentA.destroy();
    agentB.destroy();
    await server?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('bench:results failed:', error);
    process.exitCode = 1;
  },
);
