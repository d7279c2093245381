import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config';
import { isPostgres, openDatabase, type Database } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrator';
import { paths } from '../../src/paths';

/** Which database this test run is on: the `postgres` jest project sets it (test/support/use-postgres.ts). */
export const testDialect: 'sqlite' | 'postgres' = process.env['LEEFKLIMAAT_TEST_DATABASE'] === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  readonly db: Database;
  /** What DATABASE_URL would say for it: the SQLite file's path, or a `postgres://` URL. */
  readonly url: string;
  readonly database: DatabaseConfig;
  /** The SQLite file (undefined on PostgreSQL). */
  readonly file: string | undefined;
  /** A folder of its own, for key files, backups and the like. */
  readonly dir: string;
  cleanup(): Promise<void>;
}

/**
 * A fresh, empty database of this run's dialect, and its folder: a SQLite file in it, or a new
 * PostgreSQL database on the test server. Nothing is opened.
 */
export async function createEmptyDatabase(): Promise<{ url: string; database: DatabaseConfig; file: string | undefined; dir: string; drop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leefklimaat-test-'));
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  if (testDialect === 'sqlite') {
    const file = path.join(dir, 'test.sqlite');
    return { url: file, database: { kind: 'sqlite', file }, file, dir, drop: async () => removeDir() };
  }
  const name = `lk_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database ${name}`));
  return postgresTarget(name, dir, removeDir);
}

function postgresTarget(name: string, dir: string, removeDir: () => void) {
  const url = databaseUrl(name);
  return {
    url,
    database: { kind: 'postgres', url, poolSize: 5 } as const,
    file: undefined,
    dir,
    drop: async () => {
      await admin((client) => client.query(`drop database if exists ${name} with (force)`));
      removeDir();
    },
  };
}

/** A fresh database of this run's dialect, migrated with the real migrations. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let target: Awaited<ReturnType<typeof createEmptyDatabase>>;
  if (testDialect === 'postgres' && options.migrate !== false) {
    // A copy of a migrated template: migrating every test's database would cost seconds each.
    const template = await migratedTemplate();
    const name = `lk_test_${randomBytes(6).toString('hex')}`;
    await admin((client) => client.query(`create database ${name} template ${template}`));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leefklimaat-test-'));
    target = postgresTarget(name, dir, () => fs.rmSync(dir, { recursive: true, force: true }));
  } else {
    target = await createEmptyDatabase();
  }
  const db = openDatabase(target.database);
  if (testDialect === 'sqlite' && options.migrate !== false) await migrateToLatest(db);
  return {
    db,
    url: target.url,
    database: target.database,
    file: target.file,
    dir: target.dir,
    cleanup: async () => {
      await db.destroy();
      await target.drop();
    },
  };
}

function serverUrl(): string {
  const url = process.env['LEEFKLIMAAT_TEST_POSTGRES_URL'];
  if (!url) throw new Error('LEEFKLIMAAT_TEST_POSTGRES_URL is not set: the postgres project runs under jest, whose global setup starts a server');
  return url;
}

function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The migrated template database, named after the migrations' contents so a changed migration
 * makes a new one; made once per server, under an advisory lock (workers run side by side).
 */
async function migratedTemplate(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(paths.migrations).sort()) hash.update(file).update(fs.readFileSync(path.join(paths.migrations, file)));
  const name = `lk_template_${hash.digest('hex').slice(0, 12)}`;
  return admin(async (client) => {
    await client.query('select pg_advisory_lock(7007)');
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) {
        await client.query(`create database ${name}`);
        const db = openDatabase({ kind: 'postgres', url: databaseUrl(name), poolSize: 1 });
        try {
          await migrateToLatest(db);
        } catch (error) {
          // Never leave a half-made template for the next test to copy.
          await db.destroy();
          await client.query(`drop database ${name}`);
          throw error;
        }
        await db.destroy();
      }
      return name;
    } finally {
      await client.query('select pg_advisory_unlock(7007)');
    }
  });
}

/** The names of the application's tables (and Kysely's migration tables). */
export async function tableNames(db: Database): Promise<string[]> {
  const rows = isPostgres(db)
    ? await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`.execute(db)
    : await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by 1`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** A clock that stands still until a test moves it. */
export function fixedClock(iso: string) {
  let now = new Date(iso);
  return {
    now: () => new Date(now),
    set: (next: string) => {
      now = new Date(next);
    },
  };
}

/** Every text value the database holds, with its table and column: for "is it stored anywhere?". */
export async function everyStoredValue(db: Database): Promise<{ table: string; column: string; value: string }[]> {
  const values: { table: string; column: string; value: string }[] = [];
  for (const name of await tableNames(db)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    for (const row of rows.rows) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value === 'string') values.push({ table: name, column, value });
        else if (Buffer.isBuffer(value)) values.push({ table: name, column, value: value.toString('latin1') });
      }
    }
  }
  return values;
}

/** A table's column names, in order. */
export async function columnNames(db: Database, table: string): Promise<string[]> {
  const rows = isPostgres(db)
    ? await sql<{ name: string }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(db)
    : await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  return rows.rows.map((r) => r.name);
}

/**
 * The `key` column of a table's rows in the order they lie in the database: on SQLite the table's
 * own order (WITHOUT ROWID tables: key order), on PostgreSQL the place in the table file (ctid).
 */
export async function storedOrder(db: Database, table: string, key: string): Promise<string[]> {
  const rows = isPostgres(db)
    ? await sql<{ key: string }>`select ${sql.ref(key)} as key from ${sql.table(table)} order by ctid`.execute(db)
    : await sql<{ key: string }>`select ${sql.ref(key)} as key from ${sql.table(table)}`.execute(db);
  return rows.rows.map((r) => String(r.key));
}

/** PostgreSQL: how many different transactions wrote the rows of a table (its rows' `xmin`). */
export async function writingTransactions(db: Database, table: string): Promise<number> {
  const rows = await sql<{ n: number }>`select count(distinct xmin::text) as n from ${sql.table(table)}`.execute(db);
  return Number(rows.rows[0]!.n);
}
