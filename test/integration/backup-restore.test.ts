import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { BackupProblem } from '../../src/backup/backup.errors';
import { backupDatabase } from '../../src/backup/backup.service';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { migrateDown, migrateToLatest, pendingMigrations } from '../../src/db/migrator';
import { insertUser } from '../../src/auth/user.repository';
import { paths } from '../../src/paths';
import { loadQuestionnaires } from '../../src/questionnaires/questionnaire.loader';
import { QuestionnaireCatalog } from '../../src/questionnaires/questionnaire.service';
import { PdfRenderer } from '../../src/reports/pdf-renderer';
import { ReportScheduler } from '../../src/reports/report.scheduler';
import { generatePeriodReport } from '../../src/reports/report.service';
import { createReportTemplates } from '../../src/reports/report.templates';
import { summarizeClosedRounds } from '../../src/results/round-summary';
import { runSchedule } from '../../src/rounds/round.service';
import { systemViewer } from '../../src/auth/current-user';
import { insertRound, insertRoundGroups } from '../../src/rounds/round.repository';
import { isoDay, randomId, systemClock } from '../../src/system';
import { createEmptyDatabase, tableNames, testDialect } from '../support/db';
import { runCli, startServer, type Finished, type ServerProcess } from '../support/processes';
import { sessionFor } from '../support/staff';
import { issueCodes, submissionFor, tabletCookie } from '../support/survey';

/**
 * `leefklimaat backup` and `restore` as an administrator runs them, on this run's database: the
 * demo institution plus an open round, with the real server taking survey answers while the
 * backup runs; then a restore into an empty database, compared row by row, and the restored
 * installation serving results, archived reports and a code printed before the backup.
 */
type Empty = Awaited<ReturnType<typeof createEmptyDatabase>>;
type Rows = Record<string, string[]>;
type Env = { DATABASE_URL: string; SECRET_FILE: string; DEFAULT_LANGUAGE: string };

/** A password in the URL (the test server trusts local logins, so any will do): never printed. */
const PASSWORD = 'pw-n0t-to-be-printed-7781';
const withPassword = (target: Empty) => {
  if (testDialect === 'sqlite') return target.url;
  const url = new URL(target.url);
  url.password = PASSWORD;
  return url.toString();
};
const envFor = (target: Empty, keyName = 'leefklimaat.key'): Env => ({ DATABASE_URL: withPassword(target), SECRET_FILE: path.join(target.dir, keyName), DEFAULT_LANGUAGE: 'en' });

/** Survey answers land here; every other table must come back exactly. */
const ANSWER_TABLES = ['response', 'response_answer', 'submission_receipt'];

async function everyRow(database: Empty['database']): Promise<Rows> {
  const db = openDatabase(database);
  try {
    const out: Rows = {};
    for (const name of await tableNames(db)) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
      out[name] = rows.rows.map((r) => JSON.stringify(r)).sort();
    }
    return out;
  } finally {
    await db.destroy();
  }
}

/** Whether a database of this run's dialect holds no table at all (SQLite: no file either). */
async function isEmpty(target: Empty): Promise<boolean> {
  if (target.file !== undefined) return !fs.existsSync(target.file);
  const db = openDatabase(target.database);
  try {
    return (await tableNames(db)).length === 0;
  } finally {
    await db.destroy();
  }
}

const parse = (rows: readonly string[]) => rows.map((r) => JSON.parse(r) as Record<string, string>);

function expectNoPassword(...runs: Finished[]) {
  for (const run of runs) expect(run.stdout + run.stderr).not.toContain(PASSWORD);
}

function expectPlain(run: Finished) {
  expect(run.code).toBe(1);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expectNoPassword(run);
}

/** Waits for `done()`, failing at once when `failed` rejects, and after 30 s at the latest. */
async function until(done: () => boolean, failed: Promise<unknown>): Promise<void> {
  let error: unknown;
  failed.catch((e: unknown) => (error = e));
  const deadline = Date.now() + 30_000;
  while (!done()) {
    if (error !== undefined) throw error;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`backup and restore (${testDialect})`, () => {
  const made: Empty[] = [];
  const fresh = async () => {
    const target = await createEmptyDatabase();
    made.push(target);
    return target;
  };
  afterAll(async () => {
    for (const target of made) await target.drop();
  });

  let source: Empty;
  let env: Env;
  let backupFile: string;
  let backupRun: Finished;
  let acks: { id: string; phase: 'before' | 'during' | 'after' }[];
  let manager: { cookie: string };
  let printedCodes: string[];
  let closedResults: unknown;
  let archivedPdf: { id: string; bytes: Buffer };
  let sourceRows: Rows;

  beforeAll(async () => {
    source = await fresh();
    env = envFor(source);
    const demo = await runCli(['demo'], env);
    expect(demo.code).toBe(0);

    // An open round with printed codes, a tablet and an administrator's session: the live part of
    // an installation. Then what the server would do at its first start (plan rounds, summarise the
    // closed ones, make the reports that are due — which depends on today's date), so the server
    // started below writes nothing but the answers it takes; and one period report for certain.
    const loaded = loadQuestionnaires(paths.surveys, 'en');
    if (!loaded.ok) throw new Error('the shipped questionnaires do not load');
    const catalog = new QuestionnaireCatalog(loaded.questionnaires);
    const q = catalog.get('lk-jeugd', 1)!;
    const db = openDatabase(source.database);
    const renderer = new PdfRenderer();
    let tablet: string;
    let roundId: string;
    let groupId: string;
    let reportId: string;
    try {
      const institution = await db.selectFrom('institution').select('id').executeTakeFirstOrThrow();
      const groups = await db.selectFrom('living_group').select(['id', 'questionnaire_id']).where('active', '=', 1).orderBy('name').execute();
      roundId = randomId();
      await insertRound(db, { id: roundId, institution_id: institution.id, period: '2026-X1', opens_on: isoDay(new Date()), closes_on: isoDay(new Date(Date.now() + 30 * 86_400_000)), status: 'open' });
      await insertRoundGroups(db, groups.map((g) => ({ round_id: roundId, group_id: g.id, questionnaire_id: g.questionnaire_id, questionnaire_version: 1 })));
      groupId = groups.find((g) => g.questionnaire_id === 'lk-jeugd')!.id;
      const adminId = randomId();
      await insertUser(db, {
        id: adminId, institution_id: institution.id, municipality_id: null, email: 'beheer@test.nl', display_name: 'Beheer', role: 'administrator',
        password_hash: 'scrypt$1$1$1$x$x', pin_hash: null, active: 1, created_at: new Date().toISOString(),
      });
      manager = await sessionFor(db, adminId);
      tablet = await tabletCookie(db, roundId, groupId, adminId);
      const secret = Buffer.from(fs.readFileSync(env.SECRET_FILE, 'utf8').trim(), 'hex');
      printedCodes = await issueCodes(db, secret, roundId, groupId, 3);

      await runSchedule(db, catalog, systemClock);
      await summarizeClosedRounds(db, catalog);
      const deps = { results: { db, questionnaires: catalog, k: 5 }, renderer, templates: createReportTemplates(), clock: systemClock, timeZone: 'Europe/Amsterdam' };
      await new ReportScheduler(deps, 'en').run();
      const made = await generatePeriodReport(deps, systemViewer(institution.id), { from: '2000-01-01', to: isoDay(new Date()) }, { lang: 'en', generatedBy: 'test' });
      if (!made.id) throw new Error('the period report was not archived');
      reportId = made.id;
    } finally {
      await renderer.close();
      await db.destroy();
    }

    const server = await startServer(env);
    try {
      closedResults = await getJson(server, '/api/results/overview');
      archivedPdf = await downloadReport(server, reportId);

      acks = [];
      let phase: 'before' | 'during' | 'after' = 'before';
      let sending = true;
      const csrf = randomBytes(18).toString('base64url');
      const submitter = async () => {
        while (sending) {
          const body = submissionFor(q, roundId, groupId, () => 1 + Math.floor(Math.random() * 5));
          const res = await fetch(`${server.base}/survey/submit?lang=nl`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf, cookie: `${tablet}; lk_csrf=${csrf}` },
            body: JSON.stringify(body),
          });
          const reply = await res.text();
          if (res.status === 200) acks.push({ id: body.submissionId, phase });
          else if (res.status !== 503 && res.status !== 429) throw new Error(`submission refused: ${res.status} ${reply}`);
        }
      };
      const submitters = Promise.all(Array.from({ length: 4 }, submitter));
      await until(() => acks.length >= 10, submitters);
      backupFile = path.join(source.dir, 'backups', 'leefklimaat.backup');
      phase = 'during';
      backupRun = await runCli(['backup', backupFile], env);
      phase = 'after';
      const afterStart = acks.length;
      await until(() => acks.length >= afterStart + 10, submitters);
      sending = false;
      await submitters;
    } finally {
      await server.stop();
    }
    sourceRows = await everyRow(source.database);
  }, 180_000);

  async function getJson(server: ServerProcess, url: string): Promise<unknown> {
    const res = await fetch(`${server.base}${url}`, { headers: { cookie: manager.cookie, accept: 'application/json' } });
    expect(res.status).toBe(200);
    return res.json();
  }

  async function downloadReport(server: ServerProcess, id: string): Promise<{ id: string; bytes: Buffer }> {
    const res = await fetch(`${server.base}/reports/${id}/pdf`, { headers: { cookie: manager.cookie } });
    expect(res.status).toBe(200);
    return { id, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  it('writes the backup and the key beside it while the server takes answers, printing no password', async () => {
    expect(backupRun.stderr).toBe('');
    expect(backupRun.code).toBe(0);
    expect(backupRun.stdout).toContain(`${backupFile} (`);
    expect(backupRun.stdout).toContain(`${backupFile}.key`);
    expectNoPassword(backupRun);
    // The server took answers before, while and after the backup ran.
    expect(acks.filter((a) => a.phase === 'before').length).toBeGreaterThanOrEqual(10);
    expect(acks.filter((a) => a.phase === 'during').length).toBeGreaterThan(0);
    expect(acks.filter((a) => a.phase === 'after').length).toBeGreaterThanOrEqual(10);
    expect(fs.readFileSync(`${backupFile}.key`)).toEqual(fs.readFileSync(env.SECRET_FILE));
    for (const f of [backupFile, `${backupFile}.key`]) expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(backupFile)).sort()).toEqual(['leefklimaat.backup', 'leefklimaat.backup.key']); // no part files
    expect(fs.readFileSync(backupFile).subarray(0, 16).toString('latin1')).toMatch(testDialect === 'sqlite' ? /^SQLite format 3/ : /^PGDMP/);
  });

  describe('restoring into an empty database', () => {
    let target: Empty;
    let targetEnv: Env;
    let restoreRun: Finished;
    let restoredRows: Rows;

    beforeAll(async () => {
      target = await fresh();
      targetEnv = envFor(target, 'restored.key');
      restoreRun = await runCli(['restore', backupFile], targetEnv);
      restoredRows = await everyRow(target.database);
    }, 60_000);

    it('says what it restored, and puts the key back byte for byte', () => {
      expect(restoreRun.stderr).toBe('');
      expect(restoreRun.code).toBe(0);
      const count = (table: string) => restoredRows[table]!.length;
      expect(restoreRun.stdout).toContain(`: 1 institution(s), ${count('round')} round(s), ${count('response')} response(s).`);
      expect(restoreRun.stdout).toContain(`Server key put back: ${targetEnv.SECRET_FILE}`);
      expectNoPassword(restoreRun);
      expect(fs.readFileSync(targetEnv.SECRET_FILE)).toEqual(fs.readFileSync(env.SECRET_FILE));
      expect(fs.statSync(targetEnv.SECRET_FILE).mode & 0o777).toBe(0o600);
    });

    it('holds every row of every table as the source had it when the backup ran', () => {
      expect(Object.keys(restoredRows).sort()).toEqual(Object.keys(sourceRows).sort());
      for (const table of Object.keys(sourceRows).filter((t) => !ANSWER_TABLES.includes(t))) {
        expect({ table, rows: restoredRows[table] }).toEqual({ table, rows: sourceRows[table] });
      }
      // Answers that came after the snapshot are missing as a whole; none is half there.
      for (const table of ANSWER_TABLES) {
        const source = new Set(sourceRows[table]);
        expect({ table, foreign: restoredRows[table]!.filter((r) => !source.has(r)) }).toEqual({ table, foreign: [] });
      }
      const responses = new Set(parse(restoredRows['response']!).map((r) => r['id']));
      const answersOf = (rows: Rows) => parse(rows['response_answer']!).filter((a) => responses.has(a['response_id']));
      expect(parse(restoredRows['response_answer']!)).toEqual(answersOf(sourceRows));
      const receipts = new Set(parse(restoredRows['submission_receipt']!).map((r) => r['submission_id']));
      const missingResponses = sourceRows['response']!.length - restoredRows['response']!.length;
      expect(sourceRows['submission_receipt']!.length - restoredRows['submission_receipt']!.length).toBe(missingResponses);
      // Everything acknowledged before the backup started is in it; nothing sent after it ended.
      expect(acks.filter((a) => a.phase === 'before' && !receipts.has(a.id))).toEqual([]);
      expect(acks.filter((a) => a.phase === 'after' && receipts.has(a.id))).toEqual([]);
      expect(missingResponses).toBeGreaterThanOrEqual(acks.filter((a) => a.phase === 'after').length);
    });

    it('serves the same closed results and archived reports, and takes a code printed before the backup', async () => {
      const server = await startServer(targetEnv);
      try {
        expect(await getJson(server, '/api/results/overview')).toEqual(closedResults);
        expect((await downloadReport(server, archivedPdf.id)).bytes.equals(archivedPdf.bytes)).toBe(true);

        const page = await fetch(`${server.base}/code?lang=en`);
        const csrf = /lk_csrf=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
        const enter = (code: string) =>
          fetch(`${server.base}/code?lang=en`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `lk_csrf=${csrf}` },
            body: new URLSearchParams({ _csrf: csrf, code }).toString(),
          });
        const accepted = await enter(printedCodes[0]!);
        expect({ status: accepted.status, location: accepted.headers.get('location') }).toEqual({ status: 303, location: '/survey?lang=en' });
        expect((await enter('ACDE-2345')).status).toBe(400); // a code that was never printed
      } finally {
        await server.stop();
      }
    }, 60_000);
  });

  describe('refuses, changing nothing', () => {
    it('a database that is not empty', async () => {
      const keyBefore = fs.readFileSync(env.SECRET_FILE);
      const run = await runCli(['restore', backupFile], env);
      expectPlain(run);
      expect(run.stderr).toContain('is not empty');
      expect(run.stderr).toContain('Restore only into an empty database, so nothing is ever overwritten');
      expect(await everyRow(source.database)).toEqual(sourceRows);
      expect(fs.readFileSync(env.SECRET_FILE)).toEqual(keyBefore);
    });

    it('a backup that is missing, is no backup, or is damaged', async () => {
      const target = await fresh();
      const targetEnv = envFor(target);
      const garbage = path.join(target.dir, 'garbage.backup');
      fs.writeFileSync(garbage, randomBytes(64 * 1024));
      fs.copyFileSync(`${backupFile}.key`, `${garbage}.key`);
      // Cut off in the middle: the start (the header and table of contents) still reads.
      const damaged = path.join(target.dir, 'damaged.backup');
      const whole = fs.readFileSync(backupFile);
      fs.writeFileSync(damaged, whole.subarray(0, Math.floor(whole.length * 0.6)));
      fs.copyFileSync(`${backupFile}.key`, `${damaged}.key`);
      const files = fs.readdirSync(target.dir).sort();

      const restore = (file: string) => runCli(['restore', file], targetEnv);
      const [missing, foreign, broken] = await Promise.all([restore(path.join(target.dir, 'nothing.backup')), restore(garbage), restore(damaged)]);
      expectPlain(missing);
      expect(missing.stderr).toContain('nothing.backup does not exist; nothing was changed');
      expectPlain(foreign);
      expect(foreign.stderr).toContain('garbage.backup is not a Leefklimaat backup; nothing was changed');
      expectPlain(broken);
      expect(broken.stderr).toContain('damaged.backup is damaged or incomplete; nothing was changed');

      expect(await isEmpty(target)).toBe(true);
      expect(fs.readdirSync(target.dir).sort()).toEqual(files); // no key, no database file, no part file
    });

    it('a backup whose key differs from the key already in place, or that has no key beside it', async () => {
      const target = await fresh();
      const targetEnv = envFor(target);
      const otherKey = `${randomBytes(32).toString('hex')}\n`;
      fs.writeFileSync(targetEnv.SECRET_FILE, otherKey, { mode: 0o600 });
      const keyless = path.join(target.dir, 'keyless.backup');
      fs.copyFileSync(backupFile, keyless);
      const [differs, noKey] = await Promise.all([
        runCli(['restore', backupFile], targetEnv),
        runCli(['restore', keyless], { ...targetEnv, SECRET_FILE: path.join(target.dir, 'none.key') }),
      ]);
      expectPlain(differs);
      expect(differs.stderr).toContain(`${targetEnv.SECRET_FILE} already holds a different key than ${backupFile}.key; nothing was changed`);
      expect(differs.stderr).toContain('Codes printed with the old key stop working if it is replaced');
      expect(fs.readFileSync(targetEnv.SECRET_FILE, 'utf8')).toBe(otherKey);

      expectPlain(noKey);
      expect(noKey.stderr).toContain(`There is no key file beside the backup (${keyless}.key)`);
      expect(fs.existsSync(path.join(target.dir, 'none.key'))).toBe(false);
      expect(await isEmpty(target)).toBe(true);
    });

    it('a backup over an existing file', async () => {
      const before = fs.readFileSync(backupFile);
      const run = await runCli(['backup', backupFile], env);
      expectPlain(run);
      expect(run.stderr).toContain(`The file ${backupFile} already exists`);
      expect(fs.readFileSync(backupFile).equals(before)).toBe(true);
    });
  });

  it('brings a backup from an older version up to date when it restores it', async () => {
    const old = await fresh();
    const oldEnv = envFor(old);
    const db = openDatabase(old.database);
    let undone: string[];
    try {
      await migrateToLatest(db);
      undone = await migrateDown(db);
    } finally {
      await db.destroy();
    }
    fs.writeFileSync(oldEnv.SECRET_FILE, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    const file = path.join(old.dir, 'old.backup');
    expect((await runCli(['backup', file], oldEnv)).code).toBe(0);

    const target = await fresh();
    const run = await runCli(['restore', file], envFor(target));
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Then migrated to this version: ${undone.join(', ')}`);
    const restored = openDatabase(target.database);
    try {
      expect(await pendingMigrations(restored)).toEqual([]);
    } finally {
      await restored.destroy();
    }
  });

  // PostgreSQL only: SQLite needs no program of its own for a backup. (Defined only there, so the
  // SQLite pass does not count a skipped test.)
  if (testDialect === 'postgres') it('prints the pg_dump command to run, without the password, when pg_dump is not installed', async () => {
    const config = loadConfig({ ...env, DATABASE_URL: withPassword(source) });
    const target = path.join(source.dir, 'by-hand.backup');
    const refused = await backupDatabase(config, target, { search: { path: '', roots: [] } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackupProblem);
    const message = (refused as BackupProblem).message;
    const url = new URL(source.url);
    expect(message).toContain('pg_dump was not found');
    expect(message).toContain(`  pg_dump --format=custom --file=${target} postgres://${url.username}@${url.host}${url.pathname}`);
    expect(message).toContain(`  cp ${env.SECRET_FILE} ${target}.key`);
    expect(message).not.toContain(PASSWORD);
    expect(fs.existsSync(target)).toBe(false);
  });
});
