import { sql } from 'kysely';
import { describeDatabase, type DatabaseConfig } from '../config';
import { openDatabase, type Database } from '../db/database';
import { tBoth } from '../i18n/messages';
import { BackupProblem } from './backup.errors';
import { shellQuote } from './files';
import { defaultSearch, findPostgresProgram, runPostgresProgram, toolConnection, type ProgramSearch } from './postgres-tools';

type PostgresConfig = Extract<DatabaseConfig, { kind: 'postgres' }>;

/**
 * PostgreSQL: `pg_restore` of a `pg_dump --format=custom` archive into the configured database,
 * which must hold no table, view or sequence yet. The archive is read through first
 * (`pg_restore --list`), so a file that is damaged at its start or is no Leefklimaat backup is
 * refused before anything is written. The restore itself is one transaction
 * (`--single-transaction`, which stops at the first error): an archive damaged further in leaves
 * the database as empty as it was. Owners and grants of the old server are left out
 * (`--no-owner --no-privileges`): the configured user owns what is restored.
 * `after` runs on the restored database (the key, the migrations).
 */
export async function restorePostgres<T>(database: PostgresConfig, file: string, search: ProgramSearch | undefined, after: (db: Database) => Promise<T>): Promise<{ result: T }> {
  const target = toolConnection(database.url).url;
  const program = findPostgresProgram('pg_restore', search ?? defaultSearch);
  if (program === undefined) {
    throw new BackupProblem(
      [tBoth('rs.pg-restore-missing'), `  pg_restore --no-owner --no-privileges --single-transaction --exit-on-error --dbname=${shellQuote(target)} ${shellQuote(file)}`, tBoth('rs.pg-restore-by-hand', { key: `${file}.key` })].join('\n'),
    );
  }
  const db = openDatabase(database, { poolSize: 1 });
  try {
    const objects = await relationCount(db).catch((cause: unknown) => {
      throw new BackupProblem(tBoth('rs.target-unreadable', { database: describeDatabase(database), reason: cause instanceof Error ? cause.message : String(cause) }), { cause });
    });
    if (objects > 0) throw new BackupProblem(tBoth('rs.not-empty', { database: describeDatabase(database), tables: objects }));

    const listed = await runPostgresProgram(program, ['--list', file], database.url);
    if (listed.code !== 0) throw new BackupProblem(tBoth('rs.damaged', { file, reason: listed.stderr || `pg_restore exit ${listed.code}` }));
    if (!/\bTABLE \S+ kysely_migration\b/.test(listed.stdout)) throw new BackupProblem(tBoth('rs.not-a-backup', { file }));

    const run = await runPostgresProgram(program, ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${target}`, file], database.url);
    if (run.code !== 0) {
      const left = await relationCount(db).catch(() => -1);
      const reason = tBoth('rs.damaged', { file, reason: run.stderr || `pg_restore exit ${run.code}` });
      // One transaction: nothing is left. Should a server ever keep part of it, say so plainly.
      throw new BackupProblem(left === 0 ? reason : `${reason}\n${tBoth('rs.left-behind', { database: describeDatabase(database) })}`);
    }
    return { result: await after(db) };
  } finally {
    await db.destroy();
  }
}

/** Tables, views and sequences outside PostgreSQL's own schemas: anything that makes a database not empty. */
async function relationCount(db: Database): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
      and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_toast%' and n.nspname not like 'pg\_temp%'`.execute(db);
  return Number(rows[0]!.n);
}
