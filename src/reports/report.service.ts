import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CurrentUser } from '../auth/current-user';
import type { Language } from '../config';
import type { DB } from '../db/schema';
import { NotFoundError } from '../errors';
import { t } from '../i18n/messages';
import { groupTrendCsv } from '../results/results.csv';
import { groupRoundDetail, isDetail, type ResultsContext } from '../results/results.service';
import { groupPageView } from '../results/results.view';
import { randomId, type Clock } from '../system';
import type { PdfRenderer } from './pdf-renderer';
import type { ReportTemplates } from './report.templates';

/**
 * Reports (SPEC §6): the figures come from the results service only — the same service, the same
 * k rules, the same formatting as the pages — and each report goes into the archive with its JSON
 * and CSV companions and the PDF's SHA-256. Open answers are never in a report.
 */
export interface ReportDeps {
  readonly results: ResultsContext;
  readonly renderer: PdfRenderer;
  readonly templates: ReportTemplates;
  readonly clock: Clock;
}

export interface RenderedReport {
  readonly title: string;
  readonly pdf: Buffer;
  readonly json: string;
  readonly csv: string;
}

/** A group's report for one closed round, against its earlier rounds: for the team's discussion. */
export async function renderGroupReport(deps: ReportDeps, user: CurrentUser, groupId: string, roundId: string, lang: Language, institutionName: string): Promise<RenderedReport> {
  const detail = await groupRoundDetail(deps.results, user, groupId, roundId);
  if (!isDetail(detail)) throw new NotFoundError();
  const { openAnswers: _internal, ...aggregates } = detail;
  const title = t(lang, 'rep.group-title', { group: detail.group.name, period: detail.round.period });
  const now = deps.clock.now();
  const html = deps.templates.render('group-report', {
    lang,
    title,
    footer: `${institutionName} · ${title}`,
    generatedOn: now.toISOString().slice(0, 10),
    view: groupPageView(detail, lang),
  });
  const pdf = await deps.renderer.render(html, {
    title,
    author: institutionName,
    subject: t(lang, 'rep.group-subject'),
    keywords: ['leefklimaat', detail.group.name, detail.round.period],
    language: lang,
    createdAt: now,
  });
  return { title, pdf, json: JSON.stringify(aggregates, null, 2), csv: groupTrendCsv(detail, lang) };
}

/** Keeps a generated report for good: never updated, only read back. Returns its id. */
export async function archiveReport(
  db: Kysely<DB>,
  clock: Clock,
  report: RenderedReport,
  about: { institutionId: string; kind: 'group' | 'period'; periodFrom: string; periodTo: string; audience: string; groupId?: string; municipalityId?: string; language: Language; generatedBy: string },
): Promise<string> {
  const id = randomId();
  await db
    .insertInto('report')
    .values({
      id,
      institution_id: about.institutionId,
      kind: about.kind,
      period_from: about.periodFrom,
      period_to: about.periodTo,
      audience: about.audience,
      municipality_id: about.municipalityId ?? null,
      group_id: about.groupId ?? null,
      language: about.language,
      generated_by: about.generatedBy,
      generated_at: clock.now().toISOString(),
      sha256: createHash('sha256').update(report.pdf).digest('hex'),
      pdf_base64: report.pdf.toString('base64'),
      json: report.json,
      csv: report.csv,
    })
    .execute();
  return id;
}
