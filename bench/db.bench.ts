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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import sqlite3 from 'sqlite3';
import { openDatabase } from '../src/db/database';
import { insertResponse } from '../src/responses/response.repository';
import {
  ANSWERS_PER_RESPONSE,
  assertSameSqlAsKysely,
  checkPragmas,
  concat,
  countRows,
  envNumber,
  fmtInt,
  fmtPct,
  label,
  loadQuestionnaire,
  median,
  measure,
  memoryBacked,
  merge,
  newSubmission,
  percentile,
  rawTarget,
  seed,
  table,
  type Fixture,
  type Kind,
  type LoadedQuestionnaire,
  type Run,
  type Sync,
  type Target,
  runBench,
} from './support';

// ---------------------------------------------------------------------------------------------
// Settings

const settings = {
  dir: process.env['BENCH_DIR'] || os.tmpdir(),
  rounds: Math.round(envNumber('BENCH_ROUNDS', 3, 1)),
  warmup: Math.round(envNumber('BENCH_WARMUP', 200, 0)),
  maxTx: Math.round(envNumber('BENCH_MAX_TX', 2000, 1)),
  maxMs: envNumber('BENCH_MAX_SECONDS', 2.5, 0.1) * 1000,
  slice: Math.round(envNumber('BENCH_SLICE', 100, 1)),
} as const;

// ---------------------------------------------------------------------------------------------
// Targets: one database file per configuration, open for the whole bench (the raw one: support.ts)

async function driverTarget(file: string, sync: Sync, q: LoadedQuestionnaire): Promise<{ target: Target; fixture: Fixture }> {
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

runBench('db', main);
