import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { generateCode, hashCode } from '../../src/access-codes/access-code';
import { insertCodes } from '../../src/access-codes/access-code.repository';
import { openDatabase } from '../../src/db/database';
import { migrateDown, pendingMigrations } from '../../src/db/migrator';
import { buildGroupInRound } from '../support/builders';
import { createEmptyDatabase, createTestDatabase, tableNames, testDialect, type TestDatabase } from '../support/db';
import { runCli, type Finished } from '../support/processes';

/**
 * `leefklimaat doctor` as an administrator runs it, on this run's database: a healthy installation
 * passes every check; each broken one fails, names the problem and its fix — and the doctor leaves
 * the files and the database exactly as it found them.
 */
type Installation = { env: { DATABASE_URL: string; SECRET_FILE: string; DEFAULT_LANGUAGE: string }; dir: string; database: TestDatabase['database']; url: string };

const FAIL = '[FOUT / FAIL]';

/** Every file in the folder (name, mode, content) and every row of the database. */
async function stateOf(installation: Installation): Promise<unknown> {
  const files = fs.readdirSync(installation.dir).sort().map((name) => {
    const file = path.join(installation.dir, name);
    const stat = fs.statSync(file);
    return { name, mode: stat.mode, sha: stat.isFile() ? createHash('sha256').update(fs.readFileSync(file)).digest('hex') : 'dir' };
  });
  if (testDialect === 'sqlite') return { files };
  const db = openDatabase(installation.database);
  try {
    const rows: Record<string, string[]> = {};
    for (const name of await tableNames(db)) {
      rows[name] = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows.map((r) => JSON.stringify(r)).sort();
    }
    return { files, rows };
  } finally {
    await db.destroy();
  }
}

/** Runs the doctor and checks that it changed nothing it could reach. */
async function doctor(installation: Installation, env: Record<string, string> = {}): Promise<Finished> {
  const before = await stateOf(installation);
  const run = await runCli(['doctor'], { ...installation.env, ...env });
  expect(await stateOf(installation)).toEqual(before);
  expect(run.stderr).toBe('');
  return run;
}

/** The lines of one verdict and the fix below it, as printed. */
function finding(run: Finished, label: string, text: string): string {
  const lines = run.stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`  ${label} `) && l.includes(text));
  if (at < 0) throw new Error(`no "${label} … ${text}" line in:\n${run.stdout}`);
  const end = lines.findIndex((l, i) => i > at && !l.startsWith('      '));
  return lines.slice(at, end < 0 ? undefined : end).join('\n');
}

describe(`leefklimaat doctor (${testDialect})`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  /** A migrated database at rest (no connection open) and its key, readable by the owner only. */
  async function installation(options: { key?: boolean } = {}): Promise<Installation & { db: TestDatabase['db'] }> {
    const t = await createTestDatabase();
    cleanups.push(t.cleanup);
    const env = { DATABASE_URL: t.url, SECRET_FILE: path.join(t.dir, 'leefklimaat.key'), DEFAULT_LANGUAGE: 'en' };
    if (options.key !== false) fs.writeFileSync(env.SECRET_FILE, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    return { env, dir: t.dir, database: t.database, url: t.url, db: t.db };
  }

  async function atRest<T extends { db: TestDatabase['db'] }>(i: T): Promise<T> {
    await i.db.destroy();
    return i;
  }

  it('passes a healthy installation, every check OK', async () => {
    const i = await atRest(await installation());
    const run = await doctor(i);
    expect(run.code).toBe(0);
    const verdicts = run.stdout.split('\n').filter((l) => /^ {2}\[/.test(l));
    expect(verdicts.length).toBeGreaterThanOrEqual(7);
    expect(verdicts.filter((l) => !l.startsWith('  [OK] '))).toEqual([]);
    for (const text of ['all settings are valid', 'ANONYMITY_K = 5', 'schema up to date', `${i.env.SECRET_FILE} is present, holds a key and is readable by its owner only`, '3 questionnaire(s) valid', 'starts and prints a PDF']) {
      expect(run.stdout).toContain(text);
    }
    if (testDialect === 'sqlite') expect(run.stdout).toContain('WAL is on');
    else expect(run.stdout).toMatch(/connected to postgres:\/\/.*\(PostgreSQL \d+[\s\S]*creating a temporary table works[\s\S]*pg_dump for backups: /);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('Alles in orde. / Everything is fine.');
  });

  it('fails on CHROMIUM_PATH pointing at something that is no browser, and says how to fix it', async () => {
    const i = await atRest(await installation());
    const notABrowser = path.join(i.dir, 'not-a-browser.sh');
    fs.writeFileSync(notABrowser, '#!/bin/sh\necho "I am no browser"\n', { mode: 0o755 });
    const run = await doctor(i, { CHROMIUM_PATH: notABrowser });
    expect(run.code).toBe(1);
    const text = finding(run, FAIL, `${notABrowser} does not start as a browser or makes no PDF`);
    expect(text).toContain('Fix: ');
    expect(text).toContain('apt-get install chromium');
    expect(text).toContain('set CHROMIUM_PATH to the Chromium or Chrome program');
    const missing = await doctor(i, { CHROMIUM_PATH: path.join(i.dir, 'nowhere') });
    expect(missing.code).toBe(1);
    expect(finding(missing, FAIL, `CHROMIUM_PATH points to ${path.join(i.dir, 'nowhere')}, but it does not exist`)).toContain('apt-get install chromium');
  });

  it('fails on a database it cannot reach or that is not there, creating nothing', async () => {
    const i = await atRest(await installation());
    if (testDialect === 'sqlite') {
      const nowhere = path.join(i.dir, 'nowhere.sqlite');
      const missing = await doctor(i, { DATABASE_URL: nowhere });
      expect(missing.code).toBe(1);
      expect(finding(missing, FAIL, `there is no database at ${nowhere} yet`)).toContain('run `leefklimaat migrate`');
      expect(fs.existsSync(nowhere)).toBe(false);
      const notes = path.join(i.dir, 'notes.txt');
      fs.writeFileSync(notes, 'this is not a database, only text long enough to have a header\n'.repeat(40));
      const foreign = await doctor(i, { DATABASE_URL: notes });
      expect(foreign.code).toBe(1);
      expect(finding(foreign, FAIL, notes)).toContain('restore the latest backup into an empty database');
    } else {
      const closed = new URL(i.url);
      closed.port = '1'; // nothing listens there
      const unreachable = await doctor(i, { DATABASE_URL: closed.toString() });
      expect(unreachable.code).toBe(1);
      expect(finding(unreachable, FAIL, 'cannot connect to postgres://')).toContain('is PostgreSQL running at 127.0.0.1:1');
      const wrong = new URL(i.url);
      wrong.pathname = `/lk_missing_${randomBytes(4).toString('hex')}`;
      const absent = await doctor(i, { DATABASE_URL: wrong.toString() });
      expect(absent.code).toBe(1);
      expect(finding(absent, FAIL, 'does not exist')).toContain(`createdb -O ${closed.username} ${wrong.pathname.slice(1)}`);
    }
  });

  it('fails on migrations not run yet, and runs none itself', async () => {
    const i = await installation();
    const [undone] = await migrateDown(i.db);
    await atRest(i);
    const run = await doctor(i);
    expect(run.code).toBe(1);
    expect(finding(run, FAIL, `1 migration(s) not run yet: ${undone}`)).toContain('run `leefklimaat migrate`');
    const db = openDatabase(i.database);
    try {
      expect(await pendingMigrations(db)).toEqual([undone]);
    } finally {
      await db.destroy();
    }
  });

  it('fails on an empty database, and creates no table in it', async () => {
    const empty = await createEmptyDatabase();
    cleanups.push(empty.drop);
    if (empty.file !== undefined) fs.writeFileSync(empty.file, ''); // an empty file is an empty SQLite database
    const i: Installation = { env: { DATABASE_URL: empty.url, SECRET_FILE: path.join(empty.dir, 'leefklimaat.key'), DEFAULT_LANGUAGE: 'en' }, dir: empty.dir, database: empty.database, url: empty.url };
    const run = await doctor(i);
    expect(run.code).toBe(1);
    expect(finding(run, FAIL, 'the database is empty: not set up yet')).toContain('run `leefklimaat migrate`');
    expect(fs.existsSync(i.env.SECRET_FILE)).toBe(false);
  });

  it('fails on a broken questionnaire folder and on a used questionnaire whose file changed', async () => {
    const i = await installation();
    await i.db
      .insertInto('questionnaire_version')
      .values({ questionnaire_id: 'lk-jeugd', version: 1, sha256: 'f'.repeat(64), definition: '{}', registered_at: '2026-01-01T00:00:00.000Z' })
      .execute();
    await atRest(i);
    const broken = await doctor(i, { SURVEYS_DIR: 'test/fixtures/surveys-broken' });
    expect(broken.code).toBe(1);
    const text = finding(broken, FAIL, '3 problem(s) in the questionnaires');
    expect(text).toContain('broken.v1.yaml:items.0.scale: unknown scale "suport"');
    expect(text).toContain('`leefklimaat validate ');

    const changed = await doctor(i);
    expect(changed.code).toBe(1);
    expect(finding(changed, FAIL, 'questionnaire lk-jeugd@1 (lk-jeugd.v1.yaml) changed after rounds used it')).toContain('save the change as a new version');
  });

  it('reports every bad setting instead of stopping at the first, and still checks the rest', async () => {
    const i = await atRest(await installation());
    const run = await doctor(i, { ANONYMITY_K: '1', TRUST_PROXY: 'everyone', PUBLIC_URL: 'http://leefklimaat.example.org' });
    expect(run.code).toBe(1);
    const k = finding(run, FAIL, 'ANONYMITY_K has an invalid value');
    expect(k).toContain('may never be below 3');
    expect(k).toContain('correct ANONYMITY_K, or remove the variable');
    expect(finding(run, FAIL, 'TRUST_PROXY has an invalid value')).toContain('correct TRUST_PROXY');
    expect(finding(run, '[LET OP / WARNING]', 'PUBLIC_URL is http://leefklimaat.example.org: not https')).toContain('set PUBLIC_URL to the https:// address');
    expect(run.stdout).toContain('schema up to date'); // the database was still checked
    expect(run.stdout).not.toMatch(/\n\s+at /);
  });

  it('fails on a missing key file while printed codes wait for it, and on a key anyone can read; creates no key', async () => {
    const i = await installation({ key: false });
    const { roundId, groupId } = await buildGroupInRound(i.db);
    await insertCodes(i.db, [{ code_hash: hashCode(randomBytes(32), generateCode()), round_id: roundId, group_id: groupId, sheet_id: 'sheet' }]);
    await atRest(i);
    const missing = await doctor(i);
    expect(missing.code).toBe(1);
    expect(finding(missing, FAIL, `${i.env.SECRET_FILE} is missing while there are printed codes not used yet`)).toContain('put the key from the backup');
    expect(fs.existsSync(i.env.SECRET_FILE)).toBe(false);

    fs.writeFileSync(i.env.SECRET_FILE, `${randomBytes(32).toString('hex')}\n`);
    fs.chmodSync(i.env.SECRET_FILE, 0o644);
    const open = await doctor(i);
    expect(open.code).toBe(1);
    expect(finding(open, FAIL, `${i.env.SECRET_FILE} is readable by everyone`)).toContain(`chmod 600 ${i.env.SECRET_FILE}`);
  });
});
