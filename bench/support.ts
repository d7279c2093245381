/**
 * What the benches share: settings from the environment, the questionnaire and a seeded database,
 * the raw `sqlite3` transaction (the yardstick for every write figure on SQLite; `postgres.ts` has
 * PostgreSQL's), measuring and percentiles, the table printer, cleaning up however the bench ends,
 * and — for the benches that measure the real server — a seeded database and the server as its
 * own process (`src/main.ts`, as `npm start` runs it), on SQLite or PostgreSQL.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sqlite3 from 'sqlite3';
import { hashToken } from '../src/auth/setup.service';
import { insertUser } from '../src/auth/user.repository';
import { prepare } from '../src/bootstrap';
import type { Config, DatabaseConfig } from '../src/config';
import { openDatabase, type Database } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrator';
import { insertGroup, insertInstitution, insertLocation } from '../src/organisation/organisation.repository';
import { paths } from '../src/paths';
import type { Questionnaire } from '../src/questionnaires/questionnaire';
import { formatProblem, loadQuestionnaires } from '../src/questionnaires/questionnaire.loader';
import { registerQuestionnaires } from '../src/questionnaires/questionnaire.service';
import { periodLabel, periodOf } from '../src/rounds/period';
import { insertRound, insertRoundGroups } from '../src/rounds/round.repository';
import type { NewResponseRow } from '../src/responses/response.table';
import { insertTabletSession } from '../src/survey/survey.repository';
import { TABLET_COOKIE } from '../src/survey/survey.service';
import { isoDay, randomId, systemClock } from '../src/system';

// ---------------------------------------------------------------------------------------------
// Settings

/** The SQLite file of a database; the raw-SQLite seeders and readers need one. */
export function sqliteFileOf(database: DatabaseConfig): string {
  if (database.kind !== 'sqlite') throw new Error('this step needs a SQLite database');
  return database.file;
}

/** Runs a bench's `main`: its result is the exit code; a failure is printed and exits 1. */
export function runBench(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`bench:${name} failed:`, error);
      process.exitCode = 1;
    },
  );
}

/** A knob (BENCH_* variable) with a value the bench cannot use: the user's mistake, said in one line, without a stack. */
function badKnob(message: string): never {
  console.error(message);
  process.exit(2);
}

/**
 * A numeric knob. Read when a bench's module loads, before `runBench` can catch anything, so a bad
 * value stops the bench here with one line naming the variable.
 */
export function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) badKnob(`${name} must be a number >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

export const QUESTIONNAIRE_ID = 'lk-jeugd';
export const QUESTIONNAIRE_VERSION = 1;
export const ANSWERS_PER_RESPONSE = 32;

/** The databases a bench can measure side by side. */
export type DatabaseName = 'sqlite' | 'postgres';
export const DATABASE_LABEL: Record<DatabaseName, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** BENCH_DATABASES: a comma-separated choice of `sqlite` and `postgres`; both when unset. */
export function selectedDatabases(): DatabaseName[] {
  const raw = process.env['BENCH_DATABASES'];
  if (raw === undefined || raw.trim() === '') return ['sqlite', 'postgres'];
  const names = raw.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  const bad = names.filter((n) => n !== 'sqlite' && n !== 'postgres');
  if (bad.length > 0 || names.length === 0) badKnob(`BENCH_DATABASES must list sqlite and/or postgres, got ${JSON.stringify(raw)}`);
  return (['sqlite', 'postgres'] as const).filter((n) => names.includes(n));
}

export type Sync = 'FULL' | 'NORMAL';
export type Kind = 'driver' | 'raw';

/** The foreign keys a response row needs; the same in every database (fixed ids). */
export interface Fixture {
  readonly roundId: string;
  readonly groupId: string;
  readonly itemIds: readonly string[];
}

/** One work unit's data, built the same way for driver and raw so both pay the same. */
export function newSubmission(fixture: Fixture): { response: NewResponseRow; answers: { item_id: string; value: number }[] } {
  return {
    response: {
      id: randomUUID(),
      round_id: fixture.roundId,
      group_id: fixture.groupId,
      questionnaire_id: QUESTIONNAIRE_ID,
      questionnaire_version: QUESTIONNAIRE_VERSION,
    },
    answers: fixture.itemIds.map((item_id) => ({ item_id, value: 1 + Math.floor(Math.random() * 5) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Setup: a migrated database with the rows a response refers to

export interface LoadedQuestionnaire {
  readonly all: readonly Questionnaire[];
  /** lk-jeugd v1 itself. */
  readonly questionnaire: Questionnaire;
  readonly itemIds: string[];
}

export function loadQuestionnaire(): LoadedQuestionnaire {
  const loaded = loadQuestionnaires(paths.surveys, 'en');
  if (!loaded.ok) throw new Error(`surveys/ did not load:\n${loaded.problems.map(formatProblem).join('\n')}`);
  const q = loaded.questionnaires.find((x) => x.id === QUESTIONNAIRE_ID && x.version === QUESTIONNAIRE_VERSION);
  if (!q) throw new Error(`${QUESTIONNAIRE_ID}@${QUESTIONNAIRE_VERSION} is not in ${paths.surveys}`);
  const itemIds = q.items.map((i) => i.id);
  if (itemIds.length !== ANSWERS_PER_RESPONSE) {
    throw new Error(`${QUESTIONNAIRE_ID}@${QUESTIONNAIRE_VERSION} has ${itemIds.length} items; the bench expects ${ANSWERS_PER_RESPONSE}`);
  }
  return { all: loaded.questionnaires, questionnaire: q, itemIds };
}

/** Migrates a fresh file with the real migrations and inserts institution … round_group. */
export async function seed(db: Database, questionnaires: readonly Questionnaire[], itemIds: readonly string[]): Promise<Fixture> {
  await migrateToLatest(db);
  const problems = await registerQuestionnaires(db, questionnaires, { now: () => new Date() }, 'en');
  if (problems.length > 0) throw new Error(`questionnaire registration refused:\n${problems.map(formatProblem).join('\n')}`);
  const fixture: Fixture = { roundId: randomUUID(), groupId: randomUUID(), itemIds };
  const institutionId = randomUUID();
  const locationId = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('institution').values({ id: institutionId, name: 'Bench', cadence_months: 6, created_at: new Date().toISOString() }).execute();
    await trx.insertInto('location').values({ id: locationId, institution_id: institutionId, name: 'Bench location' }).execute();
    await trx
      .insertInto('living_group')
      .values({ id: fixture.groupId, location_id: locationId, name: 'Bench group', places: 12, questionnaire_id: QUESTIONNAIRE_ID, active: 1 })
      .execute();
    await trx
      .insertInto('round')
      .values({ id: fixture.roundId, institution_id: institutionId, period: '2026-H1', opens_on: '2026-01-01', closes_on: '2026-12-31', status: 'open' })
      .execute();
    await trx
      .insertInto('round_group')
      .values({ round_id: fixture.roundId, group_id: fixture.groupId, questionnaire_id: QUESTIONNAIRE_ID, questionnaire_version: QUESTIONNAIRE_VERSION })
      .execute();
  });
  return fixture;
}

// ---------------------------------------------------------------------------------------------
// The raw side: promise per statement over the sqlite3 callback API

export const RESPONSE_SQL = 'insert into "response" ("id", "round_id", "group_id", "questionnaire_id", "questionnaire_version") values (?, ?, ?, ?, ?)';
export const ANSWERS_SQL = `insert into "response_answer" ("item_id", "value", "response_id") values ${Array(ANSWERS_PER_RESPONSE).fill('(?, ?, ?)').join(', ')}`;

/** The raw SQL must be what Kysely sends for `insertResponse`, or the comparison means nothing. */
export function assertSameSqlAsKysely(db: Database, fixture: Fixture): void {
  const { response, answers } = newSubmission(fixture);
  const responseSql = db.insertInto('response').values(response).compile().sql;
  const answersSql = db
    .insertInto('response_answer')
    .values(answers.map((a) => ({ ...a, response_id: response.id })))
    .compile().sql;
  if (responseSql !== RESPONSE_SQL) throw new Error(`raw response SQL differs from Kysely's:\n  ${RESPONSE_SQL}\n  ${responseSql}`);
  if (answersSql !== ANSWERS_SQL) throw new Error(`raw answers SQL differs from Kysely's:\n  ${ANSWERS_SQL}\n  ${answersSql}`);
}

export function rawOpen(file: string, mode?: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db: sqlite3.Database =
      mode === undefined ? new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db))) : new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(db)));
  });
}

export function rawRun(db: sqlite3.Database, text: string, params: unknown[] = []): Promise<void> {
  return new Promise((resolve, reject) => db.run(text, params, (err) => (err ? reject(err) : resolve())));
}

export function rawGet<T>(db: sqlite3.Database, text: string): Promise<T | undefined> {
  return new Promise((resolve, reject) => db.get<T>(text, (err, row) => (err ? reject(err) : resolve(row))));
}

export function rawClose(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
}

// ---------------------------------------------------------------------------------------------
// Targets: one database file per configuration, open for the whole bench

/** A raw driver's work unit, on either database. */
export interface RawTarget {
  /** Transactions committed, warm-up included: what the database must hold at the end. */
  committed: number;
  runTx(): Promise<void>;
  close(): Promise<void>;
}

export interface Target extends RawTarget {
  readonly kind: Kind;
  readonly sync: Sync;
  readonly file: string;
}

export const label = (t: { kind: Kind; sync: Sync }) => `${t.kind} ${t.sync}`;

/** journal_mode, synchronous (0 off, 1 normal, 2 full, 3 extra), foreign_keys as the connection sees them. */
export interface PragmaState {
  journal: string;
  synchronous: number;
  foreignKeys: number;
}

export function checkPragmas(name: string, sync: Sync, state: PragmaState): void {
  const want: PragmaState = { journal: 'wal', synchronous: sync === 'FULL' ? 2 : 1, foreignKeys: 1 };
  if (state.journal !== want.journal || state.synchronous !== want.synchronous || state.foreignKeys !== want.foreignKeys) {
    throw new Error(`${name}: connection has ${JSON.stringify(state)}, expected ${JSON.stringify(want)}`);
  }
}

/**
 * The raw driver's work unit on its own file: BEGIN IMMEDIATE; 1 response; 1 insert of its 32
 * answers; COMMIT, with the pragmas the server uses (WAL, `synchronous`, foreign keys).
 */
export async function rawTarget(file: string, sync: Sync, q: LoadedQuestionnaire): Promise<Target> {
  // Migrate and seed through Kysely, then let go of it: from here on only raw sqlite3.
  const setup = openDatabase({ kind: 'sqlite', file });
  const fixture = await seed(setup, q.all, q.itemIds);
  await setup.destroy();

  const db = await rawOpen(file);
  for (const pragma of ['journal_mode = wal', `synchronous = ${sync.toLowerCase()}`, 'foreign_keys = on', 'busy_timeout = 5000']) {
    await rawGet(db, `pragma ${pragma}`);
  }
  checkPragmas(`raw ${sync}`, sync, {
    journal: String((await rawGet<{ journal_mode: string }>(db, 'pragma journal_mode'))?.journal_mode),
    synchronous: Number((await rawGet<{ synchronous: number }>(db, 'pragma synchronous'))?.synchronous),
    foreignKeys: Number((await rawGet<{ foreign_keys: number }>(db, 'pragma foreign_keys'))?.foreign_keys),
  });
  const target: Target = {
    kind: 'raw',
    sync,
    file,
    committed: 0,
    async runTx() {
      const { response, answers } = newSubmission(fixture);
      const answerParams: unknown[] = [];
      for (const a of answers) answerParams.push(a.item_id, a.value, response.id);
      await rawRun(db, 'begin immediate');
      try {
        await rawRun(db, RESPONSE_SQL, [response.id, response.round_id, response.group_id, response.questionnaire_id, response.questionnaire_version]);
        await rawRun(db, ANSWERS_SQL, answerParams);
        await rawRun(db, 'commit');
      } catch (error) {
        await rawRun(db, 'rollback').catch(() => undefined);
        throw error;
      }
      target.committed++;
    },
    close: () => rawClose(db),
  };
  return target;
}

// ---------------------------------------------------------------------------------------------
// Measuring

export interface Run {
  readonly tx: number;
  readonly ms: number;
  readonly txPerS: number;
  /** Each transaction's wall time, µs. */
  readonly latencies: Float64Array;
}

/** `count` transactions back to back, each awaited before the next starts. */
export async function measure(target: Pick<RawTarget, 'runTx'>, count: number): Promise<Run> {
  const latencies = new Float64Array(count);
  const start = performance.now();
  let tx = 0;
  let now = start;
  while (tx < count) {
    const before = now;
    await target.runTx();
    now = performance.now();
    latencies[tx++] = (now - before) * 1000;
  }
  const ms = now - start;
  return { tx, ms, txPerS: (tx * 1000) / ms, latencies: latencies.subarray(0, tx) };
}

/** Slices of `slice` transactions until `ms` have passed, as one run. */
export async function measureFor(target: Pick<RawTarget, 'runTx'>, ms: number, slice = 100): Promise<Run> {
  const slices: Run[] = [];
  const deadline = performance.now() + ms;
  do slices.push(await measure(target, slice));
  while (performance.now() < deadline);
  return merge(slices);
}

/** Slices of one configuration as one run: their transactions over their summed time. */
export function merge(slices: readonly Run[]): Run {
  const tx = slices.reduce((n, r) => n + r.tx, 0);
  const ms = slices.reduce((n, r) => n + r.ms, 0);
  return { tx, ms, txPerS: (tx * 1000) / ms, latencies: concat(slices) };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function concat(runs: readonly Run[]): Float64Array {
  const all = new Float64Array(runs.reduce((n, r) => n + r.latencies.length, 0));
  let at = 0;
  for (const r of runs) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  return all;
}

/** Fields of /proc/<pid>/stat after the command name (Linux), or undefined where it cannot be read. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, in seconds, from /proc (Linux; USER_HZ is 100 there in practice). */
export function processCpuSeconds(pid: number): number | undefined {
  const fields = procStat(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : undefined;
}

/**
 * CPU seconds of a process and its children — living ones (by their parent id in /proc) and
 * reaped ones (the parent's cutime + cstime): a PostgreSQL server and its backends.
 */
export function processTreeCpuSeconds(pid: number): number | undefined {
  const root = procStat(pid);
  if (!root) return undefined;
  let ticks = Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14]);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = procStat(Number(entry));
    if (fields && Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

// ---------------------------------------------------------------------------------------------
// Verification: a database holds exactly what was committed, and nothing else

export interface Counts {
  responses: number;
  answers: number;
  incomplete: number;
  outOfRange: number;
  fkViolations: number;
}

/** Opens the file read-only (the writer may be another process that has just stopped). */
export async function countRows(file: string): Promise<Counts> {
  const db = await rawOpen(file, sqlite3.OPEN_READONLY);
  try {
    const n = async (text: string) => Number((await rawGet<{ n: number }>(db, text))?.n ?? NaN);
    return {
      responses: await n('select count(*) as n from response'),
      answers: await n('select count(*) as n from response_answer'),
      incomplete: await n(
        `select count(*) as n from (select r.id from response r left join response_answer a on a.response_id = r.id
           group by r.id having count(a.item_id) <> ${ANSWERS_PER_RESPONSE})`,
      ),
      outOfRange: await n('select count(*) as n from response_answer where value not between 1 and 5'),
      fkViolations: await n('select count(*) as n from pragma_foreign_key_check'),
    };
  } finally {
    await rawClose(db);
  }
}

// ---------------------------------------------------------------------------------------------
// Output

export const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US');
export const fmtPct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
export const fmtMs = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));

export function table(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** TMPFS_MAGIC / RAMFS_MAGIC: fsync costs nothing there, so FULL and NORMAL would look alike. */
export function memoryBacked(dir: string): string | undefined {
  try {
    const type = fs.statfsSync(dir).type;
    if (type === 0x01021994) return 'tmpfs';
    if (type === 0x858458f6) return 'ramfs';
  } catch {
    // statfs not available: say nothing
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The real server: a seeded data folder, then `src/main.ts` as its own process

/**
 * The server's environment for a data folder (its key file, and its SQLite file unless
 * `databaseUrl` names another database, e.g. `postgres://…`); the bench's own setup reads the
 * same through `loadConfig`.
 */
export function serverEnv(dir: string, port: number, databaseUrl = path.join(dir, 'leefklimaat.sqlite')): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    SECRET_FILE: path.join(dir, 'leefklimaat.key'),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DEFAULT_LANGUAGE: 'nl',
  };
}

export interface Tablet {
  readonly groupId: string;
  /** The `lk_tablet` cookie's value. */
  readonly token: string;
  /** `lk_tablet=<token>`, for a Cookie header. */
  readonly cookie: string;
}

export interface SeededSurvey {
  readonly database: DatabaseConfig;
  readonly roundId: string;
  readonly tablets: readonly Tablet[];
  readonly questionnaire: Questionnaire;
}

/**
 * What the server needs to show the survey, in the database of `config` (SQLite or PostgreSQL;
 * through Kysely, so the same for both): through `prepare` (questionnaires checked, database
 * created and migrated, questionnaires registered, secret key file made), then an institution
 * with `groups` groups, an administrator, an open round with every group on lk-jeugd v1 — in the
 * current period and around today, so the server's scheduler leaves it open — and one tablet in
 * tablet mode per group (as `POST /tablet/start` leaves it).
 */
export async function seedSurvey(config: Config, groups: number): Promise<SeededSurvey> {
  const { db, questionnaires } = await prepare(config, systemClock);
  try {
    const questionnaire = questionnaires.get(QUESTIONNAIRE_ID, QUESTIONNAIRE_VERSION);
    if (!questionnaire) throw new Error(`${QUESTIONNAIRE_ID}@${QUESTIONNAIRE_VERSION} is not in ${config.surveysDir}`);
    const now = systemClock.now();
    const institutionId = randomId();
    const locationId = randomId();
    const roundId = randomId();
    const adminId = randomId();
    const groupIds = Array.from({ length: groups }, () => randomId());
    const tablets: Tablet[] = [];
    await db.transaction().execute(async (trx) => {
      await insertInstitution(trx, { id: institutionId, name: 'Bench', cadence_months: 6, created_at: now.toISOString() });
      await insertLocation(trx, { id: locationId, institution_id: institutionId, name: 'Bench location' });
      for (const [i, id] of groupIds.entries()) {
        await insertGroup(trx, { id, location_id: locationId, name: `Groep ${i + 1}`, places: 12, questionnaire_id: QUESTIONNAIRE_ID, active: 1 });
      }
      await insertUser(trx, {
        id: adminId,
        institution_id: institutionId,
        municipality_id: null,
        email: 'bench@example.org',
        display_name: 'Bench',
        role: 'administrator',
        password_hash: 'scrypt$1$1$1$x$x',
        pin_hash: null,
        active: 1,
        created_at: now.toISOString(),
      });
      await insertRound(trx, {
        id: roundId,
        institution_id: institutionId,
        period: periodLabel(periodOf(now, 6)),
        opens_on: isoDay(now),
        closes_on: isoDay(new Date(now.getTime() + 30 * 24 * 3600_000)),
        status: 'open',
      });
      await insertRoundGroups(
        trx,
        groupIds.map((g) => ({ round_id: roundId, group_id: g, questionnaire_id: QUESTIONNAIRE_ID, questionnaire_version: QUESTIONNAIRE_VERSION })),
      );
      for (const groupId of groupIds) {
        const token = randomBytes(32).toString('base64url');
        await insertTabletSession(trx, { token_hash: hashToken(token), round_id: roundId, group_id: groupId, started_by: adminId });
        tablets.push({ groupId, token, cookie: `${TABLET_COOKIE}=${token}` });
      }
    });
    return { database: config.database, roundId, tablets, questionnaire };
  } finally {
    await db.destroy();
  }
}

/** A port that was free a moment ago (the server is started on it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  readonly base: string;
  readonly pid: number;
  /** What the server wrote to stderr (warnings and errors, at LOG_LEVEL=warn). */
  stderr(): string;
  /** SIGTERM, then waits for the exit; the exit code (null when it had to be killed). */
  stop(): Promise<number | null>;
}

/**
 * Starts the real server (`node --import tsx src/main.ts`, or `dist/src/main.js` after `npm run
 * build` when BENCH_SERVER=dist) with `env` (from `serverEnv`), and resolves when it prints that it
 * listens. `nodeArgs` go to that node (e.g. `--cpu-prof`), and so does BENCH_SERVER_NODE_ARGS
 * (split on spaces).
 */
export async function startServer(env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<RunningServer> {
  const useDist = process.env['BENCH_SERVER'] === 'dist';
  const entry = useDist ? ['dist/src/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  if (useDist && !fs.existsSync(path.join(paths.root, 'dist', 'src', 'main.js'))) badKnob('BENCH_SERVER=dist: run `npm run build` first');
  const extra = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [...extra, ...nodeArgs, ...entry], {
    cwd: paths.root,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? os.tmpdir(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('the server did not say it was listening within 60 s')), 60_000);
    const onData = () => {
      if (/Leefklimaat draait op|Leefklimaat is running at/.test(stdout)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => fail(new Error(`the server stopped before listening (exit ${code})`));
    function cleanup() {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
    }
    function fail(error: Error) {
      cleanup();
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(new Error(`${error.message}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });

  let stopping: Promise<number | null> | undefined;
  return {
    base: `http://127.0.0.1:${env['PORT']}`,
    pid: child.pid!,
    stderr: () => stderr,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill('SIGTERM');
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
        const outcome = await Promise.race([exited, timeout]);
        if (outcome !== 'timeout') return outcome;
        child.kill('SIGKILL');
        await exited;
        return null;
      })();
      return stopping;
    },
  };
}

/** A temporary folder for one bench run, under BENCH_DIR (default: the OS's temp folder). */
export function benchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(process.env['BENCH_DIR'] || os.tmpdir(), prefix));
}

/**
 * What to undo when a bench ends, however it ends: stop servers and the PostgreSQL cluster, remove
 * temporary folders. Steps run last-added first, each once; a failing step does not stop the rest.
 * Ctrl-C (SIGINT) and SIGTERM run them too and then end the process (exit 130 / 143): without
 * that, Node would exit at once and leave the cluster running (it is not in the terminal's
 * process group) and the folders behind.
 */
export class Teardown {
  #steps: { name: string; step: () => unknown }[] = [];
  #running: Promise<void> | undefined;

  constructor(private readonly bench: string) {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      process.once(signal, () => {
        console.error(`\n${this.bench}: ${signal}, cleaning up`);
        void this.run().finally(() => process.exit(code));
      });
    }
  }

  /** Registers a step; the function returned runs it now (and takes it off the list). */
  add(step: () => unknown, name = 'cleanup'): () => Promise<void> {
    const entry = { name, step };
    this.#steps.push(entry);
    return async () => {
      const at = this.#steps.indexOf(entry);
      if (at < 0) return;
      this.#steps.splice(at, 1);
      await step();
    };
  }

  /** A folder to remove at the end; its path. */
  dir(dir: string): string {
    this.add(() => fs.rmSync(dir, { recursive: true, force: true }), `remove ${dir}`);
    return dir;
  }

  run(): Promise<void> {
    this.#running ??= (async () => {
      for (let entry = this.#steps.pop(); entry; entry = this.#steps.pop()) {
        try {
          await entry.step();
        } catch (error) {
          console.error(`${this.bench}: ${entry.name} failed:`, error);
        }
      }
    })();
    return this.#running;
  }
}
