/**
 * `npm run bench:submit`: submissions per second and their latency on the real, running server
 * (`src/main.ts` as its own process), with many tablets sending at once — on SQLite and on
 * PostgreSQL side by side, each beside its raw driver's transaction rate (one response and its 32
 * answers per transaction, the same unit as `bench:db`) measured in the same run on the same disk,
 * so each server's figure can be read against what its database allows.
 *
 * SQLite: the server on a seeded file in a temporary folder (WAL, synchronous=FULL, as it always
 * runs); the raw `sqlite3` driver on a file of its own beside it (the same pragmas). PostgreSQL: a
 * private server the bench starts and stops (`postgres.ts`; durable — fsync and synchronous_commit
 * on, PostgreSQL's defaults), the server with `DATABASE_URL=postgres://…` to a seeded database on
 * it (pool DATABASE_POOL_SIZE, default 10; the writer thread's own pool of 2), the raw `pg` client
 * on a database of its own there (BEGIN; INSERT response; INSERT 32 answers; COMMIT — the SQL
 * Kysely sends). Both servers run during the whole bench; the one not being measured is idle.
 *
 * Each client is a loop: `POST /survey/submit?lang=nl` as the survey page's script sends it (JSON,
 * the tablet's cookie, the CSRF header), wait for the answer, send the next — no pause, so
 * `clients` requests are always in flight (a closed loop: by Little's law the mean latency is
 * clients ÷ throughput). The clients share the tablets (`groups` of them, one per group) and one
 * keep-alive agent per server with a socket per client. Every submission is all 32 items answered 1–5.
 *
 * Rounds: for each database in turn (the order rotating from round to round), its raw driver for a
 * few seconds, then one HTTP run on its server (warm-up, then the measured window); `runs` rounds.
 * The machine is small and noisy, so each figure is the median over the runs. In the measured
 * window: throughput = responses completed ÷ window; latency = send → last byte of the answer, of
 * those same responses. After the servers are stopped (SIGTERM), each database is read back (the
 * SQLite file read-only, PostgreSQL with `pg`) and must hold exactly one response (with 32
 * answers) and one receipt per 200 the clients got, warm-up included, and the raw databases
 * exactly what their drivers committed; any other status or a network error is an error. The
 * process exits non-zero when anything does not add up. The servers, the PostgreSQL server and the
 * temporary folders go at the end, also on failure and on Ctrl-C.
 *
 * The LAST line of stdout is one JSON object, a key per database measured:
 *   {"sqlite": {"submissions_per_s": …, "p50_ms": …, "p99_ms": …, "raw_tx_per_s": …}, "postgres": {… the same keys …}}
 *
 * Knobs (environment, all optional): BENCH_DATABASES (sqlite,postgres: which to measure),
 * BENCH_DIR (default os.tmpdir(); use a real disk: the SQLite files and the PostgreSQL server's
 * data folder go there), BENCH_CLIENTS (100), BENCH_GROUPS (4 tablets), BENCH_RUNS (3),
 * BENCH_WARMUP_SECONDS (2), BENCH_SECONDS (10, the measured window), BENCH_RAW_SECONDS (2.5 per
 * round), BENCH_RATE (0; when set, each round also measures an open loop: that many submissions
 * per second offered, at random moments, over at most BENCH_CLIENTS connections — latency at a
 * given load rather than the closed loop's most; the JSON stays the closed loop's),
 * BENCH_SERVER=dist (run `dist/src/main.js`; build first), BENCH_CPU_PROF=<dir> (each server
 * writes a V8 CPU profile there when it stops).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sqlite3 from 'sqlite3';
import { loadConfig, type DatabaseConfig } from '../src/config';
import { clusterParent, countPostgresRows, rawPostgresTarget, startBenchCluster, type BenchCluster } from './postgres';
import {
  ANSWERS_PER_RESPONSE,
  benchDir,
  countRows,
  DATABASE_LABEL,
  envNumber,
  fmtInt,
  fmtMs,
  freePort,
  loadQuestionnaire,
  measure,
  measureFor,
  median,
  memoryBacked,
  percentile,
  processCpuSeconds,
  rawClose,
  rawGet,
  rawOpen,
  rawTarget,
  seedSurvey,
  selectedDatabases,
  serverEnv,
  startServer,
  table,
  Teardown,
  type Counts,
  type DatabaseName,
  type LoadedQuestionnaire,
  type RawTarget,
  type Run,
  type RunningServer,
  type SeededSurvey,
  runBench,
} from './support';

// ---------------------------------------------------------------------------------------------
// Settings

const settings = {
  databases: selectedDatabases(),
  clients: Math.round(envNumber('BENCH_CLIENTS', 100, 1)),
  groups: Math.round(envNumber('BENCH_GROUPS', 4, 1)),
  runs: Math.round(envNumber('BENCH_RUNS', 3, 1)),
  warmupMs: envNumber('BENCH_WARMUP_SECONDS', 2, 0) * 1000,
  measureMs: envNumber('BENCH_SECONDS', 10, 0.5) * 1000,
  rawMs: envNumber('BENCH_RAW_SECONDS', 2.5, 0.1) * 1000,
  rawWarmup: 200,
  cpuProf: process.env['BENCH_CPU_PROF'] || undefined,
  /** Submissions per second offered in the extra open-loop measurement; 0: none. */
  rate: envNumber('BENCH_RATE', 0, 0),
} as const;

const BUDGET = { submissionsPerS: 1000, p99Ms: 50 } as const;

// ---------------------------------------------------------------------------------------------
// HTTP

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly setCookie: readonly string[];
}

function send(agent: http.Agent, base: URL, method: 'GET' | 'POST', pathAndQuery: string, headers: http.OutgoingHttpHeaders, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: base.hostname, port: base.port, method, path: pathAndQuery, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), setCookie: res.headers['set-cookie'] ?? [] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What a tablet needs to send: its cookie, the CSRF token the questions page set, and the ids the page carries. */
interface Sender {
  readonly headersFor: (length: number) => http.OutgoingHttpHeaders;
  /** The JSON body after `{"submissionId":"<id>"`, for each of a few answer sets. */
  readonly tails: readonly string[];
}

async function senderFor(agent: http.Agent, base: URL, seeded: SeededSurvey, tablet: SeededSurvey['tablets'][number], itemIds: readonly string[]): Promise<Sender> {
  const page = await send(agent, base, 'GET', '/survey/questions?lang=nl', { cookie: tablet.cookie });
  if (page.status !== 200) throw new Error(`GET /survey/questions answered ${page.status}: ${page.body.slice(0, 300)}`);
  if (!page.body.includes(`name="groupId" value="${tablet.groupId}"`)) throw new Error('the questions page is not for the tablet’s group');
  const csrf = page.setCookie.map((c) => /^lk_csrf=([^;]+)/.exec(c)?.[1]).find((v) => v !== undefined);
  if (!csrf) throw new Error(`GET /survey/questions set no lk_csrf cookie (Set-Cookie: ${JSON.stringify(page.setCookie)})`);
  const cookie = `${tablet.cookie}; lk_csrf=${csrf}`;
  const tails = Array.from({ length: 64 }, () => {
    const answers = Object.fromEntries(itemIds.map((id) => [id, 1 + Math.floor(Math.random() * 5)]));
    return `,"roundId":${JSON.stringify(seeded.roundId)},"groupId":${JSON.stringify(tablet.groupId)},"answers":${JSON.stringify(answers)},"open":{}}`;
  });
  return {
    tails,
    headersFor: (length) => ({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-csrf-token': csrf,
      cookie,
      'content-length': length,
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// One HTTP run: warm-up, measured window, drain

interface HttpRun {
  readonly measured: number;
  readonly windowMs: number;
  readonly perS: number;
  /** Latencies (ms) of the responses completed in the measured window. */
  readonly latencies: Float64Array;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  /** Every answer of the run, warm-up and drain included. */
  readonly total: number;
  readonly ok: number;
  readonly errors: Map<string, number>;
  /** Open loop: submissions that were due but still waiting for a connection when the window ended. */
  readonly behind: number;
  /** CPU use over the measured window, as a share of one core (undefined where /proc is missing). */
  readonly serverCpu: number | undefined;
  /** PostgreSQL's server processes (SQLite runs inside the server's). */
  readonly databaseCpu: number | undefined;
  readonly clientCpu: number;
}

type Mode = { readonly kind: 'closed' } | { readonly kind: 'open'; readonly rate: number };

/**
 * Closed: `clients` loops, each sending its next submission as soon as the last is answered.
 * Open: submissions arrive at `rate` per second on average (random, Poisson), however fast the
 * server answers, over at most `clients` connections at once; a submission that finds them all
 * busy waits, and its latency counts from when it was due (so a slow server is not flattered).
 */
async function httpRun(side: Side, mode: Mode): Promise<HttpRun> {
  const { agent, base, senders } = side;
  const serverPid = side.server.pid;
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  let total = 0;
  let ok = 0;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let stop = false;
  let counter = 0;

  /** One submission; `due` is when it was meant to go (closed loop: now). */
  const submitOne = async (due: number) => {
    const i = counter++;
    const sender = senders[i % senders.length]!;
    const body = `{"submissionId":"${randomUUID()}"${sender.tails[i % sender.tails.length]}`;
    let failure: string | undefined;
    try {
      const answer = await send(agent, base, 'POST', '/survey/submit?lang=nl', sender.headersFor(Buffer.byteLength(body)), body);
      if (answer.status !== 200) failure = `HTTP ${answer.status} ${answer.body.slice(0, 120)}`;
      else if (!answer.body.includes('"ok":true')) failure = `HTTP 200 without ok: ${answer.body.slice(0, 120)}`;
    } catch (error) {
      failure = `network: ${error instanceof Error ? error.message : String(error)}`;
    }
    const ended = performance.now();
    total++;
    if (failure === undefined) ok++;
    else errors.set(failure, (errors.get(failure) ?? 0) + 1);
    if (ended >= windowStart && ended <= windowEnd) latencies.push(ended - due);
  };

  let finished: Promise<unknown>;
  let backlog = () => 0;
  if (mode.kind === 'closed') {
    const loop = async () => {
      while (!stop) await submitOne(performance.now());
    };
    finished = Promise.all(Array.from({ length: settings.clients }, loop));
  } else {
    const waiting: number[] = [];
    const inFlight = new Set<Promise<void>>();
    let next = performance.now();
    const pump = () => {
      const now = performance.now();
      while (!stop && next <= now) {
        waiting.push(next);
        next += (-Math.log(1 - Math.random()) * 1000) / mode.rate;
      }
      while (waiting.length > 0 && inFlight.size < settings.clients) {
        const one: Promise<void> = submitOne(waiting.shift()!).finally(() => {
          inFlight.delete(one);
          pump();
        });
        inFlight.add(one);
      }
    };
    const timer = setInterval(pump, 1);
    backlog = () => waiting.length;
    finished = (async () => {
      while (!stop) await new Promise((resolve) => setTimeout(resolve, 50));
      clearInterval(timer);
      waiting.length = 0;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    })();
  }

  await new Promise((resolve) => setTimeout(resolve, settings.warmupMs));
  windowStart = performance.now();
  const cpuBefore = { server: processCpuSeconds(serverPid), database: side.databaseCpu(), client: process.cpuUsage() };
  await new Promise((resolve) => setTimeout(resolve, settings.measureMs));
  windowEnd = performance.now();
  const cpuServerAfter = processCpuSeconds(serverPid);
  const cpuDatabaseAfter = side.databaseCpu();
  const cpuClient = process.cpuUsage(cpuBefore.client);
  const behind = backlog();
  stop = true;
  await finished;

  const windowMs = windowEnd - windowStart;
  const lat = Float64Array.from(latencies);
  return {
    measured: lat.length,
    windowMs,
    perS: (lat.length * 1000) / windowMs,
    latencies: lat,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.reduce((m, x) => Math.max(m, x), 0),
    mean: lat.reduce((sum, x) => sum + x, 0) / Math.max(1, lat.length),
    total,
    ok,
    errors,
    behind,
    serverCpu: cpuBefore.server !== undefined && cpuServerAfter !== undefined ? (cpuServerAfter - cpuBefore.server) / (windowMs / 1000) : undefined,
    databaseCpu: cpuBefore.database !== undefined && cpuDatabaseAfter !== undefined ? (cpuDatabaseAfter - cpuBefore.database) / (windowMs / 1000) : undefined,
    clientCpu: (cpuClient.user + cpuClient.system) / 1e6 / (windowMs / 1000),
  };
}

// ---------------------------------------------------------------------------------------------

// One database's side: its server, its raw driver, their runs

interface Side {
  readonly name: DatabaseName;
  /** The server's database, and the raw driver's. */
  readonly database: DatabaseConfig;
  readonly rawDatabase: DatabaseConfig;
  readonly raw: RawTarget;
  readonly server: RunningServer;
  readonly agent: http.Agent;
  readonly base: URL;
  readonly senders: readonly Sender[];
  /** CPU seconds of the database's own processes so far; undefined for SQLite (in the server). */
  readonly databaseCpu: () => number | undefined;
  readonly raws: Run[];
  readonly runs: HttpRun[];
  readonly openRuns: HttpRun[];
}

const label = (name: DatabaseName) => DATABASE_LABEL[name];

/** Seeds the server's database and the raw driver's, warms the raw driver, starts the server. */
async function setupSide(name: DatabaseName, dir: string, q: LoadedQuestionnaire, cluster: BenchCluster | undefined, teardown: Teardown): Promise<Side> {
  const port = await freePort();
  let env: Record<string, string>;
  let raw: RawTarget;
  let rawDatabase: DatabaseConfig;
  if (name === 'sqlite') {
    env = serverEnv(dir, port);
    rawDatabase = { kind: 'sqlite', file: path.join(dir, 'raw.sqlite') };
    raw = await rawTarget(rawDatabase.file, 'FULL', q);
  } else {
    env = serverEnv(dir, port, await cluster!.createDatabase('bench_submit'));
    const rawUrl = await cluster!.createDatabase('bench_submit_raw');
    rawDatabase = { kind: 'postgres', url: rawUrl, poolSize: 1 };
    raw = await rawPostgresTarget(rawUrl, q);
  }
  teardown.add(() => raw.close().catch(() => undefined), `close the ${label(name)} raw driver`);
  const config = loadConfig(env);
  const seeded = await seedSurvey(config, settings.groups);
  await measure(raw, settings.rawWarmup);

  const nodeArgs = settings.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(settings.cpuProf)] : [];
  const server = await startServer(env, nodeArgs);
  teardown.add(() => server.stop(), `stop the ${label(name)} server`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: settings.clients });
  teardown.add(() => agent.destroy());
  const base = new URL(server.base);
  const senders = await Promise.all(seeded.tablets.map((t) => senderFor(agent, base, seeded, t, q.itemIds)));
  return {
    name,
    database: config.database,
    rawDatabase,
    raw,
    server,
    agent,
    base,
    senders,
    databaseCpu: () => (name === 'postgres' ? cluster!.cpuSeconds() : undefined),
    raws: [],
    runs: [],
    openRuns: [],
  };
}

async function countSqliteReceipts(file: string): Promise<number> {
  const db = await rawOpen(file, sqlite3.OPEN_READONLY);
  try {
    return Number((await rawGet<{ n: number }>(db, 'select count(*) as n from submission_receipt'))?.n ?? NaN);
  } finally {
    await rawClose(db);
  }
}

/** What a database holds, read without the server (stopped by then). */
async function countDatabase(database: DatabaseConfig): Promise<Counts & { receipts: number }> {
  if (database.kind === 'postgres') return countPostgresRows(database);
  return { ...(await countRows(database.file)), receipts: await countSqliteReceipts(database.file) };
}

interface Figures {
  readonly perS: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  readonly raw: number;
  readonly rawP50: number;
  readonly rawP99: number;
}

function figuresOf(side: Side): Figures {
  const { runs, raws } = side;
  return {
    perS: median(runs.map((r) => r.perS)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    max: median(runs.map((r) => r.max)),
    mean: median(runs.map((r) => r.mean)),
    raw: median(raws.map((r) => r.txPerS)),
    rawP50: median(raws.map((r) => percentile(r.latencies, 50) / 1000)),
    rawP99: median(raws.map((r) => percentile(r.latencies, 99) / 1000)),
  };
}

const pct = (x: number | undefined) => (x === undefined ? 'n/a' : `${Math.round(x * 100)}%`);
const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

/** The table: a row per measure, for each database its median and its range over the runs. */
function resultTable(sides: readonly Side[], med: ReadonlyMap<Side, Figures>): string {
  type Row = { measure: string; cell: (side: Side) => [string, string]; budget?: (f: Figures) => boolean; budgetText?: string };
  const rows: Row[] = [
    {
      measure: 'submissions/s (HTTP)',
      cell: (s) => [fmtInt(med.get(s)!.perS), range(s.runs.map((r) => r.perS), fmtInt)],
      budget: (f) => f.perS >= BUDGET.submissionsPerS,
      budgetText: `≥ ${fmtInt(BUDGET.submissionsPerS)}`,
    },
    { measure: 'p50 latency, ms', cell: (s) => [fmtMs(med.get(s)!.p50), range(s.runs.map((r) => r.p50), fmtMs)] },
    {
      measure: 'p99 latency, ms',
      cell: (s) => [fmtMs(med.get(s)!.p99), range(s.runs.map((r) => r.p99), fmtMs)],
      budget: (f) => f.p99 <= BUDGET.p99Ms,
      budgetText: `≤ ${BUDGET.p99Ms}`,
    },
    { measure: 'max latency, ms', cell: (s) => [fmtMs(med.get(s)!.max), range(s.runs.map((r) => r.max), fmtMs)] },
    { measure: 'mean latency, ms', cell: (s) => [fmtMs(med.get(s)!.mean), range(s.runs.map((r) => r.mean), fmtMs)] },
    ...(settings.rate > 0
      ? [
          {
            measure: `open loop, ${fmtInt(settings.rate)}/s offered: submissions/s`,
            cell: (s: Side): [string, string] => [fmtInt(median(s.openRuns.map((r) => r.perS))), range(s.openRuns.map((r) => r.perS), fmtInt)],
          },
          {
            measure: `open loop, ${fmtInt(settings.rate)}/s offered: p50 / p99 ms`,
            cell: (s: Side): [string, string] => [`${fmtMs(median(s.openRuns.map((r) => r.p50)))} / ${fmtMs(median(s.openRuns.map((r) => r.p99)))}`, ''],
          },
        ]
      : []),
    {
      measure: 'CPU, % of a core: server / PostgreSQL / clients',
      cell: (s) => [
        `${pct(median(s.runs.map((r) => r.serverCpu ?? NaN)))} / ${s.name === 'sqlite' ? '–' : pct(median(s.runs.map((r) => r.databaseCpu ?? NaN)))} / ${pct(median(s.runs.map((r) => r.clientCpu)))}`,
        '',
      ],
    },
    { measure: 'raw driver tx/s (1 tx = 1 response)', cell: (s) => [fmtInt(med.get(s)!.raw), range(s.raws.map((r) => r.txPerS), fmtInt)] },
    { measure: 'raw driver p50 / p99 per tx, ms', cell: (s) => [`${fmtMs(med.get(s)!.rawP50)} / ${fmtMs(med.get(s)!.rawP99)}`, ''] },
  ];
  return table(
    ['measure', ...sides.flatMap((s) => [`${label(s.name)} median`, 'range']), 'budget'],
    rows.map((r) => [
      r.measure,
      ...sides.flatMap((s) => r.cell(s)),
      r.budget ? `${r.budgetText}: ${sides.map((s) => `${label(s.name)} ${r.budget!(med.get(s)!) ? 'ok' : 'MISSED'}`).join(', ')}` : '',
    ]),
    [false, ...sides.flatMap(() => [true, true]), false],
  );
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const teardown = new Teardown('bench:submit');
  try {
    const dir = teardown.dir(benchDir('leefklimaat-bench-submit-'));
    const fsKind = memoryBacked(dir);
    console.log(
      `Leefklimaat submit bench: node ${process.version}, sqlite ${sqlite3.VERSION}, ${os.cpus().length} CPU(s), load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, data in ${dir}${fsKind ? ` (${fsKind}!)` : ''}`,
    );
    console.log(
      `load: ${settings.clients} concurrent clients (closed loop, keep-alive), ${settings.groups} tablet(s), POST /survey/submit with all ${ANSWERS_PER_RESPONSE} items; ` +
        `${settings.runs} run(s) per database of ${settings.warmupMs / 1000} s warm-up + ${settings.measureMs / 1000} s measured, each after ≈${settings.rawMs / 1000} s of its raw driver`,
    );
    if (fsKind) console.log(`WARNING: ${dir} is ${fsKind}: fsync is free there, so neither figure means much. Set BENCH_DIR to a disk.`);
    console.log('the bench’s clients run on the same machine as the servers (and PostgreSQL) and take CPU from them');

    const setupStart = performance.now();
    const cluster = settings.databases.includes('postgres') ? await startBenchCluster(teardown) : undefined;
    console.log(`databases: ${settings.databases.map(label).join(', ')}${cluster ? `; ${cluster.describe}, data under ${clusterParent()}` : ''}`);
    const q = loadQuestionnaire();
    const sides: Side[] = [];
    for (const name of settings.databases) {
      const sideDir = path.join(dir, name);
      fs.mkdirSync(sideDir);
      sides.push(await setupSide(name, sideDir, q, cluster, teardown));
    }
    console.log(
      `setup: ${(performance.now() - setupStart).toFixed(0)} ms (${sides.map((s) => `${label(s.name)} server pid ${s.server.pid} at ${s.server.base}`).join(', ')}` +
        `${settings.cpuProf ? `; CPU profiles to ${settings.cpuProf}` : ''})\n`,
    );

    const describe = (run: HttpRun) =>
      `${fmtInt(run.perS)} submissions/s, p50 ${fmtMs(run.p50)} ms, p99 ${fmtMs(run.p99)} ms, max ${fmtMs(run.max)} ms ` +
      `(${fmtInt(run.measured)} measured, ${fmtInt(run.total)} sent, ${run.total - run.ok} error(s)${run.behind ? `, ${fmtInt(run.behind)} left waiting` : ''}); ` +
      `CPU server ${pct(run.serverCpu)}${run.databaseCpu === undefined ? '' : `, PostgreSQL ${pct(run.databaseCpu)}`}, clients ${pct(run.clientCpu)} of a core`;
    for (let r = 0; r < settings.runs; r++) {
      // The order rotates, so neither database always comes first after the other's load.
      for (let i = 0; i < sides.length; i++) {
        const side = sides[(i + r) % sides.length]!;
        const rawRun = await measureFor(side.raw, settings.rawMs);
        side.raws.push(rawRun);
        const run = await httpRun(side, { kind: 'closed' });
        side.runs.push(run);
        console.log(`run ${r + 1} ${label(side.name).padEnd(10)}: raw ${fmtInt(rawRun.txPerS)} tx/s; HTTP ${describe(run)}`);
        if (settings.rate > 0) {
          const open = await httpRun(side, { kind: 'open', rate: settings.rate });
          side.openRuns.push(open);
          console.log(`       open loop at ${fmtInt(settings.rate)}/s offered: ${describe(open)}`);
        }
      }
    }

    const exits = new Map<Side, number | null>();
    for (const side of sides) {
      side.agent.destroy();
      exits.set(side, await side.server.stop());
      await side.raw.close();
    }

    // Results
    const med = new Map(sides.map((s) => [s, figuresOf(s)]));
    console.log('');
    console.log(`median of ${settings.runs} run(s) per database (each figure's own median; the range is min–max over the runs):\n`);
    console.log(resultTable(sides, med));
    console.log('');
    for (const side of sides) {
      const f = med.get(side)!;
      console.log(
        `${label(side.name)}: the server did ${(f.perS / f.raw).toFixed(2)}× the raw driver’s rate (which commits one response per transaction; the server commits a batch per transaction); ` +
          `${settings.clients} clients ÷ ${fmtInt(f.perS)}/s = ${fmtMs((settings.clients / f.perS) * 1000)} ms mean latency by Little's law (measured ${fmtMs(f.mean)} ms)`,
      );
    }
    console.log(`p99 ≤ ${BUDGET.p99Ms} ms at ${settings.clients} clients needs well over ${fmtInt((settings.clients * 1000) / BUDGET.p99Ms)}/s`);

    // Verification
    console.log('');
    let good = true;
    for (const side of sides) {
      const everyRun = [...side.runs, ...side.openRuns];
      const sent = everyRun.reduce((n, r) => n + r.total, 0);
      const ok = everyRun.reduce((n, r) => n + r.ok, 0);
      const errors = new Map<string, number>();
      for (const r of everyRun) for (const [k, v] of r.errors) errors.set(k, (errors.get(k) ?? 0) + v);
      const c = await countDatabase(side.database);
      const rawCounts = await countDatabase(side.rawDatabase);
      const rawCommitted = side.raw.committed;
      const serverGood =
        errors.size === 0 &&
        ok > 0 &&
        c.responses === ok &&
        c.receipts === ok &&
        c.answers === ok * ANSWERS_PER_RESPONSE &&
        c.incomplete === 0 &&
        c.outOfRange === 0 &&
        c.fkViolations === 0;
      const rawGood =
        rawCommitted > settings.rawWarmup &&
        rawCounts.responses === rawCommitted &&
        rawCounts.answers === rawCommitted * ANSWERS_PER_RESPONSE &&
        rawCounts.incomplete === 0 &&
        rawCounts.fkViolations === 0;
      const code = exits.get(side);
      const name = label(side.name).padEnd(10);
      console.log(
        `verify ${name} server ${serverGood ? 'ok  ' : 'FAIL'} ${fmtInt(sent)} sent, ${fmtInt(ok)} × 200, ${fmtInt(sent - ok)} error(s); in the database: ` +
          `responses ${fmtInt(c.responses)}, receipts ${fmtInt(c.receipts)}, answers ${fmtInt(c.answers)}/${fmtInt(ok * ANSWERS_PER_RESPONSE)}` +
          `${c.incomplete ? `, ${c.incomplete} incomplete` : ''}${c.outOfRange ? `, ${c.outOfRange} out of range` : ''}${c.fkViolations ? `, ${c.fkViolations} foreign-key violations` : ''}`,
      );
      for (const [k, v] of errors) console.log(`  ${v} × ${k}`);
      console.log(
        `verify ${name} raw    ${rawGood ? 'ok  ' : 'FAIL'} responses ${fmtInt(rawCounts.responses)}/${fmtInt(rawCommitted)}, answers ${fmtInt(rawCounts.answers)}/${fmtInt(rawCommitted * ANSWERS_PER_RESPONSE)}`,
      );
      console.log(`${label(side.name)} server stopped with SIGTERM: exit ${code}${code === 0 ? ' (ok)' : ' (expected 0)'}`);
      const stderr = side.server.stderr().trim();
      if (stderr) console.log(`${label(side.name)} server stderr (${stderr.split('\n').length} line(s)):\n${stderr.split('\n').slice(0, 20).join('\n')}`);
      good &&= serverGood && rawGood && code === 0;
    }
    if (!good) {
      console.error('bench:submit: the figures above are not to be trusted (see the verification)');
      return 1;
    }

    const json = (f: Figures) => ({
      submissions_per_s: Math.round(f.perS),
      p50_ms: Math.round(f.p50 * 10) / 10,
      p99_ms: Math.round(f.p99 * 10) / 10,
      raw_tx_per_s: Math.round(f.raw),
    });
    console.log(JSON.stringify(Object.fromEntries(sides.map((s) => [s.name, json(med.get(s)!)]))));
    return 0;
  } finally {
    await teardown.run();
  }
}

runBench('submit', main);
