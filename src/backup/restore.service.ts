import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describeDatabase, type Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import { FolderMigrationProvider, migrateToLatest } from '../db/migrator';
import { tBoth } from '../i18n/messages';
import { BackupProblem } from './backup.errors';
import { partName, publish, readKey, removeQuietly } from './files';
import { restorePostgres } from './restore-postgres';
import { fileStart, PG_DUMP_MAGIC, SQLITE_MAGIC, type ProgramSearch } from './postgres-tools';
import { ReadOnlySqlite } from './read-only-sqlite';

export interface RestoreResult {
  readonly database: string;
  readonly institutions: number;
  readonly rounds: number;
  readonly responses: number;
  /** Migrations run after the restore: the backup came from an older version. */
  readonly migrated: readonly string[];
  /** Where the key was put; undefined when the same key was already there or none came along. */
  readonly keyInstalled: string | undefined;
}

export interface RestoreOptions {
  /** Restore without `FILE.key`: printed codes from before the backup will not work. */
  readonly withoutKey?: boolean;
  readonly search?: ProgramSearch;
}

/**
 * `leefklimaat restore FILE`: a backup into an **empty** database only, so nothing is ever
 * overwritten; then the key file and the migrations of this version. Every refusal comes before
 * the first change: a missing, foreign or damaged file, a database that already holds tables, or a
 * key that differs from the one already configured (codes printed with it would stop working).
 */
export async function restoreDatabase(config: Config, backup: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const file = path.resolve(backup);
  const kind = backupKind(file);
  if (kind !== config.database.kind) throw new BackupProblem(tBoth(kind === 'sqlite' ? 'rs.sqlite-into-postgres' : 'rs.postgres-into-sqlite', { file }));
  const key = checkKey(config, file, options.withoutKey === true);

  if (config.database.kind === 'postgres') {
    const restored = await restorePostgres(config.database, file, options.search, async (db) => {
      const installed = installKey(key, config.secretFile);
      let migrated: string[];
      try {
        migrated = await migrateForward(db);
      } catch (error) {
        throw new BackupProblem(`${tBoth('rs.migrate-failed', { database: describeDatabase(config.database) })}\n  ${errorText(error)}`, { cause: error });
      }
      return { database: describeDatabase(config.database), ...(await countsOf(db)), migrated, keyInstalled: installed };
    });
    return restored.result;
  }
  return restoreSqlite(config, config.database.file, file, key);
}

/** What a file is, by its first bytes: a SQLite backup, a pg_dump archive, or no backup at all. */
function backupKind(file: string): 'sqlite' | 'postgres' {
  let start: string;
  try {
    if (!fs.statSync(file).isFile()) throw Object.assign(new Error(), { code: 'EISDIR' });
    start = fileStart(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupProblem(code === 'ENOENT' ? tBoth('rs.no-such-file', { file }) : tBoth('rs.no-file', { file, reason: code ?? String(error) }), { cause: error });
  }
  if (start.startsWith(SQLITE_MAGIC)) return 'sqlite';
  if (start.startsWith(PG_DUMP_MAGIC)) return 'postgres';
  throw new BackupProblem(tBoth('rs.not-a-backup', { file }));
}

/**
 * The key that goes with the backup: `FILE.key`, to be put where the configuration expects it.
 * A different key already there is refused rather than replaced — whatever it belongs to.
 */
function checkKey(config: Config, file: string, withoutKey: boolean): string | undefined {
  if (withoutKey) return undefined;
  const keyFile = `${file}.key`;
  if (!fs.existsSync(keyFile)) throw new BackupProblem(tBoth('rs.key-missing', { file: keyFile }));
  const key = readKey(keyFile);
  if (key === undefined) throw new BackupProblem(tBoth('rs.key-invalid', { file: keyFile }));
  if (fs.existsSync(config.secretFile) && readKey(config.secretFile) !== key) {
    throw new BackupProblem(tBoth('rs.key-differs', { configured: config.secretFile, file: keyFile }));
  }
  return key;
}

/** Puts the backup's key in place when it is not there yet; returns where, when it did. */
function installKey(key: string | undefined, secretFile: string): string | undefined {
  if (key === undefined || fs.existsSync(secretFile)) return undefined;
  fs.mkdirSync(path.dirname(secretFile), { recursive: true });
  const part = partName(secretFile);
  try {
    fs.writeFileSync(part, `${key}\n`, { mode: 0o600, flag: 'wx' });
    publish(part, secretFile);
  } finally {
    removeQuietly(part);
  }
  return secretFile;
}

/** This version's migrations; a backup from a newer version (unknown migrations) is refused. */
async function migrateForward(db: Database): Promise<string[]> {
  const known = new Set(Object.keys(await new FolderMigrationProvider().getMigrations()));
  const done = (await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows.map((r) => r.name);
  const unknown = done.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new BackupProblem(tBoth('rs.newer-version', { names: unknown.join(', ') }));
  return migrateToLatest(db);
}

/**
 * SQLite: the backup is copied beside the database as a part file, checked there (integrity,
 * Leefklimaat's tables), migrated, and only then given the database's name. The backup file itself
 * is never opened for writing.
 */
async function restoreSqlite(config: Config, target: string, file: string, key: string | undefined): Promise<RestoreResult> {
  if (target === ':memory:') throw new BackupProblem(tBoth('rs.memory'));
  await refuseNonEmptySqlite(target);
  const createdDir = fs.mkdirSync(path.dirname(target), { recursive: true });
  const part = partName(target);
  const sideFiles = [part, `${part}-wal`, `${part}-shm`, `${part}-journal`];
  let installed: string | undefined;
  try {
    fs.copyFileSync(file, part, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(part, 0o600);
    const db = openDatabase({ kind: 'sqlite', file: part });
    let result: Omit<RestoreResult, 'keyInstalled'>;
    try {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db).catch((cause: unknown) => {
        throw new BackupProblem(tBoth('rs.damaged', { file, reason: errorText(cause) }), { cause });
      });
      const verdict = check.rows.map((r) => r.integrity_check).join('; ');
      if (verdict !== 'ok') throw new BackupProblem(tBoth('rs.damaged', { file, reason: verdict.slice(0, 300) }));
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db);
      if (tables.rows.length === 0) throw new BackupProblem(tBoth('rs.not-a-backup', { file }));
      const migrated = await migrateForward(db);
      result = { database: target, ...(await countsOf(db)), migrated };
    } finally {
      await db.destroy();
    }
    // Closing the last connection folds the log into the file; a log left over would be lost.
    if (fs.existsSync(`${part}-wal`)) throw new BackupProblem(tBoth('rs.failed', { file }));
    installed = installKey(key, config.secretFile);
    if (fs.existsSync(target)) fs.renameSync(part, target); // an empty database file, checked above
    else publish(part, target);
    return { ...result, keyInstalled: installed };
  } catch (error) {
    removeQuietly(...sideFiles, installed);
    if (createdDir !== undefined) fs.rmSync(createdDir, { recursive: true, force: true });
    if (error instanceof BackupProblem) throw error;
    throw new BackupProblem(`${tBoth('rs.failed', { file })}\n  ${errorText(error)}`, { cause: error });
  }
}

/** The target may not exist, or be a database file without a single table; nothing else. */
async function refuseNonEmptySqlite(target: string): Promise<void> {
  if (fs.existsSync(target) && fs.statSync(target).size > 0) {
    let tables: string[];
    try {
      const db = await ReadOnlySqlite.open(target);
      try {
        tables = await db.tableNames();
      } finally {
        await db.close();
      }
    } catch (error) {
      throw new BackupProblem(tBoth('rs.target-unreadable', { database: target, reason: errorText(error) }), { cause: error });
    }
    if (tables.length > 0) throw new BackupProblem(tBoth('rs.not-empty', { database: target, tables: tables.length }));
  }
  // A log of some other database under the target's name would be replayed into the restored one.
  for (const side of [`${target}-wal`, `${target}-journal`]) {
    if (fs.existsSync(side)) throw new BackupProblem(tBoth('rs.side-file', { file: side }));
  }
}

/** What was restored, as counts: never an answer. */
async function countsOf(db: Database): Promise<{ institutions: number; rounds: number; responses: number }> {
  const count = async (table: 'institution' | 'round' | 'response') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { institutions: await count('institution'), rounds: await count('round'), responses: await count('response') };
}

export function errorText(error: unknown): string {
  if (error instanceof BackupProblem) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
