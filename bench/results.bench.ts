/**
 * `npm run bench:results`: how long the results take to come out of the real server
 * (`dist/src/main.js` as its own process), and how long the institution's aggregate takes over a
 * million responses — on SQLite and on PostgreSQL side by side, with the very same data.
 *
 * Two datasets (`results-seed.ts`), each drawn once from a seeded generator and written into a
 * fresh database of each kind: a SQLite file in a temporary folder, and a database on a private
 * PostgreSQL server the bench starts and stops (durable: fsync and synchronous_commit on, as the
 * server's SQLite runs with synchronous=FULL). Each is seeded through `prepare` (questionnaires
 * checked, database created and migrated, questionnaires registered) and then filled directly:
 *   A: 50 groups (5 locations, lk-jeugd v1) × 20 closed rounds × 10 responses = 10,000 responses;
 *   B: 500 groups (10 locations) × 20 closed rounds × 100 responses = 1,000,000 responses.
 * Every response answers all 32 items (values 1–5 from the seeded generator; BENCH_1M_ITEMS can
 * lower the answers per response of B only — never its number of responses). The rows go into
 * `response` / `response_answer` as the server leaves them (random UUIDs; on PostgreSQL round by
 * round, as the server writes a round's rows anew when it closes), so the summaries are really
 * computed from the answers: `summarizeClosedRounds` is called in-process after seeding, with the
 * server's own connection settings, and its time is reported (a one-time cost per round: the
 * server does it when a round closes). Seeding: SQLite in big `json_each` inserts with
 * `journal_mode = off, synchronous = off`; PostgreSQL in big `unnest` inserts in one transaction
 * with synchronous_commit off, foreign-key triggers off and the answers' primary key built after
 * the inserts, then VACUUM ANALYZE. Its time (and PostgreSQL's answers per second) is printed.
 *
 * Measured (each figure: warm-up, then up to BENCH_REQUESTS sequential calls, median and p95),
 * every database's calls interleaved with the other's and with its own baseline (the machine is
 * shared and noisy):
 *   - over HTTP, on the servers (one per database, both running): GET /healthz (the baseline),
 *     the overview page GET /results?round=…, the group trend API GET /api/results/groups/:id (a
 *     different group each time), and the overview JSON GET /api/results/overview?round=…; signed
 *     in as a manager through a session inserted directly (no scrypt). Requests ask for gzip, as a
 *     browser does.
 *   - in-process, on the same databases (the servers not started yet): the service functions
 *     overview(), groupRoundDetail() and institutionTrend() — the institution aggregate, which has
 *     no route yet — beside a baseline (`pingDatabase`, one cheap query); the repository queries
 *     the service functions are made of; and once (no database involved) what the overview page
 *     does after overview(): overviewView(), the Handlebars render near enough as the route calls
 *     it, gzip, 1,000 formatNumber() calls.
 *
 * Budgets (the issue): overview page and group trend API ≤ 50 ms each on dataset A; the
 * institution aggregate over 1M responses ≤ 1 s.
 *
 * The LAST line of stdout is one JSON object (medians), a key per database measured:
 *   {"sqlite": {"overview_ms": …, "group_trend_ms": …, "aggregate_1m_ms": …, "baseline_ms": …, "summarise_1m_s": …, "overview_api_1m_ms": …},
 *    "postgres": {… the same keys …}}
 * overview_ms and group_trend_ms are HTTP round trips on dataset A; aggregate_1m_ms is
 * institutionTrend() in-process on dataset B; baseline_ms is GET /healthz on dataset A.
 * The process exits non-zero (and prints no JSON) when a check fails. The servers, the PostgreSQL
 * server and the temporary folders go at the end, also on failure and on Ctrl-C.
 *
 * Knobs (environment, all optional): BENCH_DATABASES (sqlite,postgres: which to measure),
 * BENCH_DIR (default os.tmpdir(); the SQLite files and the PostgreSQL server's data folder),
 * BENCH_REQUESTS (30), BENCH_WARMUP (5), BENCH_MAX_SECONDS (90: stop measuring a dataset's calls
 * of a kind after this long, with at least 5 calls each), BENCH_SEED (1), BENCH_1M_ITEMS (32:
 * answers per response in B), BENCH_SKIP_1M=1 (dataset A only), BENCH_SERVER=dist (run
 * `dist/src/main.js`; build first).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import sqlite3 from 'sqlite3';
import { prepare, type Prepared } from '../src/bootstrap';
import { loadConfig, type Config, type DatabaseConfig } from '../src/config';
import { isPostgres, pingDatabase } from '../src/db/database';
import { createRandom } from '../src/demo/random';
import type { Questionnaire } from '../src/questionnaires/questionnaire';
import * as repo from '../src/results/results.repository';
import { groupRoundDetail, institutionTrend, isDetail, overview, type ResultsContext } from '../src/results/results.service';
import { formatNumber, overviewView } from '../src/results/results.view';
import { summarizeClosedRounds } from '../src/results/round-summary';
import { paths } from '../src/paths';
import { systemClock } from '../src/system';
import { createPageRenderer, type PageRenderer } from '../src/views/render';
import { clusterParent, countOne, startBenchCluster, withClient, type BenchCluster } from './postgres';
import { countSeeded, makePlan, responsesOf, seedResults, type Seeded, type Shape } from './results-seed';
import {
  ANSWERS_PER_RESPONSE,
  benchDir,
  DATABASE_LABEL,
  envNumber,
  fmtInt,
  fmtMs,
  freePort,
  loadQuestionnaire,
  memoryBacked,
  median,
  percentile,
  rawClose,
  rawGet,
  rawOpen,
  selectedDatabases,
  serverEnv,
  startServer,
  table,
  Teardown,
  type DatabaseName,
  type RunningServer,
  runBench,
} from './support';

// ---------------------------------------------------------------------------------------------
// Settings

const settings = {
  databases: selectedDatabases(),
  requests: Math.round(envNumber('BENCH_REQUESTS', 30, 1)),
  warmup: Math.round(envNumber('BENCH_WARMUP', 5, 0)),
  maxMs: envNumber('BENCH_MAX_SECONDS', 90, 1) * 1000,
  minRequests: 5,
  seed: Math.round(envNumber('BENCH_SEED', 1, 0)),
  items1m: Math.round(envNumber('BENCH_1M_ITEMS', ANSWERS_PER_RESPONSE, 4)),
  skip1m: process.env['BENCH_SKIP_1M'] === '1',
} as const;

const BUDGET = { overviewMs: 50, groupTrendMs: 50, aggregateMs: 1000 } as const;
/** Seeding B on PostgreSQL for longer than this is worth saying (the issue: ~5 minutes on 2 cores). */
const SEED_NOTICE_MS = 5 * 60_000;

const SHAPE_A: Shape = { name: 'A', groups: 50, locations: 5, rounds: 20, perCell: 10, items: ANSWERS_PER_RESPONSE };
const SHAPE_B: Shape = { name: 'B', groups: 500, locations: 10, rounds: 20, perCell: 100, items: settings.items1m };

// ---------------------------------------------------------------------------------------------
// Measuring: named tasks, interleaved, each call timed on its own

interface Task {
  readonly label: string;
  readonly where: 'HTTP' | 'in-process';
  /** The database it runs on; none for the steps that involve no database (measured once). */
  readonly database?: DatabaseName;
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
  const database = seeded.database.kind;
  const { shape, groupIds, roundIds } = seeded.plan;
  const { cookie } = seeded;
  const latest = roundIds.at(-1)!;
  const fetchOk = async (what: string, pathAndQuery: string) => {
    const answer = await get(agent, base, pathAndQuery, cookie);
    if (answer.status !== 200) throw new Error(`${what}: GET ${pathAndQuery} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    return answer;
  };
  const tasks: Task[] = [
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
  return tasks.map((t) => ({ ...t, database }));
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

/** The service calls and queries; with `withViews`, also the steps after them that involve no database. */
async function inProcessTasks(ctx: ResultsContext, seeded: Seeded, views: PageRenderer, withViews: boolean): Promise<Task[]> {
  const { shape, groupIds, roundIds, institutionId } = seeded.plan;
  const { manager } = seeded;
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
  const database: DatabaseName = isPostgres(ctx.db) ? 'postgres' : 'sqlite';
  const withoutDatabase: Task[] = [
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
  ];
  const withDatabase: Task[] = [
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
    { label: '  query: summarizeClosedRounds (none pending)', where: 'in-process', call: async () => void (await summarizeClosedRounds(ctx.db, ctx.questionnaires)) },
    { label: '  query: closedRounds', where: 'in-process', call: async () => void (await repo.closedRounds(ctx.db, institutionId)) },
    { label: '  query: aggregateRows (all rounds)', where: 'in-process', call: async () => void (await repo.aggregateRows(ctx.db, institutionId, ctx.k, { roundIds })) },
    { label: '  query: measuredGroups (all rounds)', where: 'in-process', call: async () => void (await repo.measuredGroups(ctx.db, institutionId, ctx.k, { roundIds })) },
    { label: '  query: groupRounds (all)', where: 'in-process', call: async () => void (await repo.groupRounds(ctx.db, institutionId)) },
    { label: '  query: scaleRows (all)', where: 'in-process', call: async () => void (await repo.scaleRows(ctx.db, institutionId, {})) },
    { label: '  query: groupsOf', where: 'in-process', call: async () => void (await repo.groupsOf(ctx.db, institutionId)) },
  ];
  // In the order the table has always had: the service calls, the view steps after overview(), the queries.
  return [...withDatabase.slice(0, 4).map((t) => ({ ...t, database })), ...(withViews ? withoutDatabase : []), ...withDatabase.slice(4).map((t) => ({ ...t, database }))];
}


// ---------------------------------------------------------------------------------------------
// One dataset: seed both databases, summarise, measure in-process, then over HTTP

interface Side {
  readonly name: DatabaseName;
  readonly env: Record<string, string>;
  readonly config: Config;
  readonly seeded: Seeded;
  summariseMs: number;
  summarised: number;
  serverExit: number | null;
  serverStderr: string;
}

interface DatasetResult {
  readonly shape: Shape;
  readonly sides: readonly Side[];
  readonly measured: Measured[];
}

const label = (name: DatabaseName) => DATABASE_LABEL[name];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function runDataset(shape: Shape, q: Questionnaire, cluster: BenchCluster | undefined, teardown: Teardown): Promise<DatasetResult> {
  const total = responsesOf(shape);
  console.log(
    `dataset ${shape.name}: ${fmtInt(shape.groups)} groups (${shape.locations} locations) × ${shape.rounds} closed rounds × ${shape.perCell} responses = ${fmtInt(total)} responses, ` +
      `${shape.items} answers each${shape.items < ANSWERS_PER_RESPONSE ? ` (REDUCED from ${ANSWERS_PER_RESPONSE} by BENCH_1M_ITEMS)` : ''}`,
  );
  const plan = makePlan(shape, q, createRandom(settings.seed + (shape.name === 'A' ? 0 : 1)));
  // Run at the end of the dataset (or by the teardown, if it never gets there): folders, databases.
  const release: (() => Promise<void>)[] = [];
  const sides: Side[] = [];
  for (const name of settings.databases) {
    const dir = benchDir(`leefklimaat-bench-results-${shape.name.toLowerCase()}-${name}-`);
    release.push(teardown.add(() => fs.rmSync(dir, { recursive: true, force: true }), `remove ${dir}`));
    let url: string | undefined;
    if (name === 'postgres') {
      const created = await cluster!.createDatabase(`bench_results_${shape.name.toLowerCase()}`);
      release.push(teardown.add(() => cluster!.dropDatabase(created), `drop ${created}`));
      url = created;
    }
    const env = serverEnv(dir, await freePort(), url);
    const config = loadConfig(env);
    const seeded = await seedResults(plan, config, console.log);
    const checkStart = performance.now();
    const counts = await countSeeded(config.database);
    const checkMs = performance.now() - checkStart;
    if (counts.responses !== total || counts.answers !== seeded.answers || counts.outOfRange !== 0 || counts.orphans !== 0) {
      throw new Error(`dataset ${shape.name} on ${label(name)}: seeded ${JSON.stringify(counts)}, expected ${total} responses and ${seeded.answers} answers in 1–5, all with their response`);
    }
    console.log(
      `  ${label(name)}: seeded in ${seconds(seeded.seedMs)}: ${fmtInt(counts.responses)} responses, ${fmtInt(counts.answers)} answers ` +
        `(${fmtInt(counts.answers / (seeded.seedMs / 1000))} answers/s), database ${fmtInt(seeded.bytes / 1e6)} MB — ${seeded.seedSteps}; counted and checked in ${seconds(checkMs)}`,
    );
    sides.push({ name, env, config, seeded, summariseMs: NaN, summarised: 0, serverExit: null, serverStderr: '' });
  }

  // Summaries and in-process figures, with the server's own connection settings (`prepare`).
  const prepared: Prepared[] = [];
  let measured: Measured[];
  try {
    const views = createPageRenderer(paths.views);
    const tasks: Task[] = [];
    for (const [i, side] of sides.entries()) {
      const p = await prepare(side.config, systemClock);
      prepared.push(p);
      const expected = shape.groups * shape.rounds;
      const before = performance.now();
      const ticker = setInterval(() => {
        countGroupResults(side.config.database).then(
          (n) => console.log(`  … ${fmtInt(n)} of ${fmtInt(expected)} group-rounds summarised (${((performance.now() - before) / 1000).toFixed(0)} s)`),
          () => undefined,
        );
      }, 60_000);
      try {
        side.summarised = await summarizeClosedRounds(p.db, p.questionnaires);
      } finally {
        clearInterval(ticker);
      }
      side.summariseMs = performance.now() - before;
      if (side.summarised !== expected) throw new Error(`dataset ${shape.name} on ${label(side.name)}: summarised ${side.summarised} group-rounds, expected ${expected}`);
      console.log(`  ${label(side.name)}: summarised ${fmtInt(side.summarised)} group-rounds in ${seconds(side.summariseMs)} (${fmtMs(side.summariseMs / side.summarised)} ms each)`);
      if (side.name === 'postgres') {
        // The summary tables are new since the seeding's VACUUM ANALYZE: without statistics the
        // planner guesses one row per table and picks nested loops that are several times slower.
        // Autovacuum analyses them within a minute or so, possibly in the middle of the
        // measurements; ANALYZE now measures that settled state, every time alike.
        const before = performance.now();
        await sql`analyze`.execute(p.db);
        console.log(`  ${label(side.name)}: ANALYZE after summarising: ${fmtMs(performance.now() - before)} ms`);
      }
      const ctx: ResultsContext = { db: p.db, questionnaires: p.questionnaires, k: side.config.anonymityK };
      tasks.push(...(await inProcessTasks(ctx, side.seeded, views, i === 0)));
    }
    measured = await measureTasks(tasks);
  } finally {
    for (const p of prepared) await p.db.destroy();
  }
  console.log('  in-process: done');

  const servers: RunningServer[] = [];
  const agents: http.Agent[] = [];
  try {
    const tasks: Task[] = [];
    for (const side of sides) {
      const server = await startServer(side.env);
      servers.push(server);
      teardown.add(() => server.stop(), `stop the ${label(side.name)} server`);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      tasks.push(...httpTasks(agent, new URL(server.base), side.seeded));
    }
    measured.push(...(await measureTasks(tasks)));
  } finally {
    for (const agent of agents) agent.destroy();
  }
  for (const [i, server] of servers.entries()) {
    sides[i]!.serverExit = await server.stop();
    sides[i]!.serverStderr = server.stderr().trim();
  }
  console.log(`  HTTP: done (servers stopped: ${sides.map((s) => `${label(s.name)} exit ${s.serverExit}`).join(', ')})\n`);
  for (const done of release.reverse()) await done();
  return { shape, sides, measured };
}

/** Progress of a long summary, read beside it (SQLite: WAL lets a reader in; PostgreSQL: its own connection). */
async function countGroupResults(database: DatabaseConfig): Promise<number> {
  if (database.kind === 'postgres') return withClient(database.url, (c) => countOne(c, 'select count(*) as n from group_result'));
  const db = await rawOpen(database.file, sqlite3.OPEN_READONLY);
  try {
    return Number((await rawGet<{ n: number }>(db, 'select count(*) as n from group_result'))?.n);
  } finally {
    await rawClose(db);
  }
}

// ---------------------------------------------------------------------------------------------
// The table: a row per measure, the databases side by side

const kb = (bytes: number | undefined) => (bytes === undefined ? '' : bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

function rows(result: DatasetResult): string[][] {
  const { shape } = result;
  const out: string[][] = [];
  const names = result.sides.map((s) => s.name);
  for (const where of ['HTTP', 'in-process'] as const) {
    const group = result.measured.filter((m) => m.task.where === where);
    const base = new Map(names.map((n) => [n, median(group.find((m) => m.task.baseline && m.task.database === n)?.ms ?? [0])]));
    const labels = [...new Set(group.map((m) => m.task.label))];
    for (const text of labels) {
      const same = group.filter((m) => m.task.label === text);
      const first = same[0]!;
      const cells = names.flatMap((n, i) => {
        // A step without a database was measured once: its figures stand under the first database.
        const m = first.task.database === undefined ? (i === 0 ? first : undefined) : same.find((x) => x.task.database === n);
        if (!m) return ['—', '', ''];
        const med = median(m.ms);
        return [fmtMs(med), fmtMs(p95(m.ms)), m.task.baseline || m.task.database === undefined ? '' : fmtMs(med - base.get(n)!)];
      });
      const budgetMs = first.task.budgetMs;
      const budget =
        budgetMs === undefined
          ? ''
          : `≤ ${fmtInt(budgetMs)}: ${same.map((m) => `${label(m.task.database!)} ${median(m.ms) <= budgetMs ? 'ok' : 'MISSED'}`).join(', ')}`;
      const withWire = same.find((m) => m.wire !== undefined);
      out.push([shape.name, where, text, String(first.ms.length), ...cells, withWire ? `${kb(withWire.wire)} (${kb(withWire.decoded)})` : '', budget]);
    }
  }
  const oneTime = (text: string, ms: (s: Side) => number, note: string) =>
    out.push([shape.name, 'one-time', text, '1', ...result.sides.flatMap((s) => [fmtMs(ms(s)), '', '']), note, '']);
  oneTime(
    `seed ${fmtInt(responsesOf(shape))} responses × ${shape.items} answers`,
    (s) => s.seeded.seedMs,
    `${result.sides.map((s) => fmtInt(s.seeded.bytes / 1e6)).join(' / ')} MB`,
  );
  oneTime(`summarise closed rounds (${fmtInt(shape.groups * shape.rounds)} group-rounds)`, (s) => s.summariseMs, '');
  return out;
}

async function main(): Promise<number> {
  const teardown = new Teardown('bench:results');
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
    const cluster = settings.databases.includes('postgres') ? await startBenchCluster(teardown) : undefined;
    console.log(`databases: ${settings.databases.map(label).join(', ')}${cluster ? `; ${cluster.describe}, data under ${clusterParent()}` : ''}`);
    console.log(
      `each figure: ${settings.warmup} warm-up call(s), then up to ${settings.requests} sequential calls (at least ${settings.minRequests}, at most ${settings.maxMs / 1000} s per dataset and kind), ` +
        'all tasks of a kind, of every database, interleaved with their baselines; one keep-alive connection per server, Accept-Encoding: gzip; signed in as a manager\n',
    );
    const q = loadQuestionnaire().questionnaire;
    const results: DatasetResult[] = [await runDataset(SHAPE_A, q, cluster, teardown)];
    if (!settings.skip1m) results.push(await runDataset(SHAPE_B, q, cluster, teardown));

    const names = settings.databases;
    console.log(
      table(
        ['set', 'where', 'measure', 'n', ...names.flatMap((n) => [`${label(n)} median ms`, 'p95', '− baseline']), 'wire (decoded)', 'budget'],
        results.flatMap(rows),
        [false, false, false, true, ...names.flatMap(() => [true, true, true]), true, false],
      ),
    );
    console.log('');
    console.log(
      `A = ${fmtInt(SHAPE_A.groups)} groups × ${SHAPE_A.rounds} rounds × ${SHAPE_A.perCell} responses; B = ${fmtInt(SHAPE_B.groups)} groups × ${SHAPE_B.rounds} rounds × ${SHAPE_B.perCell} responses ` +
        `(${fmtInt(responsesOf(SHAPE_B))} responses, ${SHAPE_B.items} answers each${SHAPE_B.items < ANSWERS_PER_RESPONSE ? ', REDUCED' : ''})${settings.skip1m ? ' — skipped (BENCH_SKIP_1M)' : ''}`,
    );
    console.log('HTTP figures are round trips over loopback (client and servers share the CPUs); in-process figures are the service call alone, servers not running');
    console.log('— : a step that involves no database, measured once');
    for (const r of results) {
      const pg = r.sides.find((s) => s.name === 'postgres');
      if (!pg) continue;
      const rate = pg.seeded.answers / (pg.seeded.seedMs / 1000);
      console.log(`PostgreSQL seed, dataset ${r.shape.name}: ${seconds(pg.seeded.seedMs)}, ${fmtInt(rate)} answers/s overall (organisation through the repositories, then ${pg.seeded.seedSteps})`);
      if (pg.seeded.seedMs > SEED_NOTICE_MS) console.log(`NOTE: seeding dataset ${r.shape.name} on PostgreSQL took ${seconds(pg.seeded.seedMs)}, more than ${SEED_NOTICE_MS / 60_000} minutes`);
    }
    console.log(`whole bench: ${((performance.now() - started) / 1000).toFixed(0)} s`);

    const problems: string[] = [];
    for (const r of results) {
      for (const s of r.sides) {
        if (s.serverExit !== 0) problems.push(`dataset ${r.shape.name}: the ${label(s.name)} server stopped with exit ${s.serverExit} (expected 0)`);
        if (s.serverStderr) console.log(`server stderr (dataset ${r.shape.name}, ${label(s.name)}):\n${s.serverStderr.split('\n').slice(0, 20).join('\n')}`);
      }
    }
    if (problems.length > 0) {
      for (const p of problems) console.error(`problem: ${p}`);
      console.error('bench:results: the figures above are not to be trusted');
      return 1;
    }

    const [resultA, resultB] = [results[0], results[1]];
    const pick = (set: DatasetResult | undefined, name: DatabaseName, where: Task['where'], text: string) => {
      const m = set?.measured.find((x) => x.task.database === name && x.task.where === where && x.task.label.startsWith(text));
      return m ? Math.round(median(m.ms) * 10) / 10 : null;
    };
    const figures = (name: DatabaseName) => {
      const summarise = resultB?.sides.find((s) => s.name === name)?.summariseMs;
      return {
        overview_ms: pick(resultA, name, 'HTTP', 'overview page:'),
        group_trend_ms: pick(resultA, name, 'HTTP', 'group trend:'),
        aggregate_1m_ms: pick(resultB, name, 'in-process', 'institution aggregate:'),
        baseline_ms: pick(resultA, name, 'HTTP', 'baseline:'),
        summarise_1m_s: summarise === undefined ? null : Math.round(summarise / 100) / 10,
        overview_api_1m_ms: pick(resultB, name, 'HTTP', 'overview JSON:'),
      };
    };
    console.log(JSON.stringify(Object.fromEntries(names.map((n) => [n, figures(n)]))));
    return 0;
  } finally {
    await teardown.run();
  }
}

runBench('results', main);
