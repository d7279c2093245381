import fs from 'node:fs';
import path from 'node:path';
import { Kysely, sql } from 'kysely';
import type { Config } from '../config';
import type { DB } from './schema';
import { Sqlite3Dialect } from './sqlite3-dialect';

export type Database = Kysely<DB>;

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

export function openDatabase(database: Config['database'], options: { checkpoints?: 'automatic' | 'elsewhere' } = {}): Database {
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
export function checkpointInBackground(db: Database, options: { quiet: () => boolean; everyMs?: number; atMostMs?: number }): NodeJS.Timeout {
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
