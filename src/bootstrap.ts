import fs from 'node:fs';
import { sql } from 'kysely';
import { describeDatabase, type Config } from './config';
import { isPostgres, openDatabase, type Database } from './db/database';
import { migrateToLatest } from './db/migrator';
import { StartupError } from './errors';
import { tBoth } from './i18n/messages';
import { loadQuestionnaires, type QuestionnaireProblem } from './questionnaires/questionnaire.loader';
import { QuestionnaireCatalog, registerQuestionnaires } from './questionnaires/questionnaire.service';
import { loadOrCreateSecret } from './secret';
import type { Clock } from './system';

export interface Prepared {
  readonly db: Database;
  readonly questionnaires: QuestionnaireCatalog;
  /** The server's secret key, read (or created on first start) from `config.secretFile`. */
  readonly secret: Buffer;
  /** Migrations this start ran. */
  readonly migrated: readonly string[];
}

function questionnaireError(problems: readonly QuestionnaireProblem[]): StartupError {
  return new StartupError(
    tBoth('startup.questionnaires-invalid'),
    problems.map((p) => ({ path: p.path ? `${p.file}:${p.path}` : p.file, message: p.message })),
  );
}

/**
 * What the server and the CLI both do first: check the questionnaire files (before touching the
 * database, so a bad file changes nothing), open and migrate the database, and register the
 * questionnaire versions. Throws StartupError with every problem when anything is wrong.
 */
export async function prepare(config: Config, clock: Clock): Promise<Prepared> {
  const loaded = loadQuestionnaires(config.surveysDir, config.language);
  if (!loaded.ok) throw questionnaireError(loaded.problems);

  const db = await openDatabaseChecked(config);
  try {
    const hadSecret = fs.existsSync(config.secretFile);
    const secret = loadOrCreateSecret(config.secretFile);
    const migrated = await migrateToLatest(db);
    if (!hadSecret && (await hasUnusedCodes(db))) {
      // A new key would silently make every printed code useless: the old key must come back.
      fs.rmSync(config.secretFile, { force: true });
      throw new StartupError(tBoth('startup.secret-missing'), [{ path: 'SECRET_FILE', message: config.secretFile }]);
    }
    const problems = await registerQuestionnaires(db, loaded.questionnaires, clock, config.language);
    if (problems.length > 0) throw questionnaireError(problems);
    return { db, questionnaires: new QuestionnaireCatalog(loaded.questionnaires), secret, migrated };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/**
 * Opens the database and makes the first round trip (the driver opens the file lazily), so a
 * path that cannot be created, a file that is not a database or a read-only file is reported as
 * a problem with DATABASE_URL rather than a stack trace later.
 */
export async function openDatabaseChecked(config: Config): Promise<Database> {
  const problem = (cause: unknown) =>
    new StartupError(tBoth('startup.database-unusable'), [{ path: 'DATABASE_URL', message: `${describeDatabase(config.database)}: ${cause instanceof Error ? cause.message : String(cause)}` }], { cause });
  let db: Database;
  try {
    db = openDatabase(config.database);
  } catch (cause) {
    throw problem(cause);
  }
  try {
    // SQLite opens any file lazily; reading its schema shows a file that is not a database.
    await (isPostgres(db) ? sql`select 1` : sql`select count(*) from sqlite_master`).execute(db);
    return db;
  } catch (cause) {
    await db.destroy().catch(() => undefined);
    throw problem(cause);
  }
}

async function hasUnusedCodes(db: Database): Promise<boolean> {
  return (await db.selectFrom('access_code').select('code_hash').where('used', '=', 0).limit(1).executeTakeFirst()) !== undefined;
}

/** Prints a start-up error plainly: the message, then one line per problem. */
export function describeStartupError(error: StartupError): string {
  return [error.message, ...error.details.map((d) => `  - ${d.path}: ${d.message}`)].join('\n');
}
