import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { sql } from 'kysely';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { Role } from '../../src/auth/auth.table';
import { insertUser, replaceUserGroups } from '../../src/auth/user.repository';
import { openDatabase, type Database } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrator';
import { loadDemo } from '../../src/demo/demo.service';
import { createRandom } from '../../src/demo/random';
import { silentLogger } from '../../src/logger';
import { paths } from '../../src/paths';
import { loadQuestionnaires } from '../../src/questionnaires/questionnaire.loader';
import { QuestionnaireCatalog, registerQuestionnaires } from '../../src/questionnaires/questionnaire.service';
import { PdfRenderer, type PdfMetadata } from '../../src/reports/pdf-renderer';
import { calendarPeriod, RECENT_DAYS, ReportScheduler } from '../../src/reports/report.scheduler';
import { archiveReport, type ReportDeps } from '../../src/reports/report.service';
import { createReportTemplates } from '../../src/reports/report.templates';
import { summarizeClosedRounds } from '../../src/results/round-summary';
import { randomId } from '../../src/system';
import { createPageRenderer } from '../../src/views/render';
import { createTestApp } from '../support/app';
import { fixedClock } from '../support/db';
import { runCli } from '../support/processes';
import { addRound, postFormAs, randomLevels, simulateRespondent, storeResponses } from '../support/results';
import { buildInstitution, sessionFor } from '../support/staff';

/**
 * The report archive (SPEC §6, §7): who sees and downloads which archived report (each download
 * audited), period reports made on demand by a manager (and refused to everyone else, or on bad
 * input, with nothing stored), a failed render that leaves nothing, a table the database itself
 * keeps unchanged, the automatic reports of the scheduler (never twice, not even from two
 * schedulers at once), the municipality's report schedule and the `report` command.
 *
 * Renders are expensive (0.5–1 s each), so the demo world's reports are made once — by the
 * scheduler and two manual period reports — and the tests after that share them; tests in the
 * demo world therefore run in order.
 */

type Ctx = Awaited<ReturnType<typeof createTestApp>>;
interface Session {
  readonly id: string;
  readonly cookie: string;
  readonly csrf: string;
}

const NOW = '2026-11-22T10:00:00.000Z';
const RENDER_FAILED = 'Het rapport kon niet gemaakt worden. Er is niets bewaard. Probeer het later opnieuw; lukt het dan nog niet, vraag de beheerder om in het logboek van de server te kijken.';
const BAD_ADDRESS = 'Dit adres klopt niet (een keuze in de link is ongeldig).';
const FORM_EXPIRED = 'Dit formulier is verlopen';
const REPORT_MADE = 'Het rapport is gemaakt en bewaard.';
const FORMATS = {
  pdf: 'application/pdf',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
} as const;
type Format = keyof typeof FORMATS;

/** A staff member with a signed-in session (inserted directly: no scrypt per test). */
async function addStaff(db: Database, institutionId: string, role: Role, options: { municipalityId?: string; groupIds?: string[] } = {}): Promise<Session> {
  const id = randomId();
  await insertUser(db, {
    id,
    institution_id: institutionId,
    municipality_id: options.municipalityId ?? null,
    email: `${role}.${id.slice(0, 6)}@archief.nl`,
    display_name: `${role} ${id.slice(0, 4)}`,
    role,
    password_hash: 'scrypt$1$1$1$x$x',
    pin_hash: null,
    active: 1,
    created_at: NOW,
  });
  if (options.groupIds) await replaceUserGroups(db, id, options.groupIds);
  return { id, ...(await sessionFor(db, id)) };
}

function reportDeps(ctx: Ctx, renderer: PdfRenderer = ctx.renderer): ReportDeps {
  return { results: { db: ctx.db, questionnaires: ctx.questionnaires, k: ctx.config.anonymityK, logger: silentLogger }, renderer, templates: createReportTemplates(), clock: ctx.clock, timeZone: ctx.config.timeZone };
}

async function reportCount(db: Database): Promise<number> {
  const row = await db.selectFrom('report').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function downloadAudits(db: Database) {
  return db.selectFrom('audit_log').selectAll().where('action', '=', 'report-downloaded').execute();
}

/** The body as the exact bytes sent, whatever the type. */
function binary(res: request.Response, done: (error: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

function download(app: Express, who: Session, id: string, format: string) {
  return request(app).get(`/reports/${id}/${format}`).set('Cookie', who.cookie).buffer(true).parse(binary);
}

/** The archive page's rows, as the report ids its download links name. */
function listedIds(html: string): string[] {
  return [...new Set([...html.matchAll(/href="\/reports\/([^/"]+)\/pdf"/g)].map((m) => m[1]!))].sort();
}

/** The text of a form field's error message on a page, if it has one. */
function fieldError(html: string, field: string): string | undefined {
  return new RegExp(`<p class="error" id="f-${field}-error">([^<]*)</p>`).exec(html)?.[1];
}

/** As Handlebars escapes text in a page. */
function escapeHtml(text: string): string {
  const map: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };
  return text.replace(/[&<>"'`=]/g, (c) => map[c]!);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const sorted = (ids: readonly string[]) => [...ids].sort();

async function waitFor<T>(what: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A renderer that counts the reports it was asked to render. */
class CountingRenderer extends PdfRenderer {
  renders = 0;
  override async render(html: string, meta: PdfMetadata): Promise<Buffer> {
    this.renders++;
    return super.render(html, meta);
  }
}

describe('calendarPeriod', () => {
  it('gives the half-year or the calendar year that holds a day', () => {
    expect(calendarPeriod('2026-07-01', 6)).toEqual({ from: '2026-07-01', to: '2026-12-31' });
    expect(calendarPeriod('2026-12-31', 6)).toEqual({ from: '2026-07-01', to: '2026-12-31' });
    expect(calendarPeriod('2026-06-30', 6)).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(calendarPeriod('2026-01-01', 6)).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(calendarPeriod('2026-07-01', 12)).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(calendarPeriod('2025-01-01', 12)).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(calendarPeriod('2024-12-31', 12)).toEqual({ from: '2024-01-01', to: '2024-12-31' });
  });
});

// ——— The demo world: the scheduler's reports, manual period reports, and who sees what ———

describe('the report archive on the demo', () => {
  let ctx: Ctx;
  let institutionId: string;
  let groups: Map<string, string>;
  let rivierstad: string;
  let polderland: string;
  let latestRound: string;
  let manager: Session;
  let administrator: Session;
  let leader: Session;
  let rivierstadViewer: Session;
  let polderlandViewer: Session;
  let other: Awaited<ReturnType<typeof buildInstitution>>;
  let otherReports: { group: string; period: string };
  // Filled in order by the tests below.
  const made = { scheduledGroup: new Map<string, string>(), rivierstad2025: '', rivierstad2026: '', polderlandEn: '', institution: '' };

  beforeAll(async () => {
    ctx = await createTestApp();
    // The demo first: it goes into the first institution when that one is still empty.
    const demo = await loadDemo(ctx.db, ctx.questionnaires, ctx.clock);
    institutionId = demo.institutionId;
    // As the server does before the scheduler runs: closed rounds are summarised.
    await summarizeClosedRounds(ctx.db, ctx.questionnaires);
    groups = new Map((await ctx.db.selectFrom('living_group').select(['id', 'name']).execute()).map((g) => [g.name, g.id]));
    const municipalities = await ctx.db.selectFrom('municipality').select(['id', 'name']).where('institution_id', '=', institutionId).execute();
    rivierstad = municipalities.find((m) => m.name === 'Gemeente Rivierstad')!.id;
    polderland = municipalities.find((m) => m.name === 'Gemeente Polderland')!.id;
    latestRound = (await ctx.db.selectFrom('round').select('id').where('institution_id', '=', institutionId).where('period', '=', '2026-H2').executeTakeFirstOrThrow()).id;
    manager = await addStaff(ctx.db, institutionId, 'manager');
    administrator = await addStaff(ctx.db, institutionId, 'administrator');
    leader = await addStaff(ctx.db, institutionId, 'group_leader', { groupIds: [groups.get('De Linde')!, groups.get('De Haven')!] });
    rivierstadViewer = await addStaff(ctx.db, institutionId, 'municipality_viewer', { municipalityId: rivierstad });
    polderlandViewer = await addStaff(ctx.db, institutionId, 'municipality_viewer', { municipalityId: polderland });

    // Another institution beside it, with reports of its own (archived directly: no render needed).
    other = await buildInstitution(ctx.db, { name: 'Stichting Ander' });
    const fake = { title: 'Ander rapport', pdf: Buffer.from('%PDF-1.4 ander'), json: '{}', csv: 'a,b\r\n' };
    otherReports = {
      group: (await archiveReport(ctx.db, ctx.clock, fake, { institutionId: other.institutionId, kind: 'group', periodFrom: '2026-04-01', periodTo: '2026-04-30', audience: 'team', groupId: other.groups[0]!, lang: 'nl', generatedBy: other.users.manager.id }))!,
      period: (await archiveReport(ctx.db, ctx.clock, fake, { institutionId: other.institutionId, kind: 'period', periodFrom: '2026-01-01', periodTo: '2026-12-31', audience: 'municipality', municipalityId: other.municipalityId, lang: 'nl', generatedBy: other.users.manager.id }))!,
    };
  }, 120_000);
  afterAll(async () => {
    await ctx.cleanup();
  });

  describe('the scheduler', () => {
    it('makes a group report per group of the recently closed round and the Rivierstad years that are due, and nothing the second time', async () => {
      const scheduler = new ReportScheduler(reportDeps(ctx), ctx.config.language, silentLogger);
      const before = await reportCount(ctx.db);
      expect(await scheduler.run()).toEqual({ group: 8, period: 2, failed: 0 });

      const rows = await ctx.db.selectFrom('report').selectAll().where('institution_id', '=', institutionId).orderBy('period_from').execute();
      expect(rows).toHaveLength(10);
      expect(await reportCount(ctx.db)).toBe(before + 10);

      // One group report per group of 2026-H2 (the only round closed in the last RECENT_DAYS days), for the team.
      const groupRows = rows.filter((r) => r.kind === 'group');
      expect(RECENT_DAYS).toBeGreaterThanOrEqual(22); // 2026-10-31 is recent on 2026-11-22
      expect(sorted(groupRows.map((r) => r.group_id!))).toEqual(sorted([...groups.values()]));
      for (const r of groupRows) {
        expect(r).toMatchObject({ generated_by: 'system', audience: 'team', round_id: latestRound, municipality_id: null, language: ctx.config.language, automatic_key: `group:${latestRound}:${r.group_id}` });
        expect(r.sha256).toBe(sha256(Buffer.from(r.pdf_base64, 'base64')));
        made.scheduledGroup.set(r.group_id!, r.id);
      }

      // Rivierstad (yearly): 2025 is over; 2026's last round closed and 2027-H1 is planned. Polderland has no schedule.
      const periodRows = rows.filter((r) => r.kind === 'period');
      expect(periodRows.map((r) => [r.municipality_id, r.period_from, r.period_to])).toEqual([
        [rivierstad, '2025-01-01', '2025-12-31'],
        [rivierstad, '2026-01-01', '2026-12-31'],
      ]);
      for (const r of periodRows) {
        expect(r).toMatchObject({ generated_by: 'system', audience: 'municipality', language: 'nl', group_id: null, automatic_key: `period:${rivierstad}:${r.period_from}..${r.period_to}` });
      }
      made.rivierstad2025 = periodRows[0]!.id;
      made.rivierstad2026 = periodRows[1]!.id;

      // A second run finds everything made already.
      expect(await scheduler.run()).toEqual({ group: 0, period: 0, failed: 0 });
      expect(await reportCount(ctx.db)).toBe(before + 10);
    }, 120_000);
  });

  describe('POST /reports/period', () => {
    it('makes one archived period report for a manager, in the chosen language and for the chosen municipality, and lists it', async () => {
      const before = await reportCount(ctx.db);
      const res = await postFormAs(ctx.app, manager, '/reports/period', { from: '2026-01-01', to: '2026-12-31', municipalityId: polderland, language: 'en' });
      expect(res.status).toBe(303);
      const rows = await ctx.db.selectFrom('report').selectAll().where('generated_by', '=', manager.id).execute();
      expect(rows).toHaveLength(1);
      expect(await reportCount(ctx.db)).toBe(before + 1);
      const row = rows[0]!;
      expect(res.headers['location']).toBe(`/reports?made=${row.id}`);
      expect(row).toMatchObject({ institution_id: institutionId, kind: 'period', period_from: '2026-01-01', period_to: '2026-12-31', audience: 'municipality', municipality_id: polderland, language: 'en', automatic_key: null, group_id: null, round_id: null });
      expect(row.title).toContain('Gemeente Polderland');
      expect(row.title).toMatch(/^Living climate /);
      expect(row.sha256).toBe(sha256(Buffer.from(row.pdf_base64, 'base64')));
      made.polderlandEn = row.id;

      const list = await request(ctx.app).get(res.headers['location']!).set('Cookie', manager.cookie).expect(200);
      expect(list.text).toContain(escapeHtml(row.title));
      expect(list.text).toContain(REPORT_MADE);
      expect(list.text).toMatch(new RegExp(`<tr class="just-made">\\s*<th scope="row">${escapeHtml(row.title).replace(/[()]/g, '\\$&')}`));
    }, 60_000);

    it('makes a whole-institution report when no municipality is chosen', async () => {
      const before = await reportCount(ctx.db);
      const res = await postFormAs(ctx.app, administrator, '/reports/period', { from: '2026-01-01', to: '2026-12-31', municipalityId: '', language: 'nl' });
      expect(res.status).toBe(303);
      const rows = await ctx.db.selectFrom('report').selectAll().where('generated_by', '=', administrator.id).execute();
      expect(rows).toHaveLength(1);
      expect(await reportCount(ctx.db)).toBe(before + 1);
      expect(res.headers['location']).toBe(`/reports?made=${rows[0]!.id}`);
      expect(rows[0]).toMatchObject({ kind: 'period', audience: 'institution', municipality_id: null, language: 'nl' });
      made.institution = rows[0]!.id;
    }, 60_000);

    it('is refused to group leaders and municipality viewers (403), and nothing is stored', async () => {
      const before = await reportCount(ctx.db);
      for (const who of [leader, rivierstadViewer, polderlandViewer]) {
        const res = await postFormAs(ctx.app, who, '/reports/period', { from: '2026-01-01', to: '2026-12-31', municipalityId: '', language: 'nl' });
        expect(res.status).toBe(403);
      }
      expect(await reportCount(ctx.db)).toBe(before);
    });

    it('is refused without the form’s CSRF token, or with a wrong one, and nothing is stored', async () => {
      const before = await reportCount(ctx.db);
      const body = { from: '2026-01-01', to: '2026-12-31', municipalityId: '', language: 'nl' };
      const missing = await request(ctx.app).post('/reports/period').set('Cookie', manager.cookie).set('Accept', 'text/html').type('form').send(body);
      expect(missing.status).toBe(403);
      expect(missing.text).toContain(FORM_EXPIRED);
      const forged = await request(ctx.app).post('/reports/period').set('Cookie', manager.cookie).set('Accept', 'text/html').type('form').send({ ...body, _csrf: 'guessed' });
      expect(forged.status).toBe(403);
      // Another session's token is not this session's.
      const foreign = await request(ctx.app).post('/reports/period').set('Cookie', manager.cookie).set('Accept', 'text/html').type('form').send({ ...body, _csrf: administrator.csrf });
      expect(foreign.status).toBe(403);
      expect(await reportCount(ctx.db)).toBe(before);
    });

    it.each([
      ['an end before the start', { from: '2026-12-31', to: '2026-01-01', municipalityId: '', language: 'nl' }, 'to', 'De einddatum ligt vóór de begindatum.'],
      ['a day that does not exist', { from: '2026-02-30', to: '2026-12-31', municipalityId: '', language: 'nl' }, 'from', 'gebruik een datum als 2026-10-01'],
      ['no start', { to: '2026-12-31', municipalityId: '', language: 'nl' }, 'from', undefined],
      ['no end', { from: '2026-01-01', municipalityId: '', language: 'nl' }, 'to', undefined],
      ['no language', { from: '2026-01-01', to: '2026-12-31', municipalityId: '' }, 'language', undefined],
      ['a language the reports are not in', { from: '2026-01-01', to: '2026-12-31', municipalityId: '', language: 'fr' }, 'language', 'kies een van de mogelijkheden'],
      ['an unknown municipality', { from: '2026-01-01', to: '2026-12-31', municipalityId: 'no-such-municipality', language: 'nl' }, 'municipalityId', 'onbekende gemeente'],
    ] as const)('refuses %s with 400 and a message at the field, storing nothing', async (_what, body, field, message) => {
      const before = await reportCount(ctx.db);
      const res = await postFormAs(ctx.app, manager, '/reports/period', body);
      expect(res.status).toBe(400);
      const error = fieldError(res.text, field);
      expect(error).toBeDefined();
      expect(error!.trim().length).toBeGreaterThan(0);
      if (message) expect(error).toBe(escapeHtml(message));
      expect(res.text).toContain('<h1>');
      expect(await reportCount(ctx.db)).toBe(before);
    });

    it('refuses a municipality of another institution with 400 at the field, storing nothing', async () => {
      const before = await reportCount(ctx.db);
      const res = await postFormAs(ctx.app, manager, '/reports/period', { from: '2026-01-01', to: '2026-12-31', municipalityId: other.municipalityId, language: 'nl' });
      expect(res.status).toBe(400);
      expect(fieldError(res.text, 'municipalityId')).toBe('onbekende gemeente');
      // The page does not offer the other institution's municipality either.
      expect(res.text).not.toContain(`value="${other.municipalityId}"`);
      expect(await reportCount(ctx.db)).toBe(before);
    });
  });

  describe('who sees and downloads which report', () => {
    const allOwn = () => [...made.scheduledGroup.values(), made.rivierstad2025, made.rivierstad2026, made.polderlandEn, made.institution];

    it('has the reports the tests before made', () => {
      expect(made.scheduledGroup.size).toBe(8);
      for (const id of allOwn()) expect(id).toMatch(/.+/);
    });

    it.each([
      ['a manager', () => manager, () => allOwn(), true],
      ['an administrator', () => administrator, () => allOwn(), true],
      ['a group leader (De Linde, De Haven)', () => leader, () => [made.scheduledGroup.get(groups.get('De Linde')!)!, made.scheduledGroup.get(groups.get('De Haven')!)!], false],
      ['the Rivierstad viewer', () => rivierstadViewer, () => [made.rivierstad2025, made.rivierstad2026], false],
      ['the Polderland viewer', () => polderlandViewer, () => [made.polderlandEn], false],
      ['an administrator of another institution', () => other.users.administrator, () => [otherReports.group, otherReports.period], true],
    ])('the archive page of %s lists exactly their reports', async (_who, who, visible, canMake) => {
      const res = await request(ctx.app).get('/reports').set('Cookie', who().cookie).expect(200);
      expect(listedIds(res.text)).toEqual(sorted(visible()));
      // Made at 10:00 UTC by the test clock: shown as the Dutch wall clock read then, the instant kept for machines.
      expect(res.text).toMatch(/<time datetime="2026-11-22T10:00:00\.000Z">2026-11-22 11:00<\/time>/);
      expect(res.text.includes('action="/reports/period"')).toBe(canMake);
    });

    it('no archived report or companion holds an open answer', async () => {
      const openAnswers = (await ctx.db.selectFrom('open_answer').select('text').execute()).map((a) => a.text);
      expect(openAnswers.length).toBeGreaterThan(0);
      const rows = await ctx.db.selectFrom('report').select(['id', 'json', 'csv']).where('institution_id', '=', institutionId).execute();
      expect(rows).toHaveLength(12);
      for (const row of rows) {
        for (const text of openAnswers) {
          expect([row.id, row.json.includes(text) || row.csv.includes(text)]).toEqual([row.id, false]);
        }
      }
    });

    const forbidden: [string, () => Session, () => [string, string][]][] = [
      ['a manager', () => manager, () => [['another institution’s group report', otherReports.group], ['another institution’s period report', otherReports.period]]],
      ['an administrator', () => administrator, () => [['another institution’s period report', otherReports.period]]],
      [
        'a group leader',
        () => leader,
        () => [
          ['another group’s report', made.scheduledGroup.get(groups.get('De Eik')!)!],
          ['a municipality’s period report', made.rivierstad2026],
          ['the whole-institution report', made.institution],
          ['another institution’s group report', otherReports.group],
        ],
      ],
      [
        'the Rivierstad viewer',
        () => rivierstadViewer,
        () => [
          ['the other municipality’s report', made.polderlandEn],
          ['the whole-institution report', made.institution],
          ['a group report', made.scheduledGroup.get(groups.get('De Linde')!)!],
          ['another institution’s municipality report', otherReports.period],
        ],
      ],
      [
        'the Polderland viewer',
        () => polderlandViewer,
        () => [
          ['the other municipality’s report', made.rivierstad2025],
          ['the whole-institution report', made.institution],
          ['a group report', made.scheduledGroup.get(groups.get('De Start')!)!],
        ],
      ],
    ];

    it.each(forbidden)('%s cannot download what is not theirs: 404 and nothing audited', async (_who, who, reports) => {
      const before = (await downloadAudits(ctx.db)).length;
      for (const [what, id] of reports()) {
        expect(id).toMatch(/.+/);
        for (const format of ['pdf', 'json', 'csv'] as const) {
          const res = await download(ctx.app, who(), id, format);
          expect([what, format, res.status]).toEqual([what, format, 404]);
          expect(res.headers['content-disposition']).toBeUndefined();
        }
      }
      expect((await downloadAudits(ctx.db)).length).toBe(before);
    });

    it.each([
      ['a manager', () => manager, () => made.institution],
      ['an administrator', () => administrator, () => made.scheduledGroup.get(groups.get('De Zonnebloem')!)!],
      ['a group leader', () => leader, () => made.scheduledGroup.get(groups.get('De Linde')!)!],
      ['the Rivierstad viewer', () => rivierstadViewer, () => made.rivierstad2025],
      ['the Polderland viewer', () => polderlandViewer, () => made.polderlandEn],
    ])('%s downloads their report in each format as archived, each download audited once', async (_who, who, reportId) => {
      const id = reportId();
      const row = await ctx.db.selectFrom('report').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const archived: Record<Format, Buffer> = { pdf: Buffer.from(row.pdf_base64, 'base64'), json: Buffer.from(row.json, 'utf8'), csv: Buffer.from(row.csv, 'utf8') };
      for (const format of ['pdf', 'json', 'csv'] as const) {
        const before = await downloadAudits(ctx.db);
        const res = await download(ctx.app, who(), id, format);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(FORMATS[format]);
        expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="leefklimaat-${row.kind}-${row.period_from}-${row.period_to}-[A-Za-z0-9_-]{1,8}\\.${format}"$`));
        const body = res.body as Buffer;
        expect(Buffer.isBuffer(body)).toBe(true);
        expect(body.equals(archived[format])).toBe(true);
        if (format === 'pdf') {
          expect(body.subarray(0, 5).toString()).toBe('%PDF-');
          expect(sha256(body)).toBe(row.sha256);
        }
        if (format === 'json') expect(() => JSON.parse(body.toString('utf8'))).not.toThrow();

        const after = await downloadAudits(ctx.db);
        expect(after).toHaveLength(before.length + 1);
        const known = new Set(before.map((a) => a.id));
        const added = after.filter((a) => !known.has(a.id));
        expect(added).toHaveLength(1);
        expect(added[0]).toMatchObject({ actor_user_id: who().id, action: 'report-downloaded', subject: id });
        expect(JSON.parse(added[0]!.details ?? '{}')).toMatchObject({ format });
      }
    });

    it('answers a download in a format that does not exist with 400 and a message, not a 500, and audits nothing', async () => {
      const before = (await downloadAudits(ctx.db)).length;
      const page = await request(ctx.app).get(`/reports/${made.institution}/exe`).set('Cookie', manager.cookie).set('Accept', 'text/html');
      expect(page.status).toBe(400);
      expect(page.text).toContain(BAD_ADDRESS);
      expect(page.headers['content-disposition']).toBeUndefined();
      const json = await request(ctx.app).get(`/reports/${made.institution}/exe`).set('Cookie', manager.cookie).set('Accept', 'application/json');
      expect(json.status).toBe(400);
      expect(JSON.stringify(json.body)).toContain('format');
      expect((await downloadAudits(ctx.db)).length).toBe(before);
    });

    it('does not count a HEAD request as a download', async () => {
      const before = (await downloadAudits(ctx.db)).length;
      const res = await request(ctx.app).head(`/reports/${made.institution}/pdf`).set('Cookie', manager.cookie);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect((await downloadAudits(ctx.db)).length).toBe(before);
    });

    it('sends nobody who is not signed in a report', async () => {
      const res = await request(ctx.app).get(`/reports/${made.institution}/pdf`).redirects(0);
      expect([401, 303]).toContain(res.status);
      expect(res.headers['content-type'] ?? '').not.toContain('application/pdf');
    });
  });

  describe('immutability', () => {
    it('the database refuses to change or delete an archived report', async () => {
      const id = made.institution;
      expect(id).toMatch(/.+/);
      const before = await ctx.db.selectFrom('report').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const count = await reportCount(ctx.db);
      await expect(sql`update report set title = 'changed' where id = ${id}`.execute(ctx.db)).rejects.toThrow(/reports are never changed/);
      await expect(sql`update report set sha256 = 'x'`.execute(ctx.db)).rejects.toThrow(/reports are never changed/);
      await expect(ctx.db.updateTable('report').set({ pdf_base64: '' }).where('id', '=', id).execute()).rejects.toThrow(/reports are never changed/);
      await expect(sql`delete from report where id = ${id}`.execute(ctx.db)).rejects.toThrow(/reports are never changed/);
      await expect(sql`delete from report`.execute(ctx.db)).rejects.toThrow(/reports are never changed/);
      expect(await ctx.db.selectFrom('report').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toEqual(before);
      expect(await reportCount(ctx.db)).toBe(count);
    });
  });
});

// ——— A small world: two schedulers at once, and a round closed by a manager ———

describe('automatic reports in a small institution', () => {
  let ctx: Ctx;
  let org: Awaited<ReturnType<typeof buildInstitution>>;
  let octoberRound: string;

  beforeAll(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
    const q = ctx.questionnaires.latest('lk-jeugd')!;
    const random = createRandom(7);
    const both = org.groups.map((id) => ({ id, questionnaireId: 'lk-jeugd' }));
    const aprilRound = await addRound(ctx.db, { institutionId: org.institutionId, period: '2026-H1', opensOn: '2026-04-01', closesOn: '2026-04-30', status: 'closed', groups: both });
    octoberRound = await addRound(ctx.db, { institutionId: org.institutionId, period: '2026-Q4', opensOn: '2026-10-01', closesOn: '2026-10-15', status: 'closed', groups: both });
    for (const roundId of [aprilRound, octoberRound, org.roundId]) {
      for (const groupId of org.groups) await storeResponses(ctx.db, q, roundId, groupId, Array.from({ length: 6 }, () => simulateRespondent(q, random, randomLevels(q, random))));
    }
    await summarizeClosedRounds(ctx.db, ctx.questionnaires);
    // Half-yearly: January–June 2026 is over and its one round closed.
    await ctx.db.updateTable('municipality').set({ report_every_months: 6 }).where('id', '=', org.municipalityId).execute();
  }, 60_000);
  afterAll(async () => {
    await ctx.cleanup();
  });

  it('a scheduler whose reports fail to render stores nothing and counts the failures', async () => {
    const broken = new PdfRenderer({ chromiumPath: '/nonexistent/chromium' });
    try {
      const scheduler = new ReportScheduler(reportDeps(ctx, broken), 'nl', silentLogger);
      expect(await scheduler.run()).toEqual({ group: 0, period: 0, failed: 3 });
      expect(await reportCount(ctx.db)).toBe(0);
    } finally {
      await broken.close();
    }
  }, 60_000);

  it('two schedulers running at once make each automatic report once', async () => {
    const renderers = [new CountingRenderer(), new CountingRenderer()];
    try {
      const [a, b] = renderers.map((r) => new ReportScheduler(reportDeps(ctx, r), 'nl', silentLogger));
      const [ra, rb] = await Promise.all([a!.run(), b!.run()]);
      // Both did the work (the race really happened), yet each report is stored once.
      expect(renderers[0]!.renders + renderers[1]!.renders).toBeGreaterThan(3);
      expect(ra.failed + rb.failed).toBe(0);
      expect(ra.group + rb.group).toBe(2);
      expect(ra.period + rb.period).toBe(1);
      const rows = await ctx.db.selectFrom('report').select(['kind', 'group_id', 'round_id', 'municipality_id', 'period_from', 'period_to', 'automatic_key', 'generated_by', 'audience']).orderBy('automatic_key').execute();
      expect(rows).toHaveLength(3);
      expect(new Set(rows.map((r) => r.automatic_key)).size).toBe(3);
      expect(rows.filter((r) => r.kind === 'group')).toEqual(
        expect.arrayContaining(org.groups.map((g) => expect.objectContaining({ group_id: g, round_id: octoberRound, generated_by: 'system', audience: 'team', automatic_key: `group:${octoberRound}:${g}` }))),
      );
      expect(rows.filter((r) => r.kind === 'period')).toEqual([
        expect.objectContaining({ municipality_id: org.municipalityId, period_from: '2026-01-01', period_to: '2026-06-30', generated_by: 'system', audience: 'municipality' }),
      ]);
    } finally {
      await Promise.all(renderers.map((r) => r.close()));
    }
  }, 120_000);

  it('a run asked for while one is busy looks again when it is done', async () => {
    // The first render waits until released: meanwhile another round closes and a run is asked for.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class GatedRenderer extends PdfRenderer {
      calls = 0;
      override async render(html: string, meta: PdfMetadata): Promise<Buffer> {
        if (this.calls++ === 0) await gate;
        return super.render(html, meta);
      }
    }
    const renderer = new GatedRenderer();
    const q = ctx.questionnaires.latest('lk-jeugd')!;
    const random = createRandom(11);
    const one = [{ id: org.groups[0]!, questionnaireId: 'lk-jeugd' }];
    const closeRound = async (period: string, day: string) => {
      const roundId = await addRound(ctx.db, { institutionId: org.institutionId, period, opensOn: day, closesOn: day, status: 'closed', groups: one });
      await storeResponses(ctx.db, q, roundId, org.groups[0]!, Array.from({ length: 6 }, () => simulateRespondent(q, random, randomLevels(q, random))));
      await summarizeClosedRounds(ctx.db, ctx.questionnaires);
      return roundId;
    };
    try {
      const first = await closeRound('2026-X1', '2026-11-01');
      const scheduler = new ReportScheduler(reportDeps(ctx, renderer), 'nl', silentLogger);
      const running = scheduler.run();
      await waitFor(async () => renderer.calls, (n) => n > 0, 30_000);
      const second = await closeRound('2026-X2', '2026-11-02');
      const joined = scheduler.run();
      release();
      const [done, again] = await Promise.all([running, joined]);
      expect(again).toEqual(done);
      expect(done).toEqual({ group: 2, period: 0, failed: 0 });
      for (const roundId of [first, second]) expect(await ctx.db.selectFrom('report').select('id').where('round_id', '=', roundId).execute()).toHaveLength(1);
    } finally {
      release();
      await renderer.close();
    }
  }, 120_000);

  it('a round a manager closes gets its group reports in the background', async () => {
    const scheduler = new ReportScheduler(reportDeps(ctx), 'nl', silentLogger);
    const app = createApp({ config: ctx.config, db: ctx.db, questionnaires: ctx.questionnaires, views: createPageRenderer(paths.views), logger: silentLogger, clock: ctx.clock, secret: ctx.secret, renderer: ctx.renderer, reportScheduler: scheduler });
    try {
      expect(await ctx.db.selectFrom('report').select('id').where('round_id', '=', org.roundId).execute()).toEqual([]);
      await postFormAs(app, org.users.manager, `/rounds/${org.roundId}/close`, {}).expect(303);
      const rows = await waitFor(
        () => ctx.db.selectFrom('report').selectAll().where('round_id', '=', org.roundId).execute(),
        (r) => r.length >= 2,
        60_000,
      );
      expect(sorted(rows.map((r) => r.group_id!))).toEqual(sorted(org.groups));
      for (const r of rows) {
        expect(r).toMatchObject({ kind: 'group', generated_by: 'system', audience: 'team', institution_id: org.institutionId, automatic_key: `group:${org.roundId}:${r.group_id}` });
      }
    } finally {
      await scheduler.idle();
    }
    expect(await ctx.db.selectFrom('report').select('id').where('round_id', '=', org.roundId).execute()).toHaveLength(2);
  }, 120_000);
});

// ——— A report that cannot be rendered ———

describe('a period report that fails to render', () => {
  it('answers 503 with a plain message and stores nothing', async () => {
    const ctx = await createTestApp({}, { renderer: new PdfRenderer({ chromiumPath: '/nonexistent/chromium' }) });
    try {
      const org = await buildInstitution(ctx.db);
      const before = await reportCount(ctx.db);
      const res = await postFormAs(ctx.app, org.users.manager, '/reports/period', { from: '2026-01-01', to: '2026-12-31', municipalityId: '', language: 'nl' });
      expect(res.status).toBe(503);
      expect(res.text).toContain(RENDER_FAILED);
      expect(res.text).not.toMatch(/\n\s+at |ReportRenderError|\.ts:\d+|nonexistent/);
      expect(await reportCount(ctx.db)).toBe(before);
      // Asked again with a municipality: the same.
      const again = await postFormAs(ctx.app, org.users.manager, '/reports/period', { from: '2026-01-01', to: '2026-12-31', municipalityId: org.municipalityId, language: 'en' });
      expect(again.status).toBe(503);
      expect(await reportCount(ctx.db)).toBe(before);
    } finally {
      await ctx.cleanup();
    }
  }, 60_000);
});

// ——— The municipality's report schedule ———

describe('the municipality form’s report schedule', () => {
  let ctx: Ctx;
  let org: Awaited<ReturnType<typeof buildInstitution>>;
  beforeAll(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  const stored = () => ctx.db.selectFrom('municipality').select(['name', 'report_every_months', 'report_language']).where('id', '=', org.municipalityId).executeTakeFirstOrThrow();

  it('stores every six months, in English, and shows it again', async () => {
    expect(await stored()).toMatchObject({ report_every_months: null, report_language: 'nl' });
    await postFormAs(ctx.app, org.users.manager, `/organisation/municipalities/${org.municipalityId}`, { name: 'Gemeente Test', locationIds: org.locations[0], reportEveryMonths: '6', reportLanguage: 'en' }).expect(303);
    expect(await stored()).toEqual({ name: 'Gemeente Test', report_every_months: 6, report_language: 'en' });
    const form = await request(ctx.app).get(`/organisation/municipalities/${org.municipalityId}`).set('Cookie', org.users.manager.cookie).expect(200);
    expect(form.text).toMatch(/<option value="6" selected>/);
    expect(form.text).toMatch(/<option value="en" lang="en" selected>/);
  });

  it('stores yearly, and no schedule', async () => {
    await postFormAs(ctx.app, org.users.manager, `/organisation/municipalities/${org.municipalityId}`, { name: 'Gemeente Test', locationIds: org.locations[0], reportEveryMonths: '12', reportLanguage: 'nl' }).expect(303);
    expect(await stored()).toMatchObject({ report_every_months: 12, report_language: 'nl' });
    await postFormAs(ctx.app, org.users.manager, `/organisation/municipalities/${org.municipalityId}`, { name: 'Gemeente Test', locationIds: org.locations[0], reportEveryMonths: '', reportLanguage: 'en' }).expect(303);
    expect(await stored()).toMatchObject({ report_every_months: null, report_language: 'en' });
  });

  it.each([
    ['every 7 months', { reportEveryMonths: '7', reportLanguage: 'nl' }, 'reportEveryMonths'],
    ['every "x" months', { reportEveryMonths: 'x', reportLanguage: 'nl' }, 'reportEveryMonths'],
    ['a language the reports are not in', { reportEveryMonths: '6', reportLanguage: 'fr' }, 'reportLanguage'],
  ])('refuses %s with 400 at the field and changes nothing', async (_what, fields, field) => {
    const before = await stored();
    const res = await postFormAs(ctx.app, org.users.manager, `/organisation/municipalities/${org.municipalityId}`, { name: 'Gemeente Anders', locationIds: org.locations[0], ...fields });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, field)).toMatch(/.+/);
    expect(await stored()).toEqual(before);
  });
});

// ——— The `report` command ———

describe('leefklimaat report', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leefklimaat-report-cli-'));
  const env = { DATABASE_URL: path.join(dir, 'lk.sqlite'), SECRET_FILE: path.join(dir, 'lk.key'), DEFAULT_LANGUAGE: 'nl' };
  const withDb = async <T>(work: (db: Database) => Promise<T>): Promise<T> => {
    const db = openDatabase({ kind: 'sqlite', file: env.DATABASE_URL });
    try {
      return await work(db);
    } finally {
      await db.destroy();
    }
  };
  const reports = () => withDb((db) => db.selectFrom('report').selectAll().execute());
  let rivierstad: string;

  beforeAll(async () => {
    // Migrated and the demo loaded, at the test clock's date (so the rounds are the same on any day).
    await withDb(async (db) => {
      await migrateToLatest(db);
      const loaded = loadQuestionnaires(paths.surveys, 'nl');
      if (!loaded.ok) throw new Error('shipped questionnaires do not load');
      const clock = fixedClock(NOW);
      await registerQuestionnaires(db, loaded.questionnaires, clock, 'nl');
      await loadDemo(db, new QuestionnaireCatalog(loaded.questionnaires), clock);
      rivierstad = (await db.selectFrom('municipality').select('id').where('name', '=', 'Gemeente Rivierstad').executeTakeFirstOrThrow()).id;
    });
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes a municipality’s period report, writes the PDF and archives it as made by the command line', async () => {
    const out = path.join(dir, 'rivierstad.pdf');
    const run = await runCli(['report', '--period', '2025-01-01..2026-12-31', '--municipality', 'Gemeente Rivierstad', '--out', out], env);
    expect(run.stderr).not.toMatch(/Error|\n\s+at /);
    expect(run.code).toBe(0);
    const pdf = fs.readFileSync(out);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const info = execFileSync('pdfinfo', [out], { encoding: 'utf8' });
    expect(Number(/^Pages:\s+(\d+)$/m.exec(info)![1])).toBeGreaterThan(5);
    const rows = await reports();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'period', generated_by: 'cli', municipality_id: rivierstad, audience: 'municipality', period_from: '2025-01-01', period_to: '2026-12-31', language: 'nl', automatic_key: null });
    expect(rows[0]!.sha256).toBe(sha256(pdf));
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  }, 120_000);

  it.each([
    ['a period that ends before it begins', ['--period', '2026-12-31..2026-01-01']],
    ['a period that is no period', ['--period', 'nonsense']],
    ['a day that does not exist', ['--period', '2026-02-30..2026-12-31']],
  ])('refuses %s with a clear message, and archives nothing', async (_what, args) => {
    const before = (await reports()).length;
    const out = path.join(dir, `refused-${randomId()}.pdf`);
    const run = await runCli(['report', ...args, '--out', out], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('geef de periode als JJJJ-MM-DD..JJJJ-MM-DD');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
    expect((await reports()).length).toBe(before);
  }, 60_000);

  it('refuses an unknown municipality, listing the ones there are, and archives nothing', async () => {
    const before = (await reports()).length;
    const out = path.join(dir, 'nowhere.pdf');
    const run = await runCli(['report', '--period', '2026-01-01..2026-12-31', '--municipality', 'Nowhere', '--out', out], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('--municipality Nowhere');
    expect(run.stderr).toContain('onbekende gemeente');
    expect(run.stderr).toContain('Gemeente Rivierstad');
    expect(run.stderr).toContain('Gemeente Polderland');
    expect(run.stderr).toContain(rivierstad);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
    expect((await reports()).length).toBe(before);
  }, 60_000);

  it('refuses a file it cannot write, before making anything', async () => {
    const before = (await reports()).length;
    const run = await runCli(['report', '--period', '2026-01-01..2026-12-31', '--municipality', 'Gemeente Rivierstad', '--out', '/nonexistent-dir/x.pdf'], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('/nonexistent-dir/x.pdf');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync('/nonexistent-dir/x.pdf')).toBe(false);
    expect((await reports()).length).toBe(before);
  }, 60_000);
});
