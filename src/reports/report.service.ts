import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CurrentUser, Viewer } from '../auth/current-user';
import { Forbidden } from '../auth/auth.middleware';
import { ownGroupIds } from '../auth/user.service';
import { audit } from '../audit/audit.service';
import type { Language } from '../config';
import type { DB } from '../db/schema';
import { NotFoundError } from '../errors';
import { t } from '../i18n/messages';
import { findInstitution } from '../organisation/organisation.repository';
import { institutionOf } from '../organisation/organisation.service';
import { findRound } from '../rounds/round.repository';
import { periodResults, type PeriodQuery } from '../results/period.service';
import { groupTrendCsv, periodCsv } from '../results/results.csv';
import { groupRoundDetail, isDetail, type ResultsContext } from '../results/results.service';
import { groupPageView } from '../results/results.view';
import { localDay, randomId, type Clock } from '../system';
import type { PdfRenderer } from './pdf-renderer';
import { periodReportTitle, periodReportView } from './period-report.view';
import * as repo from './report.repository';
import type { ReportTemplates } from './report.templates';

/**
 * Reports (SPEC §6): the figures come from the results service only — the same service, the same
 * k rules, the same formatting as the pages — and each report goes into the archive with its JSON
 * and CSV companions and the PDF's SHA-256, in one insert after the PDF is complete: a report
 * that fails leaves nothing behind. Open answers are never in a report.
 */
export interface ReportDeps {
  readonly results: ResultsContext;
  readonly renderer: PdfRenderer;
  readonly templates: ReportTemplates;
  readonly clock: Clock;
  /** The institution's clock: the date printed on a report. */
  readonly timeZone: string;
}

export interface RenderedReport {
  readonly title: string;
  readonly pdf: Buffer;
  readonly json: string;
  readonly csv: string;
}

/** Progress of a long report, for the command line: steps done of steps. */
export type Progress = (done: number, total: number) => void;

async function institutionName(db: Kysely<DB>, institutionId: string): Promise<string> {
  const row = await findInstitution(db, institutionId);
  if (!row) throw new NotFoundError();
  return row.name;
}

/** A group's report for one closed round, against its earlier rounds: for the team's discussion. */
export async function renderGroupReport(deps: ReportDeps, viewer: Viewer, groupId: string, roundId: string, lang: Language): Promise<RenderedReport & { period: string; closesOn: string; opensOn: string }> {
  const detail = await groupRoundDetail(deps.results, viewer, groupId, roundId);
  if (!isDetail(detail)) throw new NotFoundError();
  const { openAnswers: _internal, ...aggregates } = detail;
  const institution = await institutionName(deps.results.db, institutionOf(viewer));
  const title = t(lang, 'rep.group-title', { group: detail.group.name, period: detail.round.period });
  const now = deps.clock.now();
  const html = deps.templates.render('group-report', {
    lang,
    title,
    footer: `${institution} · ${title}`,
    generatedOn: localDay(now, deps.timeZone),
    view: groupPageView(detail, lang),
  });
  const pdf = await deps.renderer.render(html, {
    title,
    author: institution,
    subject: t(lang, 'rep.group-subject'),
    keywords: ['leefklimaat', detail.group.name, detail.round.period],
    language: lang,
    createdAt: now,
  });
  const round = await findRound(deps.results.db, institutionOf(viewer), roundId);
  if (!round) throw new NotFoundError();
  return { title, pdf, json: JSON.stringify(aggregates, null, 2), csv: groupTrendCsv(detail, lang), period: detail.round.period, opensOn: round.opens_on, closesOn: round.closes_on };
}

/** A period report: for a municipality (its contract's locations) or the whole institution. */
export async function renderPeriodReport(deps: ReportDeps, viewer: Viewer, query: PeriodQuery, lang: Language, progress?: Progress): Promise<RenderedReport> {
  progress?.(0, 3);
  const result = await periodResults(deps.results, viewer, query);
  progress?.(1, 3);
  const title = periodReportTitle(lang, result);
  const now = deps.clock.now();
  const html = deps.templates.render('period-report', {
    lang,
    title,
    footer: title,
    generatedOn: localDay(now, deps.timeZone),
    view: periodReportView(result, lang),
  });
  progress?.(2, 3);
  const pdf = await deps.renderer.render(html, {
    title,
    author: result.institution.name,
    subject: t(lang, 'rep.period-subject'),
    keywords: ['leefklimaat', result.institution.name, ...(result.municipality ? [result.municipality.name] : []), `${query.from}..${query.to}`],
    language: lang,
    createdAt: now,
  });
  progress?.(3, 3);
  return { title, pdf, json: JSON.stringify(result, null, 2), csv: periodCsv(result, lang) };
}

export interface GenerateOptions {
  readonly lang: Language;
  /** Who is recorded: a staff member's id, `system` (the scheduler) or `cli`. */
  readonly generatedBy: string;
  /** Set for what the server makes by itself: the same key is never made twice. */
  readonly automaticKey?: string;
}

/** Renders a group report and archives it; returns the archive id (undefined: made already). */
export async function generateGroupReport(deps: ReportDeps, viewer: Viewer, groupId: string, roundId: string, options: GenerateOptions): Promise<string | undefined> {
  const report = await renderGroupReport(deps, viewer, groupId, roundId, options.lang);
  return archiveReport(deps.results.db, deps.clock, report, {
    institutionId: institutionOf(viewer),
    kind: 'group',
    periodFrom: report.opensOn,
    periodTo: report.closesOn,
    audience: 'team',
    groupId,
    roundId,
    ...options,
  });
}

/** Renders a period report and archives it; returns the archive id and the report. */
export async function generatePeriodReport(deps: ReportDeps, viewer: Viewer, query: PeriodQuery, options: GenerateOptions, progress?: Progress) {
  const report = await renderPeriodReport(deps, viewer, query, options.lang, progress);
  const id = await archiveReport(deps.results.db, deps.clock, report, {
    institutionId: institutionOf(viewer),
    kind: 'period',
    periodFrom: query.from,
    periodTo: query.to,
    audience: query.municipalityId ? 'municipality' : 'institution',
    ...(query.municipalityId ? { municipalityId: query.municipalityId } : {}),
    ...options,
  });
  return { id, report };
}

/**
 * Keeps a generated report for good: one insert of the finished PDF and companions (never updated,
 * never deleted — the database refuses both). Returns its id, or undefined when an automatic
 * report with the same key exists already.
 */
export async function archiveReport(
  db: Kysely<DB>,
  clock: Clock,
  report: RenderedReport,
  about: {
    institutionId: string;
    kind: 'group' | 'period';
    periodFrom: string;
    periodTo: string;
    audience: 'team' | 'municipality' | 'institution';
    groupId?: string;
    roundId?: string;
    municipalityId?: string;
    lang: Language;
    generatedBy: string;
    automaticKey?: string;
  },
): Promise<string | undefined> {
  const id = randomId();
  const inserted = await repo.insertReport(db, {
    id,
    institution_id: about.institutionId,
    kind: about.kind,
    title: report.title,
    period_from: about.periodFrom,
    period_to: about.periodTo,
    audience: about.audience,
    municipality_id: about.municipalityId ?? null,
    group_id: about.groupId ?? null,
    round_id: about.roundId ?? null,
    language: about.lang,
    generated_by: about.generatedBy,
    generated_at: clock.now().toISOString(),
    sha256: createHash('sha256').update(report.pdf).digest('hex'),
    pdf_base64: report.pdf.toString('base64'),
    json: report.json,
    csv: report.csv,
    automatic_key: about.automaticKey ?? null,
  });
  return inserted ? id : undefined;
}

// ——— The archive ———

/**
 * Which archived reports a staff member may see: managers and administrators all of their
 * institution's; a group leader the group reports of their own groups; a municipality viewer
 * only the reports addressed to their municipality.
 */
async function archiveScope(db: Kysely<DB>, user: CurrentUser): Promise<repo.ArchiveScope> {
  if (user.role === 'municipality_viewer') {
    if (!user.municipalityId) throw new Forbidden();
    return { institutionId: institutionOf(user), municipalityId: user.municipalityId };
  }
  if (user.role === 'group_leader') return { institutionId: institutionOf(user), groupIds: await ownGroupIds(db, user.id) };
  return { institutionId: institutionOf(user) };
}

export async function listReports(db: Kysely<DB>, user: CurrentUser) {
  return repo.listReports(db, await archiveScope(db, user));
}

export type ReportFormat = 'pdf' | 'json' | 'csv';

/** One archived file, exactly as it was made; each download is in the audit log. */
export async function downloadReport(db: Kysely<DB>, clock: Clock, user: CurrentUser, id: string, format: ReportFormat, options: { onlyHeaders?: boolean } = {}) {
  const report = await repo.findReport(db, await archiveScope(db, user), id);
  if (!report) throw new NotFoundError();
  // A HEAD request sends no report: nothing was downloaded.
  if (!options.onlyHeaders) await audit(db, clock, { actorId: user.id, action: 'report-downloaded', subject: id, details: { format, kind: report.kind } });
  const body = format === 'pdf' ? Buffer.from(report.pdf_base64, 'base64') : format === 'json' ? report.json : report.csv;
  return { report, body };
}
