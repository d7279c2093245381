import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabaseChecked } from '../bootstrap';
import { describeDatabase, type Config } from '../config';
import { tBoth } from '../i18n/messages';
import { BackupProblem } from './backup.errors';
import { partName, publish, removeQuietly, shellQuote } from './files';
import { defaultSearch, findPostgresProgram, runPostgresProgram, toolConnection, type ProgramSearch } from './postgres-tools';

export interface BackupResult {
  readonly file: string;
  readonly bytes: number;
  /** The copy of the server key beside the backup; undefined when the server has no key yet. */
  readonly keyFile: string | undefined;
  readonly format: 'sqlite' | 'pg_dump';
}

/**
 * `leefklimaat backup FILE`: a consistent copy of the database while the server keeps running,
 * with the server key beside it as `FILE.key` (without it, printed codes in the copy are useless).
 * - SQLite: `VACUUM INTO` reads one snapshot (WAL lets writers go on) into a compact file.
 * - PostgreSQL: `pg_dump --format=custom`, which reads one snapshot too.
 * Both appear whole or not at all, never over an existing file. The database is not migrated
 * first: a backup taken before an upgrade must hold the schema from before it.
 */
export async function backupDatabase(config: Config, target: string, options: { search?: ProgramSearch } = {}): Promise<BackupResult> {
  const file = path.resolve(target);
  const keyFile = `${file}.key`;
  for (const f of [file, keyFile]) if (fs.existsSync(f)) throw new BackupProblem(tBoth('bk.exists', { file: f }));
  const hasKey = fs.existsSync(config.secretFile);
  const pgDump = config.database.kind === 'postgres' ? findPostgresProgram('pg_dump', options.search ?? defaultSearch) : undefined;
  if (config.database.kind === 'postgres' && pgDump === undefined) throw new BackupProblem(pgDumpMissing(config, file, hasKey));
  if (config.database.kind === 'sqlite' && !fs.existsSync(config.database.file)) throw new BackupProblem(tBoth('bk.no-database', { file: config.database.file }));

  // Reachable, and Leefklimaat's: a copy that `restore` would refuse is no backup.
  const db = await openDatabaseChecked(config);
  const part = partName(file);
  const keyPart = partName(keyFile);
  let published: string | undefined;
  let createdDir: string | undefined;
  try {
    await sql`select name from kysely_migration limit 1`.execute(db).catch((cause: unknown) => {
      throw new BackupProblem(tBoth('bk.not-leefklimaat', { database: describeDatabase(config.database) }), { cause });
    });
    createdDir = fs.mkdirSync(path.dirname(file), { recursive: true });
    if (config.database.kind === 'sqlite') {
      await sql`vacuum into ${part}`.execute(db);
    } else {
      const run = await runPostgresProgram(pgDump!, ['--format=custom', `--file=${part}`, `--dbname=${toolConnection(config.database.url).url}`], config.database.url);
      if (run.code !== 0) throw new BackupProblem(`${tBoth('bk.pg-dump-failed')}\n  ${run.stderr.split('\n').join('\n  ')}`);
    }
    // The backup holds every answer: readable by its owner only, like the key.
    fs.chmodSync(part, 0o600);
    if (hasKey) {
      fs.writeFileSync(keyPart, fs.readFileSync(config.secretFile), { mode: 0o600, flag: 'wx' });
      publish(keyPart, keyFile);
      published = keyFile;
    }
    publish(part, file);
    return { file, bytes: fs.statSync(file).size, keyFile: hasKey ? keyFile : undefined, format: config.database.kind === 'sqlite' ? 'sqlite' : 'pg_dump' };
  } catch (error) {
    removeQuietly(part, keyPart, published);
    if (createdDir !== undefined) fs.rmSync(createdDir, { recursive: true, force: true });
    if (error instanceof BackupProblem) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupProblem(`${tBoth('bk.failed', { file })}\n  ${code ?? (error instanceof Error ? error.message : String(error))}`, { cause: error });
  } finally {
    await db.destroy();
  }
}

/** What to run by hand when pg_dump is not installed here: the command, without the password. */
function pgDumpMissing(config: Config, file: string, hasKey: boolean): string {
  const url = config.database.kind === 'postgres' ? toolConnection(config.database.url).url : '';
  const lines = [
    tBoth('bk.pg-dump-missing'),
    `  pg_dump --format=custom --file=${shellQuote(file)} ${shellQuote(url)}`,
    ...(hasKey ? [`  cp ${shellQuote(config.secretFile)} ${shellQuote(`${file}.key`)}`] : []),
    tBoth('bk.pg-dump-by-hand'),
  ];
  return lines.join('\n');
}

/** `data/backups/leefklimaat-20261122-143000.sqlite` (or `.pgdump`). */
export function defaultBackupName(dataDir: string, now: Date, kind: 'sqlite' | 'postgres' = 'sqlite'): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return path.join(dataDir, 'backups', `leefklimaat-${stamp}.${kind === 'sqlite' ? 'sqlite' : 'pgdump'}`);
}
