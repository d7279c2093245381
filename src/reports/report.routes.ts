import { Router, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/auth.middleware';
import { roles as ALL_ROLES } from '../auth/user.schema';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { NotFoundError, UnavailableError } from '../errors';
import { translate } from '../i18n/messages';
import { formProblems, formValues, parseForm, sendPage } from '../http/page';
import type { Logger } from '../logger';
import { listMunicipalities } from '../organisation/organisation.repository';
import { institutionOf } from '../organisation/organisation.service';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import { isoDay, localDateTime, type Clock } from '../system';
import type { PageRenderer } from '../views/render';
import { ReportRenderError, type PdfRenderer } from './pdf-renderer';
import { downloadReport, generatePeriodReport, listReports, type ReportDeps, type ReportFormat } from './report.service';
import type { ReportTemplates } from './report.templates';

interface Deps {
  readonly db: Database;
  readonly views: PageRenderer;
  readonly clock: Clock;
  readonly config: Config;
  readonly questionnaires: QuestionnaireCatalog;
  readonly logger: Logger;
  readonly renderer: PdfRenderer;
  readonly reportTemplates: ReportTemplates;
}

const MANAGERS = ['administrator', 'manager'] as const;

const isoDate = z.iso.date('v.use-a-date-like-2026-10');

/** A period report asked for on the staff page. */
export const periodReportForm = z
  .object({
    from: isoDate,
    to: isoDate,
    municipalityId: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).max(64).optional()),
    language: z.enum(['nl', 'en']),
  })
  .refine((f) => f.from <= f.to, { path: ['to'], message: 'rep.period-order' });

const FORMATS: Record<ReportFormat, { type: string; ext: string }> = {
  pdf: { type: 'application/pdf', ext: 'pdf' },
  json: { type: 'application/json; charset=utf-8', ext: 'json' },
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
};

/**
 * The report archive (SPEC §6): every staff member sees the reports meant for them (a
 * municipality viewer only their municipality's) and downloads them again, each download in the
 * audit log; managers make period reports on demand.
 */
export function reportRoutes(deps: Deps): Router {
  const router = Router();
  const reports: ReportDeps = {
    results: { db: deps.db, questionnaires: deps.questionnaires, k: deps.config.anonymityK, logger: deps.logger },
    renderer: deps.renderer,
    templates: deps.reportTemplates,
    clock: deps.clock,
    timeZone: deps.config.timeZone,
  };

  const showArchive = async (res: Response, values: Record<string, unknown>, errors: Record<string, string>, status = 200, made?: string) => {
    const user = res.locals.user!;
    const manager = user.role === 'administrator' || user.role === 'manager';
    const rows = await listReports(deps.db, user);
    const list = rows.map((r) => ({
      ...r,
      kind: r.kind === 'group' ? 'rep.kind-group' : 'rep.kind-period',
      generatedOn: localDateTime(r.generated_at, deps.config.timeZone),
      by: r.generated_by === 'system' ? 'rep.by-system' : r.generated_by === 'cli' ? 'rep.by-cli' : undefined,
      byName: r.generatedByName ?? undefined,
      audience: r.municipalityName ?? (r.audience === 'team' ? 'rep.audience-team' : 'rep.audience-institution'),
      audienceIsKey: !r.municipalityName,
      shortHash: r.sha256.slice(0, 16),
      made: r.id === made,
    }));
    const municipalities = manager ? await listMunicipalities(deps.db, institutionOf(user)) : [];
    const year = isoDay(deps.clock.now()).slice(0, 4);
    sendPage(
      res,
      deps.views,
      'reports',
      {
        title: 'rep.archive',
        reports: list,
        manager,
        municipalityViewer: user.role === 'municipality_viewer',
        municipalities: municipalities.map((m) => ({ id: m.id, name: m.name, selected: m.id === values['municipalityId'] })),
        values: { from: `${year}-01-01`, to: `${year}-12-31`, language: res.locals.lang, ...values },
        ...(Object.keys(errors).length > 0 ? { errors } : {}),
        made: made !== undefined,
      },
      status,
    );
  };

  router.get('/reports', requireRole(...ALL_ROLES), async (req, res) => {
    const made = typeof req.query['made'] === 'string' ? req.query['made'] : undefined;
    await showArchive(res, {}, {}, 200, made);
  });

  router.post('/reports/period', requireRole(...MANAGERS), async (req, res) => {
    const form = parseForm(periodReportForm, req.body, res.locals.lang);
    const values = formValues(req.body);
    if (!form.ok) return showArchive(res, values, form.errors, 400);
    const { from, to, municipalityId, language } = form.data;
    try {
      const { id } = await generatePeriodReport(reports, res.locals.user!, { from, to, ...(municipalityId ? { municipalityId } : {}) }, { lang: language, generatedBy: res.locals.user!.id });
      res.redirect(303, `/reports?made=${encodeURIComponent(id ?? '')}`);
    } catch (error) {
      if (error instanceof NotFoundError && municipalityId) return showArchive(res, values, { municipalityId: translate(res.locals.lang, 'v.unknown-municipality') }, 400);
      if (!(error instanceof ReportRenderError)) throw error;
      deps.logger.error('period report failed', { error });
      throw new UnavailableError({ message: 'rep.render-failed' });
    }
  });

  router.get('/reports/:id/:format', requireRole(...ALL_ROLES), async (req, res) => {
    const format = z.enum(['pdf', 'json', 'csv']).safeParse(req.params['format']);
    if (!format.success) throw formProblems({ format: 'pdf, json, csv' }, 'res.bad-address');
    const { report, body } = await downloadReport(deps.db, deps.clock, res.locals.user!, String(req.params['id']), format.data, { onlyHeaders: req.method === 'HEAD' });
    const { type, ext } = FORMATS[format.data];
    const name = `leefklimaat-${report.kind}-${report.period_from}-${report.period_to}-${report.id.slice(0, 8)}.${ext}`.replace(/[^A-Za-z0-9._-]/g, '_');
    res.set('Content-Disposition', `attachment; filename="${name}"`);
    res.type(type).send(body);
  });

  return router;
}
