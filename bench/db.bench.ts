/**
 * `npm run bench:db`: submission-like write transactions per second, through our Kysely driver
 * (src/db/sqlite3-dialect.ts) and through the raw `sqlite3` callback API doing the same SQL, so
 * the driver's overhead is visible; each with synchronous=FULL (what we run) and NORMAL (to show
 * what durability costs).
 *
 * One work unit: BEGIN IMMEDIATE; insert one `response` row; one multi-row insert of its 32
 * `response_answer` rows; COMMIT. Sequential, one transaction at a time, as one client would.
 * The four configurations alternate in short slices (100 tx, the order rotating), so machine
 * noise hits all alike; each configuration's figure is the median of its rounds. Every database is checked at the end to hold exactly what was
 * written; the process exits non-zero if not.
 *
 * The LAST line of stdout is one JSON object:
 *   {"driver_tx_per_s": …, "raw_tx_per_s": …, "driver_normal_tx_per_s": …, "raw_normal_tx_per_s": …}
 *
 * Knobs (environment, all optional): BENCH_DIR (default os.tmpdir(); FULL vs NORMAL only means
 * something on a real disk, not tmpfs), BENCH_ROUNDS (3), BENCH_WARMUP (200 tx),
 * BENCH_MAX_TX (2000 tx per configuration per round), BENCH_MAX_SECONDS (2.5 s per configuration
 * per round, on average), BENCH_SLICE (100 tx).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import sqlite3 from 'sqlite3';
import { openDatabase, type Database } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrator';
import { paths } from '../src/paths';
import type { Questionnaire } from '../src/questionnaires/questionnaire';
import { formatProblem, loadQuestionnaires } from '../src/questionnaires/questionnaire.loader';
import { registerQuestionnaires } from '../src/questionnaires/questionnaire.service';
import { insertResponse } from '../src/responses/response.repository';
import type { NewResponseRow } from '../src/responses/response.table';

// ---------------------------------------------------------------------------------------------
// Settings

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

const settings = {
  dir: process.env['BENCH_DIR'] || os.tmpdir(),
  rounds: Math.round(envNumber('BENCH_ROUNDS', 3, 1)),
  warmup: Math.round(envNumber('BENCH_WARMUP', 200, 0)),
  maxTx: Math.round(envNumber('BENCH_MAX_TX', 2000, 1)),
  maxMs: envNumber('BENCH_MAX_SECONDS', 2.5, 0.1) * 1000,
  slice: Math.round(envNumber('BENCH_SLICE', 100, 1)),
} as const;

const QUESTIONNAIRE_ID = 'lk-jeugd';
const QUESTIONNAIRE_VERSION = 1;
const ANSWERS_PER_RESPONSE = 32;

type Sync = 'FULL' | 'NORMAL';
type Kind = 'driver' | 'raw';

/** The foreign keys a response row needs; the same in every database (fixed ids). */
interface Fixture {
  readonly roundId: string;
  readonly groupId: string;
  readonly itemIds: readonly string[];
}

/** One work unit's data, built the same way for driver and raw so both pay the same. */
function newSubmission(fixture: Fixture): { response: NewResponseRow; answers: { item_id: string; value: number }[] } {
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

function loadQuestionnaire(): { all: readonly Questionnaire[]; itemIds: string[] } {
  const loaded = loadQuestionnaires(paths.surveys, 'en');
  if (!loaded.ok) throw new Error(`surveys/ did not load:\n${loaded.problems.map(formatProblem).join('\n')}`);
  const q = loaded.questionnaires.find((x) => x.id === QUESTIONNAIRE_ID && x.version === QUESTIONNAIRE_VERSION);
  if (!q) throw new Error(`${QUESTIONNAIRE_ID}@${QUESTIONNAIRE_VERSION} is not in ${paths.surveys}`);
  const itemIds = q.items.map((i) => i.id);
  if (itemIds.length !== ANSWERS_PER_RESPONSE) {
    throw new Error(`${QUESTIONNAIRE_ID}@${QUESTIONNAIRE_VERSION} has ${itemIds.length} items; the bench expects ${ANSWERS_PER_RESPONSE}`);
  }
  return { all: loaded.questionnaires, itemIds };
}

/** Migrates a fresh file with the real migrations and inserts institution … round_group. */
async function seed(db: Database, questionnaires: readonly Questionnaire[], itemIds: readonly string[]): Promise<Fixture> {
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

const RESPONSE_SQL = 'insert into "response" ("id", "round_id", "group_id", "questionnaire_id", "questionnaire_version") values (?, ?, ?, ?, ?)';
const ANSWERS_SQL = `insert into "response_answer" ("item_id", "value", "response_id") values ${Array(ANSWERS_PER_RESPONSE).fill('(?, ?, ?)').join(', ')}`;

/** The raw SQL must be what Kysely sends for `insertResponse`, or the comparison means nothing. */
function assertSameSqlAsKysely(db: Database, fixture: Fixture): void {
  const { response, answers } = newSubmission(fixture);
  const responseSql = db.insertInto('response').values(response).compile().sql;
  const answersSql = db
    .insertInto('response_answer')
    .values(answers.map((a) => ({ ...a, response_id: response.id })))
    .compile().sql;
  if (responseSql !== RESPONSE_SQL) throw new Error(`raw response SQL differs from Kysely's:\n  ${RESPONSE_SQL}\n  ${responseSql}`);
  if (answersSql !== ANSWERS_SQL) throw new Error(`raw answers SQL differs from Kysely's:\n  ${ANSWERS_SQL}\n  ${answersSql}`);
}

function rawOpen(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db: sqlite3.Database = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db)));
  });
}

function rawRun(db: sqlite3.Database, text: string, params: unknown[] = []): Promise<void> {
  return new Promise((resolve, reject) => db.run(text, params, (err) => (err ? reject(err) : resolve())));
}

function rawGet<T>(db: sqlite3.Database, text: string): Promise<T | undefined> {
  return new Promise((resolve, reject) => db.get<T>(text, (err, row) => (err ? reject(err) : resolve(row))));
}

function rawClose(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
}

// ---------------------------------------------------------------------------------------------
// Targets: one database file per configuration, open for the whole bench

interface Target {
  readonly kind: Kind;
  readonly sync: Sync;
  readonly file: string;
  /** Transactions committed, warm-up included: what the database must hold at the end. */
  committed: number;
  runTx(): Promise<void>;
  close(): Promise<void>;
}

const label = (t: { kind: Kind; sync: Sync }) => `${t.kind} ${t.sync}`;

/** journal_mode, synchronous (0 off, 1 normal, 2 full, 3 extra), foreign_keys as the connection sees them. */
interface PragmaState {
  journal: string;
  synchronous: number;
  foreignKeys: number;
}

function checkPragmas(name: string, sync: Sync, state: PragmaState): void {
  const want: PragmaState = { journal: 'wal', synchronous: sync === 'FULL' ? 2 : 1, foreignKeys: 1 };
  if (state.journal !== want.journal || state.synchronous !== want.synchronous || state.foreignKeys !== want.foreignKeys) {
    throw new Error(`${name}: connection has ${JSON.stringify(state)}, expected ${JSON.stringify(want)}`);
  }
}

async function driverTarget(file: string, sync: Sync, q: ReturnType<typeof loadQuestionnaire>): Promise<{ target: Target; fixture: Fixture }> {
  const db = openDatabase({ kind: 'sqlite', file });
  const fixture = await seed(db, q.all, q.itemIds);
  // openDatabase always asks for FULL; the driver has exactly one connection, so this sets it for all.
  if (sync === 'NORMAL') await sql`pragma synchronous = normal`.execute(db);
  const one = async <T>(text: string) => Object.values((await sql.raw<Record<string, T>>(text).execute(db)).rows[0] ?? {})[0];
  checkPragmas(`driver ${sync}`, sync, {
    journal: String(await one('pragma journal_mode')),
    synchronous: Number(await one('pragma synchronous')),
    foreignKeys: Number(await one('pragma foreign_keys')),
  });
  assertSameSqlAsKysely(db, fixture);
  const target: Target = {
    kind: 'driver',
    sync,
    file,
    committed: 0,
    async runTx() {
      const { response, answers } = newSubmission(fixture);
      await db.transaction().execute((trx) => insertResponse(trx, response, answers));
      target.committed++;
    },
    close: () => db.destroy(),
  };
  return { target, fixture };
}

async function rawTarget(file: string, sync: Sync, q: ReturnType<typeof loadQuestionnaire>): Promise<Target> {
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

interface Run {
  readonly tx: number;
  readonly ms: number;
  readonly txPerS: number;
  /** Each transaction's wall time, µs. */
  readonly latencies: Float64Array;
}

/** `count` transactions back to back, each awaited before the next starts. */
async function measure(target: Target, count: number): Promise<Run> {
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

/** Slices of one configuration as one run: their transactions over their summed time. */
function merge(slices: readonly Run[]): Run {
  const tx = slices.reduce((n, r) => n + r.tx, 0);
  const ms = slices.reduce((n, r) => n + r.ms, 0);
  return { tx, ms, txPerS: (tx * 1000) / ms, latencies: concat(slices) };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

function concat(runs: readonly Run[]): Float64Array {
  const all = new Float64Array(runs.reduce((n, r) => n + r.latencies.length, 0));
  let at = 0;
  for (const r of runs) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  return all;
}

// ---------------------------------------------------------------------------------------------
// Verification: every database holds exactly what was committed, and nothing else

interface Counts {
  responses: number;
  answers: number;
  incomplete: number;
  outOfRange: number;
  fkViolations: number;
}

async function countRows(file: string): Promise<Counts> {
  const db = await rawOpen(file);
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

const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US');
const fmtPct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;

function table(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** TMPFS_MAGIC / RAMFS_MAGIC: fsync costs nothing there, so FULL and NORMAL would look alike. */
function memoryBacked(dir: string): string | undefined {
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

async function main(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(settings.dir, 'leefklimaat-bench-'));
  const targets: Target[] = [];
  let closed = false;
  const closeAll = async () => {
    if (closed) return;
    closed = true;
    for (const t of targets) await t.close().catch((e: unknown) => console.error(`closing ${label(t)}: ${String(e)}`));
  };
  try {
    const fsKind = memoryBacked(dir);
    console.log(
      `Leefklimaat DB bench: node ${process.version}, sqlite ${sqlite3.VERSION}, ${os.cpus().length} CPU(s), databases in ${dir}` +
        `${fsKind ? ` (${fsKind}!)` : ''}`,
    );
    console.log(
      `work unit: BEGIN IMMEDIATE; 1 response + 1 insert of ${ANSWERS_PER_RESPONSE} answers; COMMIT — sequential; ` +
        `warm-up ${settings.warmup} tx, then ${settings.rounds} round(s) of ≤${settings.maxTx} tx / ≈${settings.maxMs / 1000} s per configuration, ` +
        `interleaved in slices of ${settings.slice} tx`,
    );
    if (fsKind) console.log(`WARNING: ${dir} is ${fsKind}: fsync is free there, so FULL vs NORMAL shows nothing. Set BENCH_DIR to a disk.`);

    const q = loadQuestionnaire();
    const setupStart = performance.now();
    for (const sync of ['FULL', 'NORMAL'] as const) {
      const driver = await driverTarget(path.join(dir, `driver-${sync.toLowerCase()}.sqlite`), sync, q);
      targets.push(driver.target);
      targets.push(await rawTarget(path.join(dir, `raw-${sync.toLowerCase()}.sqlite`), sync, q));
    }
    for (const t of targets) await measure(t, settings.warmup);
    console.log(`setup and warm-up: ${(performance.now() - setupStart).toFixed(0)} ms\n`);

    // Alternate in short slices of every configuration, the order rotating slice by slice, so a
    // disk or CPU that drifts over seconds (a shared VM's fsync does) slows all four alike. A
    // round ends when each configuration has done maxTx transactions or the round's time is up.
    const runs = new Map<Target, Run[]>(targets.map((t) => [t, []]));
    const byKey = (kind: Kind, sync: Sync) => targets.find((t) => t.kind === kind && t.sync === sync)!;
    for (let round = 0; round < settings.rounds; round++) {
      const slices = new Map<Target, Run[]>(targets.map((t) => [t, []]));
      const done = (t: Target) => slices.get(t)!.reduce((n, r) => n + r.tx, 0);
      const deadline = performance.now() + settings.maxMs * targets.length;
      for (let slice = 0; targets.some((t) => done(t) < settings.maxTx) && performance.now() < deadline; slice++) {
        for (let i = 0; i < targets.length; i++) {
          const t = targets[(i + slice) % targets.length]!;
          const left = settings.maxTx - done(t);
          if (left > 0) slices.get(t)!.push(await measure(t, Math.min(settings.slice, left)));
        }
      }
      const parts: string[] = [];
      for (const t of targets) {
        const run = merge(slices.get(t)!);
        runs.get(t)!.push(run);
        parts.push(`${label(t)} ${fmtInt(run.txPerS)} tx/s (${run.tx} tx)`);
      }
      console.log(`round ${round + 1}: ${parts.join(', ')}`);
    }

    await closeAll();

    // Results
    const summary = new Map<Target, { txPerS: number; usPerTx: number }>();
    for (const t of targets) {
      const m = median(runs.get(t)!.map((r) => r.txPerS));
      summary.set(t, { txPerS: m, usPerTx: 1e6 / m });
    }
    const rows = targets.map((t) => {
      const s = summary.get(t)!;
      const rs = runs.get(t)!.map((r) => r.txPerS);
      const lat = concat(runs.get(t)!);
      const raw = summary.get(byKey('raw', t.sync))!;
      return [
        label(t),
        fmtInt(s.txPerS),
        fmtInt(s.usPerTx),
        `${fmtInt(Math.min(...rs))}–${fmtInt(Math.max(...rs))}`,
        fmtInt(percentile(lat, 50)),
        fmtInt(percentile(lat, 99)),
        t.kind === 'driver' ? fmtPct(((s.usPerTx - raw.usPerTx) / raw.usPerTx) * 100) : '',
      ];
    });
    console.log('');
    console.log(
      table(
        ['configuration', 'tx/s (median)', 'µs/tx', 'tx/s range', 'p50 µs', 'p99 µs', 'driver overhead vs raw'],
        rows,
        [false, true, true, true, true, true, true],
      ),
    );
    console.log('');
    for (const kind of ['driver', 'raw'] as const) {
      const full = summary.get(byKey(kind, 'FULL'))!;
      const normal = summary.get(byKey(kind, 'NORMAL'))!;
      console.log(
        `cost of synchronous=FULL vs NORMAL (${kind}): +${fmtInt(full.usPerTx - normal.usPerTx)} µs per tx, ` +
          `${(normal.txPerS / full.txPerS).toFixed(2)}× the throughput with NORMAL`,
      );
    }
    for (const sync of ['FULL', 'NORMAL'] as const) {
      const d = summary.get(byKey('driver', sync))!;
      const r = summary.get(byKey('raw', sync))!;
      console.log(`driver overhead (${sync}): ${fmtInt(d.usPerTx - r.usPerTx)} µs per tx`);
    }

    // Verification
    console.log('');
    let ok = true;
    for (const t of targets) {
      const c = await countRows(t.file);
      const want = { responses: t.committed, answers: t.committed * ANSWERS_PER_RESPONSE };
      const good =
        t.committed > settings.warmup &&
        c.responses === want.responses &&
        c.answers === want.answers &&
        c.incomplete === 0 &&
        c.outOfRange === 0 &&
        c.fkViolations === 0;
      ok &&= good;
      console.log(
        `verify ${label(t).padEnd(13)} ${good ? 'ok  ' : 'FAIL'} responses ${c.responses}/${want.responses}, answers ${c.answers}/${want.answers}` +
          `${c.incomplete ? `, ${c.incomplete} incomplete` : ''}${c.outOfRange ? `, ${c.outOfRange} out of range` : ''}` +
          `${c.fkViolations ? `, ${c.fkViolations} foreign-key violations` : ''}`,
      );
    }
    if (!ok) {
      console.error('bench:db: a database does not hold what the bench wrote; the figures above are not to be trusted');
      return 1;
    }

    const result = (kind: Kind, sync: Sync) => Math.round(summary.get(byKey(kind, sync))!.txPerS);
    console.log(
      JSON.stringify({
        driver_tx_per_s: result('driver', 'FULL'),
        raw_tx_per_s: result('raw', 'FULL'),
        driver_normal_tx_per_s: result('driver', 'NORMAL'),
        raw_normal_tx_per_s: result('raw', 'NORMAL'),
      }),
    );
    return 0;
  } finally {
    await closeAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('bench:db failed:', error);
    process.exitCode = 1;
  },
);
