import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { ReadOnlySqlite, sqliteFileUsesWal } from '../backup/read-only-sqlite';
import { describeDatabase, type Config, type DatabaseConfig } from '../config';
import { openDatabase, type Database } from '../db/database';
import { FolderMigrationProvider } from '../db/migrator';
import { findingsOf, type Finding } from './finding';
import { checkPgDump } from './pg-dump.check';

/** What the other checks need to know from the database (undefined: could not be read). */
export interface DatabaseFacts {
  readonly unusedCodes: boolean | undefined;
  readonly registered: readonly { questionnaire_id: string; version: number; sha256: string }[] | undefined;
}

/** Read-only queries on either database. */
interface Reader {
  all<T>(query: string): Promise<T[]>;
  tableNames(): Promise<string[]>;
}

const f = findingsOf('database');
const none: DatabaseFacts = { unusedCodes: undefined, registered: undefined };

/**
 * Can the server use its database: reachable, writable, whole, and at this version's schema.
 * Changes nothing: SQLite is read through a read-only connection (and never created), PostgreSQL's
 * temporary table lives in a transaction that is rolled back.
 */
export async function checkDatabase(config: Config): Promise<{ findings: Finding[]; facts: DatabaseFacts }> {
  return config.database.kind === 'sqlite' ? checkSqlite(config.database.file) : checkPostgres(config.database);
}

async function checkSqlite(file: string): Promise<{ findings: Finding[]; facts: DatabaseFacts }> {
  if (file === ':memory:') return { findings: [f.warn('dr.db-memory', undefined, { fix: 'dr.db-memory-fix' })], facts: none };
  if (!fs.existsSync(file)) {
    // Nothing there, so no printed codes either.
    return { findings: [f.fail('dr.db-missing', { file }, { fix: 'dr.db-missing-fix' })], facts: { unusedCodes: false, registered: [] } };
  }
  const findings: Finding[] = [];
  // WAL needs to create its side files beside the database: the folder must be writable too.
  for (const target of [file, path.dirname(file)]) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch {
      findings.push(f.fail('dr.db-unwritable', { file: target }, { fix: 'dr.db-unwritable-fix', fixParams: { file: target } }));
    }
  }
  let db: ReadOnlySqlite;
  try {
    db = await ReadOnlySqlite.open(file);
  } catch (error) {
    return { findings: [...findings, f.fail('dr.db-unopenable', { database: file }, { details: [reason(error)], fix: 'dr.db-restore-fix' })], facts: none };
  }
  try {
    const verdict = await db.all<{ integrity_check: string }>('pragma integrity_check').then(
      (rows) => rows.map((r) => r.integrity_check).join('; '),
      (error: unknown) => reason(error),
    );
    if (verdict !== 'ok') return { findings: [...findings, f.fail('dr.db-damaged', { file }, { details: [verdict.slice(0, 300)], fix: 'dr.db-restore-fix' })], facts: none };
    findings.push(f.ok('dr.db-sqlite-ok', { file }));
    findings.push(sqliteFileUsesWal(file) ? f.ok('dr.db-wal-ok') : f.warn('dr.db-wal-off', undefined, { fix: 'dr.db-wal-off-fix' }));
    return await schemaChecks(db, findings);
  } finally {
    await db.close();
  }
}

async function checkPostgres(database: Extract<DatabaseConfig, { kind: 'postgres' }>): Promise<{ findings: Finding[]; facts: DatabaseFacts }> {
  const name = describeDatabase(database);
  const db = openDatabase(database, { poolSize: 1 });
  try {
    let version: string;
    try {
      version = (await sql<{ server_version: string }>`show server_version`.execute(db)).rows[0]!.server_version;
    } catch (error) {
      return { findings: [postgresConnectionProblem(database, error)], facts: none };
    }
    const findings: Finding[] = [f.ok('dr.db-pg-ok', { database: name, version })];
    findings.push(await canCreateTempTable(db, name));
    findings.push(...(await checkPgDump(version)));
    const reader: Reader = {
      all: async <T>(query: string) => (await sql.raw<T>(query).execute(db)).rows,
      tableNames: async () =>
        (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`.execute(db)).rows.map((r) => r.name),
    };
    return await schemaChecks(reader, findings);
  } finally {
    await db.destroy();
  }
}

/** Says which part of the URL to look at: the address, the login, or the database's name. */
function postgresConnectionProblem(database: Extract<DatabaseConfig, { kind: 'postgres' }>, error: unknown): Finding {
  const url = new URL(database.url);
  const code = (error as { code?: string }).code;
  const params = { database: describeDatabase(database) };
  const details = [reason(error)];
  if (code === '28P01' || code === '28000') return f.fail('dr.db-pg-login', params, { details, fix: 'dr.db-pg-login-fix' });
  if (code === '3D000') return f.fail('dr.db-pg-no-database', params, { details, fix: 'dr.db-pg-no-database-fix', fixParams: { name: url.pathname.slice(1), user: decodeURIComponent(url.username) || 'leefklimaat' } });
  return f.fail('dr.db-pg-unreachable', params, { details, fix: 'dr.db-pg-unreachable-fix', fixParams: { host: url.hostname, port: url.port || '5432' } });
}

class RollBack extends Error {}

async function canCreateTempTable(db: Database, name: string): Promise<Finding> {
  try {
    await db.transaction().execute(async (trx) => {
      await sql`create temporary table leefklimaat_doctor (x integer) on commit drop`.execute(trx);
      throw new RollBack();
    });
  } catch (error) {
    if (error instanceof RollBack) return f.ok('dr.db-pg-temp-ok');
    return f.fail('dr.db-pg-temp', { database: name }, { details: [reason(error)], fix: 'dr.db-pg-temp-fix' });
  }
  return f.ok('dr.db-pg-temp-ok');
}

/** Leefklimaat's tables, at this version's migrations; and what the key and questionnaire checks need. */
async function schemaChecks(db: Reader, findings: Finding[]): Promise<{ findings: Finding[]; facts: DatabaseFacts }> {
  const tables = await db.tableNames();
  if (!tables.includes('kysely_migration')) {
    findings.push(tables.length === 0 ? f.fail('dr.db-empty', undefined, { fix: 'dr.migrate-fix' }) : f.fail('dr.db-foreign', { tables: tables.length }, { fix: 'dr.db-foreign-fix' }));
    return { findings, facts: { unusedCodes: false, registered: [] } };
  }
  const known = Object.keys(await new FolderMigrationProvider().getMigrations());
  const done = new Set((await db.all<{ name: string }>('select name from kysely_migration')).map((r) => r.name));
  const unknown = [...done].filter((name) => !known.includes(name));
  const pending = known.filter((name) => !done.has(name));
  if (unknown.length > 0) findings.push(f.fail('dr.db-newer', { names: unknown.join(', ') }, { fix: 'dr.db-newer-fix' }));
  else if (pending.length > 0) findings.push(f.fail('dr.db-pending', { count: pending.length, names: pending.join(', ') }, { fix: 'dr.migrate-fix' }));
  else findings.push(f.ok('dr.db-migrations-ok', { count: known.length }));
  const unusedCodes = tables.includes('access_code') ? Number((await db.all<{ n: number }>('select count(*) as n from access_code where used = 0'))[0]!.n) > 0 : false;
  const registered = tables.includes('questionnaire_version')
    ? await db.all<{ questionnaire_id: string; version: number; sha256: string }>('select questionnaire_id, version, sha256 from questionnaire_version')
    : [];
  return { findings, facts: { unusedCodes, registered } };
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | undefined)?.code;
  return (code && !text.includes(code) ? `${code}: ${text}` : text).split('\n')[0]!.slice(0, 300);
}
