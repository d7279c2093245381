import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresAdapter, PostgresDialect, sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config';
import type { DB } from './schema';
import { Sqlite3Dialect } from './sqlite3-dialect';

export type Database = Kysely<DB>;

/**
 * PostgreSQL's 64-bit integers (`count(*)`, `sum` of integers) and numerics arrive from `pg` as
 * strings, to be safe beyond 2^53; every such figure here is a count or a sum of answers, far
 * below that, and the code computes with numbers — as SQLite hands them over.
 */
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === PG_INT8 || oid === PG_NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * Durability first: an acknowledged response must survive a power cut (SPEC §7), so WAL with
 * synchronous=FULL (fsync at every commit), as a committed PostgreSQL transaction would.
 * The busy timeout lets the CLI work beside a running server.
 */
const SQLITE_PRAGMAS = [
  // First, so the pragmas after it wait for another process's lock instead of failing.
  'pragma busy_timeout = 5000',
  'pragma journal_mode = wal',
  'pragma synchronous = full',
  'pragma foreign_keys = on',
] as const;

export function openDatabase(database: DatabaseConfig, options: { checkpoints?: 'automatic' | 'elsewhere'; poolSize?: number } = {}): Database {
  if (database.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: database.url, max: options.poolSize ?? database.poolSize, types: pgTypes, connectionTimeoutMillis: 10_000 });
    // A connection that breaks while idle (the server restarts) is dropped from the pool; the next
    // query opens a new one or fails with its own error. Without a listener it would end the process.
    pool.on('error', () => undefined);
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }
  if (database.file !== ':memory:') fs.mkdirSync(path.dirname(database.file), { recursive: true });
  // 'elsewhere': this connection never stops a commit to copy the WAL into the database file;
  // another connection does that in the background (`checkpointInBackground`).
  const onOpen = options.checkpoints === 'elsewhere' ? [...SQLITE_PRAGMAS, 'pragma wal_autocheckpoint = 0'] : SQLITE_PRAGMAS;
  return new Kysely<DB>({ dialect: new Sqlite3Dialect({ file: database.file, onOpen }) });
}

/**
 * Copies committed pages from the WAL into the database file without waiting for or blocking
 * writers (a passive checkpoint), so the survey writer's commits never pay for it. A checkpoint
 * writes and syncs the database file, which slows the commits beside it; so it waits for a quiet
 * moment (`quiet()`), but no longer than `atMostMs`.
 */
export function checkpointInBackground(db: Database, options: { quiet: () => boolean; everyMs?: number; atMostMs?: number }): NodeJS.Timeout | undefined {
  // PostgreSQL checkpoints by itself, in its own background process.
  if (isPostgres(db)) return undefined;
  const { quiet, everyMs = 1_000, atMostMs = 60_000 } = options;
  let last = Date.now();
  const timer = setInterval(() => {
    if (!quiet() && Date.now() - last < atMostMs) return;
    last = Date.now();
    void sql`pragma wal_checkpoint(passive)`.execute(db).catch(() => undefined);
  }, everyMs);
  timer.unref();
  return timer;
}

/** A cheap read of a real table (so an unreadable or corrupt file shows), for `/healthz`. */
export async function pingDatabase(db: Database): Promise<boolean> {
  try {
    await sql`select 1 from kysely_migration limit 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `db` talks to PostgreSQL. By the adapter's class name along its prototype chain, not
 * `instanceof`: a second copy of Kysely (a test runner's module registry) has its own classes.
 */
export function isPostgres(db: Kysely<any>): boolean {
  for (let p = Object.getPrototypeOf(db.getExecutor().adapter); p; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === PostgresAdapter.name) return true;
  }
  return false;
}

/**
 * Rows from one JSON parameter holding an array of arrays, as a table with one column `value`
 * (each row's array), to read with `value ->> 0`, `value ->> 1`…: a whole batch in one bound
 * parameter on both databases.
 */
export function jsonRows(db: Kysely<any>, rows: readonly unknown[]): RawBuilder<unknown> {
  const json = JSON.stringify(rows);
  return isPostgres(db) ? sql`jsonb_array_elements(${json}::jsonb)` : sql`json_each(${json})`;
}
