import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { sql, type Kysely } from 'kysely';
import request from 'supertest';
import { generateCode, hashCode } from '../../src/access-codes/access-code';
import { createApp } from '../../src/app';
import { hashSecret } from '../../src/auth/password';
import { SESSION_COOKIE } from '../../src/auth/session.service';
import { hashToken } from '../../src/auth/setup.service';
import { loadConfig } from '../../src/config';
import { openDatabase, type Database } from '../../src/db/database';
import { migrateTo, migrateToLatest } from '../../src/db/migrator';
import { createRandom } from '../../src/demo/random';
import { silentLogger } from '../../src/logger';
import { paths } from '../../src/paths';
import type { Questionnaire } from '../../src/questionnaires/questionnaire';
import { loadQuestionnaires } from '../../src/questionnaires/questionnaire.loader';
import { QuestionnaireCatalog, registerQuestionnaires } from '../../src/questionnaires/questionnaire.service';
import { PdfRenderer } from '../../src/reports/pdf-renderer';
import { summarizeClosedRounds } from '../../src/results/round-summary';
import { TABLET_COOKIE } from '../../src/survey/survey.service';
import { createPageRenderer } from '../../src/views/render';
import { createEmptyDatabase, fixedClock, tableNames, testDialect } from '../support/db';
import { completeRows, expectedScales, randomLevels, simulateRespondent, type Answers } from '../support/results';
import { csrfFrom, signInAgent } from '../support/staff';

/**
 * SPEC §7: "upgrades migrate forward without loss". For every schema version the project has had,
 * a database at that version holds data as that version wrote it (plain inserts into the tables
 * and columns that existed then); migrated to the latest, every row is still there with the same
 * values, columns added since hold their defaults, and the application works on the result.
 */

const MIGRATIONS = fs
  .readdirSync(paths.migrations)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

function migration(name: string): string {
  if (!MIGRATIONS.includes(name)) throw new Error(`no migration ${name}: the seed below names the migration that made each table or column`);
  return name;
}
const HELP_RESOURCES = migration('2026-11-22-1300-help-resources');
const TABLET_SESSIONS = migration('2026-11-22-1400-tablet-sessions');
const ROUND_RESULTS = migration('2026-11-22-1500-round-results');
const REPORT_ARCHIVE = migration('2026-11-22-1600-report-archive');
const DOUBLE_PRECISION = migration('2026-11-22-1700-double-precision');

/**
 * Columns added to existing tables by a later migration, and what rows written before hold in
 * them afterwards: a value, or what the migration fills in, from the row and the data before. A
 * migration that adds a column must say here what old rows get.
 */
type Before = ReadonlyMap<string, { rows: readonly Record<string, unknown>[] }>;
const ADDED_COLUMNS: Record<string, (row: Record<string, unknown>, before: Before) => unknown> = {
  'report.title': () => '',
  'report.round_id': () => null,
  'report.automatic_key': () => null,
  'municipality.report_every_months': () => null,
  'municipality.report_language': () => 'nl',
  // The actor's institution; the server's own entries about rounds: the only institution, if one.
  'audit_log.institution_id': (row, before) => {
    if (row['actor_user_id'] !== null) return before.get('staff_user')!.rows.find((u) => u['id'] === row['actor_user_id'])?.['institution_id'] ?? null;
    const institutions = before.get('institution')!.rows;
    return ['round-opened', 'round-closed'].includes(String(row['action'])) && institutions.length === 1 ? institutions[0]!['id'] : null;
  },
};

const loaded = loadQuestionnaires(paths.surveys, 'en');
if (!loaded.ok) throw new Error('shipped questionnaires do not load');
const q: Questionnaire = loaded.questionnaires.find((x) => x.id === 'lk-jeugd' && x.version === 1)!;
const catalog = new QuestionnaireCatalog(loaded.questionnaires);
const NOW = '2026-11-22T10:00:00.000Z';
const PASSWORD = 'een lang genoeg wachtwoord';
let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashSecret(PASSWORD);
});

/** What a seeded database holds that the checks need to know. */
interface Seeded {
  readonly g1: string;
  readonly g2: string;
  readonly closedRound: string;
  readonly openRound: string;
  /** Respondents of the closed round in G1 (6: at least k) and G2 (2: below k). */
  readonly closedG1: readonly Answers[];
  readonly managerEmail: string;
  readonly leaderCookie: string;
  readonly unusedCodes: readonly string[];
  readonly tabletToken: string | undefined;
  readonly reports: readonly { id: string; json: string; title: string | undefined }[];
  readonly actionText: string;
  readonly helpName: string | undefined;
}

/**
 * Representative data in the schema as it was after migration `at` (index in MIGRATIONS): every
 * table that exists then gets rows, with the columns it had then. (`Kysely<any>`: the tables as
 * they were then, not as the application's types describe them now.)
 */
async function seed(db: Kysely<any>, at: number, secret: Buffer): Promise<Seeded> {
  const has = (name: string) => MIGRATIONS.indexOf(name) <= at;
  const id = () => randomUUID();
  const [institution, l1, l2, municipality, g1, g2, g3] = [id(), id(), id(), id(), id(), id(), id()];
  const [closedRound, openRound, plannedRound] = [id(), id(), id()];
  const [admin, manager, leader, viewer] = [id(), id(), id(), id()];
  const insert = (table: string, rows: Record<string, unknown>[]) => db.insertInto(table).values(rows).execute();

  await insert('institution', [{ id: institution, name: 'Stichting Upgrade', cadence_months: 6, created_at: '2025-12-01T09:00:00.000Z' }]);
  await insert('location', [
    { id: l1, institution_id: institution, name: 'Noord' },
    { id: l2, institution_id: institution, name: 'Zuid' },
  ]);
  await insert('municipality', [{ id: municipality, institution_id: institution, name: 'Gemeente Upgrade', ...(has(REPORT_ARCHIVE) ? { report_every_months: 6, report_language: 'en' } : {}) }]);
  await insert('municipality_location', [{ municipality_id: municipality, location_id: l1 }]);
  const { sha256, file: _file, ...definition } = q;
  await insert('questionnaire_version', [{ questionnaire_id: q.id, version: q.version, sha256, definition: JSON.stringify(definition), registered_at: '2025-12-01T09:00:00.000Z' }]);
  await insert('living_group', [
    { id: g1, location_id: l1, name: 'De Linde', places: 8, questionnaire_id: q.id, active: 1 },
    { id: g2, location_id: l2, name: 'De Eik', places: 10, questionnaire_id: q.id, active: 1 },
    { id: g3, location_id: l2, name: 'De Beuk', places: 6, questionnaire_id: q.id, active: 0 },
  ]);
  await insert('round', [
    { id: closedRound, institution_id: institution, period: '2026-H1', opens_on: '2026-05-01', closes_on: '2026-05-31', status: 'closed' },
    { id: openRound, institution_id: institution, period: '2026-H2', opens_on: '2026-11-01', closes_on: '2026-11-30', status: 'open' },
    { id: plannedRound, institution_id: institution, period: '2027-H1', opens_on: '2027-05-01', closes_on: '2027-05-31', status: 'planned' },
  ]);
  await insert('round_group', [
    ...[closedRound, openRound].flatMap((round_id) => [g1, g2].map((group_id) => ({ round_id, group_id, questionnaire_id: q.id, questionnaire_version: 1 }))),
    ...[g1, g2].map((group_id) => ({ round_id: plannedRound, group_id, questionnaire_id: q.id, questionnaire_version: null })),
  ]);

  const random = createRandom(at + 7);
  const levels = randomLevels(q, random);
  const respondents = (n: number, options = {}) => Array.from({ length: n }, () => simulateRespondent(q, random, levels, options));
  const closedG1 = respondents(6, { skip: ['s03'] });
  const closedG2 = respondents(2);
  const openG1 = respondents(3);
  for (const [round_id, group_id, answers] of [
    ...closedG1.map((a) => [closedRound, g1, a] as const),
    ...closedG2.map((a) => [closedRound, g2, a] as const),
    ...openG1.map((a) => [openRound, g1, a] as const),
  ]) {
    const response = id();
    await insert('response', [{ id: response, round_id, group_id, questionnaire_id: q.id, questionnaire_version: q.version }]);
    await insert('response_answer', Object.entries(answers).map(([item_id, value]) => ({ response_id: response, item_id, value })));
    await insert('submission_receipt', [{ submission_id: id(), round_id }]);
  }
  await insert('open_answer', [
    { id: id(), round_id: closedRound, group_id: g1, question_id: 'good', text: 'De leiding luistert echt.' },
    { id: id(), round_id: closedRound, group_id: g1, question_id: 'change', text: 'Meer uitjes in het weekend.' },
    { id: id(), round_id: openRound, group_id: g1, question_id: 'change', text: 'Een eigen kamer.' },
  ]);
  const codes = [generateCode(), generateCode(), generateCode()];
  await insert('access_code', codes.map((code, i) => ({ code_hash: hashCode(secret, code), round_id: openRound, group_id: g1, sheet_id: 'sheet-1', used: i === 2 ? 1 : 0 })));
  await insert('talk_request', [{ id: id(), round_id: openRound, group_id: g1, requested_on: '2026-11-20', handled: 0 }]);

  const user = (uid: string, role: string, extra: Record<string, unknown> = {}) => ({
    id: uid,
    institution_id: institution,
    email: `${role}.${uid.slice(0, 6)}@upgrade.nl`,
    display_name: role,
    role,
    password_hash: passwordHash,
    pin_hash: null,
    municipality_id: null,
    active: 1,
    created_at: '2025-12-01T09:00:00.000Z',
    ...extra,
  });
  const users = [user(admin, 'administrator'), user(manager, 'manager'), user(leader, 'group_leader'), user(viewer, 'municipality_viewer', { municipality_id: municipality })];
  await insert('staff_user', users);
  await insert('staff_user_group', [{ user_id: leader, group_id: g1 }]);
  const leaderToken = randomBytes(32).toString('base64url');
  await insert('staff_session', [{ token_hash: hashToken(leaderToken), user_id: leader, csrf_token: 'csrf-of-the-leader', created_at: NOW, expires_at: '2099-01-01T00:00:00.000Z' }]);
  await insert('setup_token', [{ token_hash: hashToken('used-long-ago'), created_at: '2025-12-01T09:00:00.000Z', used: 1 }]);
  const actionText = 'Elke week samen koken.';
  await insert('improvement_action', [{ id: id(), round_id: closedRound, group_id: g1, text: actionText, created_by: manager, created_at: '2026-06-10T09:00:00.000Z', updated_at: '2026-06-11T09:00:00.000Z' }]);

  const report = (kind: 'group' | 'period', extra: Record<string, unknown>) => {
    const pdf = Buffer.from(`%PDF-1.4 ${kind} report`);
    return {
      id: id(),
      institution_id: institution,
      kind,
      period_from: '2026-01-01',
      period_to: '2026-06-30',
      language: 'nl',
      generated_by: manager,
      generated_at: '2026-06-01T09:00:00.000Z',
      sha256: createHash('sha256').update(pdf).digest('hex'),
      pdf_base64: pdf.toString('base64'),
      json: JSON.stringify({ kind, groups: 2 }),
      csv: 'scale,mean\r\nsupport,3.5\r\n',
      municipality_id: null,
      group_id: null,
      ...extra,
    };
  };
  const reports = [
    report('group', { audience: 'team', group_id: g1, ...(has(REPORT_ARCHIVE) ? { title: 'Groepsrapport De Linde 2026-H1', round_id: closedRound, automatic_key: `group:${closedRound}:${g1}` } : {}) }),
    report('period', { audience: 'municipality', municipality_id: municipality, ...(has(REPORT_ARCHIVE) ? { title: 'Perioderapport 2026-H1' } : {}) }),
  ];
  await insert('report', reports);
  await insert('audit_log', [
    { id: id(), at: '2026-06-01T09:00:00.000Z', actor_user_id: manager, action: 'login', subject: null, details: null },
    { id: id(), at: '2026-06-01T09:01:00.000Z', actor_user_id: manager, action: 'report-downloaded', subject: reports[0]!.id, details: '{"format":"pdf"}' },
    // The server's own, and a failed login with an unknown address: no actor.
    { id: id(), at: '2026-06-01T00:00:00.000Z', actor_user_id: null, action: 'round-closed', subject: closedRound, details: null },
    { id: id(), at: '2026-06-02T08:00:00.000Z', actor_user_id: null, action: 'login-failed', subject: 'nobody@example.org', details: null },
  ]);

  let helpName: string | undefined;
  if (has(HELP_RESOURCES)) {
    helpName = 'Vertrouwenspersoon Upgrade';
    await insert('help_resource', [
      { id: id(), institution_id: institution, position: 1, name: helpName, contact: '088 123 45 67', text_nl: 'Bel of app.', text_en: 'Call or text.' },
      { id: id(), institution_id: institution, position: 2, name: 'De Kindertelefoon', contact: '0800 0432', text_nl: 'Gratis.', text_en: 'Free.' },
    ]);
  }
  let tabletToken: string | undefined;
  if (has(TABLET_SESSIONS)) {
    tabletToken = randomBytes(32).toString('base64url');
    await insert('tablet_session', [{ token_hash: hashToken(tabletToken), round_id: openRound, group_id: g1, started_by: leader }]);
  }
  if (has(ROUND_RESULTS)) {
    // The summaries that version made when the round closed.
    for (const [group_id, answers, places] of [[g1, closedG1, 8] as const, [g2, closedG2, 10] as const]) {
      await insert('group_result', [{ round_id: closedRound, group_id, questionnaire_id: q.id, questionnaire_version: q.version, responses: answers.length, places }]);
      const scales = expectedScales(q, answers);
      await insert(
        'scale_result',
        [...scales].map(([scale_id, e]) => ({
          round_id: closedRound,
          group_id,
          scale_id,
          n: e.scores.length,
          sum: e.scores.reduce((a, b) => a + b, 0),
          sum_squares: e.scores.reduce((a, b) => a + b * b, 0),
          alpha: e.alpha ?? null,
          alpha_n: q.scales.some((s) => s.id === scale_id) ? completeRows(q, scale_id, answers).length : 0,
        })),
      );
      const counts = new Map<string, number>();
      for (const a of answers) for (const [item, value] of Object.entries(a)) counts.set(`${item}|${value}`, (counts.get(`${item}|${value}`) ?? 0) + 1);
      await insert('item_result', [...counts].map(([key, count]) => ({ round_id: closedRound, group_id, item_id: key.split('|')[0], value: Number(key.split('|')[1]), count })));
    }
  }
  return {
    g1,
    g2,
    closedRound,
    openRound,
    closedG1,
    managerEmail: users[1]!.email,
    leaderCookie: `${SESSION_COOKIE}=${leaderToken}`,
    unusedCodes: codes.slice(0, 2),
    tabletToken,
    reports: reports.map((r) => ({ id: r.id, json: r.json, title: 'title' in r ? String(r.title) : undefined })),
    actionText,
    helpName,
  };
}

type Snapshot = Map<string, { columns: string[]; rows: Record<string, unknown>[] }>;

/** Every application table with its columns and rows (Kysely's own tables left out). */
async function snapshot(db: Database): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const table of await tableNames(db)) {
    if (table.startsWith('kysely_')) continue;
    const columns = (await db.introspection.getTables()).find((t) => t.name === table)!.columns.map((c) => c.name);
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    out.set(table, { columns, rows });
  }
  return out;
}

/**
 * PostgreSQL before the double-precision migration: the summary's `real` columns held 4-byte
 * floats; widened to 8 bytes, the stored value is the same number, printed with more digits.
 */
const FLOAT4_COLUMNS = new Set(['scale_result.sum', 'scale_result.sum_squares', 'scale_result.alpha']);

function canonical(table: string, row: Record<string, unknown>, columns: readonly string[], float4: boolean): string {
  return JSON.stringify(columns.map((c) => [c, float4 && FLOAT4_COLUMNS.has(`${table}.${c}`) && typeof row[c] === 'number' ? Math.fround(row[c] as number) : row[c]]));
}

/**
 * Every table of `before` is in `after` with at least its columns and exactly its rows (values
 * compared column by column); columns that are new hold the defaults in ADDED_COLUMN_DEFAULTS.
 */
function expectKept(before: Snapshot, after: Snapshot, options: { float4: boolean }) {
  const problems: string[] = [];
  for (const [table, old] of before) {
    const now = after.get(table);
    if (!now) {
      problems.push(`${table}: gone`);
      continue;
    }
    const lost = old.columns.filter((c) => !now.columns.includes(c));
    if (lost.length > 0) problems.push(`${table}: columns gone: ${lost.join(', ')}`);
    const kept = old.columns.filter((c) => now.columns.includes(c));
    const was = old.rows.map((r) => canonical(table, r, kept, options.float4)).sort();
    const is = now.rows.map((r) => canonical(table, r, kept, options.float4)).sort();
    if (JSON.stringify(was) !== JSON.stringify(is)) {
      const list = (rows: string[]) => rows.map((r) => (r.length > 400 ? `${r.slice(0, 400)}…` : r)).join('\n           ');
      problems.push(`${table}: rows differ\n  missing: ${list(was.filter((r) => !is.includes(r)))}\n  new:     ${list(is.filter((r) => !was.includes(r)))}`);
    }
    for (const column of now.columns.filter((c) => !old.columns.includes(c))) {
      const key = `${table}.${column}`;
      const expected = ADDED_COLUMNS[key];
      if (!expected) {
        problems.push(`${key}: a new column; say in ADDED_COLUMNS what rows written before it get`);
        continue;
      }
      for (const row of now.rows) {
        if (row[column] !== expected(row, before)) problems.push(`${key}: ${JSON.stringify(row)} holds ${JSON.stringify(row[column])}, not ${JSON.stringify(expected(row, before))}`);
      }
    }
  }
  expect(problems).toEqual([]);
}

/** The application on the upgraded database, as the server would make it. */
async function appOn(db: Database, url: string, secret: Buffer) {
  const clock = fixedClock(NOW);
  expect(await registerQuestionnaires(db, loaded.ok ? loaded.questionnaires : [], clock, 'en')).toEqual([]);
  const renderer = new PdfRenderer();
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const app = createApp({ config, db, questionnaires: catalog, views: createPageRenderer(paths.views), logger: silentLogger, clock, secret, renderer });
  return { app, close: () => renderer.close() };
}

const responsesIn = async (db: Database, roundId: string) =>
  Number((await db.selectFrom('response').select((eb) => eb.fn.countAll().as('n')).where('round_id', '=', roundId).executeTakeFirstOrThrow()).n);
const usedCodes = async (db: Database) => Number((await db.selectFrom('access_code').select((eb) => eb.fn.countAll().as('n')).where('used', '=', 1).executeTakeFirstOrThrow()).n);

/** A young person's answers to every item, sent as the page sends them. */
function answersBody(s: Seeded) {
  return { submissionId: randomUUID(), roundId: s.openRound, groupId: s.g1, answers: Object.fromEntries(q.items.map((item) => [item.id, 4])), open: { change: 'Na de upgrade' } };
}

/**
 * What a user of the upgraded database does: a manager signs in and sees the closed round's
 * results (and the team's improvement action, and an archived report); a group leader's session
 * from before the upgrade still works; a young person with a printed code — and, where the
 * version had them, on a group's tablet — sends answers into the open round.
 */
async function expectWorks(db: Database, url: string, secret: Buffer, s: Seeded, options: { summarisedBefore: boolean; seededAt: number }) {
  const has = (name: string) => MIGRATIONS.indexOf(name) <= options.seededAt;
  // The server summarises closed rounds at start: nothing left to do if that version had.
  expect(await summarizeClosedRounds(db, catalog)).toBe(options.summarisedBefore ? 0 : 2);
  const { app, close } = await appOn(db, url, secret);
  try {
    const { agent, res } = await signInAgent(app, s.managerEmail, PASSWORD);
    expect(res.status).toBe(303);
    const g1 = (await agent.get(`/api/results/groups/${s.g1}?round=${s.closedRound}`).set('Accept', 'application/json').expect(200)).body;
    expect([g1.round.shown, g1.round.responses, g1.round.places]).toEqual([true, 6, 8]);
    const expected = expectedScales(q, s.closedG1);
    for (const cell of g1.round.scales as { scaleId: string; figure?: { n: number; mean: number } }[]) {
      const e = expected.get(cell.scaleId)!;
      expect({ scale: cell.scaleId, n: cell.figure?.n }).toEqual({ scale: cell.scaleId, n: e.scores.length });
      expect(cell.figure!.mean).toBeCloseTo(e.d.mean!, 5);
    }
    expect(g1.actions.map((a: { text: string }) => a.text)).toEqual([s.actionText]);
    const g2 = (await agent.get(`/api/results/groups/${s.g2}?round=${s.closedRound}`).set('Accept', 'application/json').expect(200)).body;
    expect([g2.round.shown, g2.round.responses]).toEqual([false, 2]);
    const archive = await agent.get('/reports').expect(200);
    for (const r of s.reports) {
      if (r.title) expect(archive.text).toContain(r.title);
      expect((await agent.get(`/reports/${r.id}/json`).expect(200)).text).toBe(r.json);
    }

    await request(app).get('/staff').set('Cookie', s.leaderCookie).expect(200);

    const before = await responsesIn(db, s.openRound);
    const young = request.agent(app);
    const entry = await young.get('/code?lang=en').expect(200);
    await young.post('/code?lang=en').type('form').send({ code: s.unusedCodes[0], _csrf: csrfFrom(entry.text) }).expect(303);
    const questions = await young.get('/survey/questions').expect(200);
    await young.post('/survey/submit').set('Accept', 'application/json').set('x-csrf-token', csrfFrom(questions.text)).send(answersBody(s)).expect(200);
    const thanks = await young.get('/survey/thanks').expect(200);
    if (s.helpName) expect(thanks.text).toContain(s.helpName);
    let sent = 1;
    if (has(TABLET_SESSIONS)) {
      const csrf = 'a-token-of-the-tablets-own';
      await request(app)
        .post('/survey/submit')
        .set('Cookie', `${TABLET_COOKIE}=${s.tabletToken}; lk_csrf=${csrf}`)
        .set('x-csrf-token', csrf)
        .set('Accept', 'application/json')
        .send(answersBody(s))
        .expect(200);
      sent++;
    }
    expect(await responsesIn(db, s.openRound)).toBe(before + sent);
    expect(await usedCodes(db)).toBe(2);
    // Reports stay unchangeable, those from before the upgrade too.
    await expect(db.updateTable('report').set({ language: 'en' }).where('id', '=', s.reports[0]!.id).execute()).rejects.toThrow(/reports are never changed/);
  } finally {
    await close();
  }
}

async function emptyDatabase() {
  const target = await createEmptyDatabase();
  const db = openDatabase(target.database);
  return { ...target, db, cleanup: () => db.destroy().then(() => target.drop()) };
}

describe(`upgrading a database with data in it, from every earlier schema version (${testDialect})`, () => {
  it.each(MIGRATIONS.map((name, i) => [name, i] as const))('from %s, migrated to the latest, keeps every row and works', async (name, at) => {
    const target = await emptyDatabase();
    try {
      expect(await migrateTo(target.db, name)).toEqual(MIGRATIONS.slice(0, at + 1));
      const secret = randomBytes(32);
      const seeded = await seed(target.db, at, secret);
      const before = await snapshot(target.db);
      // Every table of that version has rows: a table added later must be seeded here too.
      expect([...before].filter(([, t]) => t.rows.length === 0).map(([table]) => table)).toEqual([]);

      expect(await migrateToLatest(target.db)).toEqual(MIGRATIONS.slice(at + 1));
      expectKept(before, await snapshot(target.db), { float4: testDialect === 'postgres' && at < MIGRATIONS.indexOf(DOUBLE_PRECISION) });
      await expectWorks(target.db, target.url, secret, seeded, { summarisedBefore: at >= MIGRATIONS.indexOf(ROUND_RESULTS), seededAt: at });
    } finally {
      await target.cleanup();
    }
  });

  it('from empty: migrated to the latest, then filled, it works', async () => {
    const target = await emptyDatabase();
    try {
      expect(await migrateTo(target.db, 'empty')).toEqual([]);
      expect(await migrateToLatest(target.db)).toEqual(MIGRATIONS);
      const secret = randomBytes(32);
      const seeded = await seed(target.db, MIGRATIONS.length - 1, secret);
      await expectWorks(target.db, target.url, secret, seeded, { summarisedBefore: true, seededAt: MIGRATIONS.length - 1 });
    } finally {
      await target.cleanup();
    }
  });

  it('goes down to every earlier version keeping the data of what remains, and up again without loss', async () => {
    const target = await emptyDatabase();
    try {
      await migrateToLatest(target.db);
      const secret = randomBytes(32);
      const seeded = await seed(target.db, MIGRATIONS.length - 1, secret);
      let current = await snapshot(target.db);
      for (let at = MIGRATIONS.length - 2; at >= -1; at--) {
        const to = at < 0 ? 'empty' : MIGRATIONS[at]!;
        expect({ to, undone: await migrateTo(target.db, to) }).toEqual({ to, undone: MIGRATIONS.slice(at + 1).reverse() });
        const down = await snapshot(target.db);
        // What the down migrations leave is what was there: the remaining tables, columns and rows.
        const remaining: Snapshot = new Map([...current].filter(([table]) => down.has(table)).map(([table, t]) => [table, { columns: down.get(table)!.columns, rows: t.rows }]));
        // (Below the double-precision migration PostgreSQL's summary columns are 4-byte floats
        // again: the values are rounded to those, the one loss a down migration is allowed here.)
        expectKept(remaining, down, { float4: testDialect === 'postgres' && at < MIGRATIONS.indexOf(DOUBLE_PRECISION) });
        if (at < 0) expect([...down.keys()]).toEqual([]);

        expect(await migrateToLatest(target.db)).toEqual(MIGRATIONS.slice(at + 1));
        const up = await snapshot(target.db);
        expectKept(down, up, { float4: testDialect === 'postgres' && at < MIGRATIONS.indexOf(DOUBLE_PRECISION) });
        // The tables the down migrations dropped come back empty; their rows are gone, as designed.
        expect([...up].filter(([table, t]) => !down.has(table) && t.rows.length > 0).map(([table]) => table)).toEqual([]);
        if (at >= 0) {
          // The answers are still there, so the results can be made again and shown.
          await summarizeClosedRounds(target.db, catalog);
          const { app, close } = await appOn(target.db, target.url, secret);
          try {
            const res = await request(app).get(`/api/results/groups/${seeded.g1}?round=${seeded.closedRound}`).set('Cookie', seeded.leaderCookie).set('Accept', 'application/json').expect(200);
            expect([res.body.round.shown, res.body.round.responses]).toEqual([true, 6]);
          } finally {
            await close();
          }
        }
        // What the application added (its questionnaires, a summary) is part of the data from here on.
        current = await snapshot(target.db);
      }
    } finally {
      await target.cleanup();
    }
  });
});
