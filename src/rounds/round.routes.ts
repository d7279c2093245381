import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { generateSheet, listSheets, voidCodeSheet } from '../access-codes/access-code.service';
import { requireRole, Forbidden } from '../auth/auth.middleware';
import { ownGroupIds } from '../auth/user.service';
import type { Config } from '../config';
import type { DB } from '../db/schema';
import { AppError, NotFoundError } from '../errors';
import { formValues, parseForm, sendPage } from '../http/page';
import { translate } from '../i18n/messages';
import type { Logger } from '../logger';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import type { ReportScheduler } from '../reports/report.scheduler';
import { summarizeClosedRounds } from '../results/round-summary';
import type { Clock } from '../system';
import type { PageRenderer } from '../views/render';
import { codeSheetForm, newRoundForm, roundDatesForm } from './round.schema';
import { changeRoundDates, closeRoundNow, createRound, listRoundViews, openRoundNow } from './round.service';

interface Deps {
  readonly config: Pick<Config, 'publicUrl' | 'publicUrlSet'>;
  readonly db: Kysely<DB>;
  readonly views: PageRenderer;
  readonly clock: Clock;
  readonly questionnaires: QuestionnaireCatalog;
  readonly secret: Buffer;
  readonly logger?: Logger;
  readonly reportScheduler?: Pick<ReportScheduler, 'kick'>;
}

const MANAGERS = ['administrator', 'manager'] as const;

export function roundRoutes(deps: Deps): Router {
  const router = Router();

  const showRounds = async (res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const rounds = await listRoundViews(deps.db, res.locals.user!);
    sendPage(res, deps.views, 'rounds', { title: 'nav.rounds', rounds, ...extra }, status);
  };

  /** A typed 400/409 shows the rounds page again with the message; anything else is an error. */
  const orShowRounds = async (res: Response, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 409)) throw error;
      await showRounds(res, { problem: translate(res.locals.lang, error.details[0]?.message ?? error.message) }, error.status);
    }
  };

  router.get('/rounds', requireRole(...MANAGERS), async (req, res) => showRounds(res, { saved: req.query['saved'] !== undefined }));

  router.post('/rounds', requireRole(...MANAGERS), async (req, res) => {
    const form = parseForm(newRoundForm, req.body, res.locals.lang);
    if (!form.ok) return showRounds(res, { newErrors: form.errors, newValues: formValues(req.body) }, 400);
    await orShowRounds(res, async () => {
      await createRound(deps.db, res.locals.user!, form.data);
      res.redirect(303, '/rounds?saved');
    });
  });

  router.post('/rounds/:id/dates', requireRole(...MANAGERS), async (req, res) => {
    const form = parseForm(roundDatesForm, req.body, res.locals.lang);
    if (!form.ok) return showRounds(res, { problem: Object.values(form.errors)[0] }, 400);
    await orShowRounds(res, async () => {
      await changeRoundDates(deps.db, res.locals.user!, String(req.params['id']), form.data.opensOn, form.data.closesOn);
      res.redirect(303, '/rounds?saved');
    });
  });

  router.post('/rounds/:id/open', requireRole(...MANAGERS), async (req, res) => {
    await orShowRounds(res, async () => {
      await openRoundNow(deps.db, deps.questionnaires, deps.clock, res.locals.user!, String(req.params['id']));
      res.redirect(303, '/rounds?saved');
    });
  });

  router.post('/rounds/:id/close', requireRole(...MANAGERS), async (req, res) => {
    await orShowRounds(res, async () => {
      await closeRoundNow(deps.db, deps.clock, res.locals.user!, String(req.params['id']));
      // Summarised now, while the manager waits for this page, rather than on the first results view.
      await summarizeClosedRounds(deps.db, deps.questionnaires, deps.logger);
      // The groups' reports are made in the background: the page does not wait for Chromium.
      deps.reportScheduler?.kick();
      res.redirect(303, '/rounds?saved');
    });
  });

  // Code sheets: managers for every group, group leaders for their own.
  const codeGroups = async (res: Response, roundId: string) => {
    const user = res.locals.user!;
    const own = user.role === 'group_leader' ? new Set(await ownGroupIds(deps.db, user.id)) : undefined;
    const round = (await listRoundViews(deps.db, user, own)).find((r) => r.id === roundId);
    return { round, own };
  };

  /**
   * The address printed on a code sheet: PUBLIC_URL when it is set; otherwise the address this
   * staff member reached the server at (the default, localhost, is no use on paper).
   */
  const surveyBase = (req: Request) => (deps.config.publicUrlSet ? deps.config.publicUrl : `${req.protocol}://${req.get('host')}`);

  const showCodes = async (res: Response, roundId: string, extra: Record<string, unknown> = {}, status = 200) => {
    const { round } = await codeGroups(res, roundId);
    if (!round) throw new Forbidden();
    const visible = new Set(round.groups.map((g) => g.groupId));
    const sheets = (await listSheets(deps.db, res.locals.user!, roundId)).filter((s) => visible.has(s.groupId));
    const groups = round.groups.map((g) => ({ ...g, sheets: sheets.filter((s) => s.groupId === g.groupId) }));
    sendPage(res, deps.views, 'codes', { title: 'codes.title', round, groups, ...extra }, status);
  };

  router.get('/rounds/:id/codes', requireRole(...MANAGERS, 'group_leader'), async (req, res) => showCodes(res, String(req.params['id']), { voided: req.query['voided'] !== undefined }));

  router.post('/rounds/:id/codes', requireRole(...MANAGERS, 'group_leader'), async (req, res) => {
    const form = parseForm(codeSheetForm, req.body, res.locals.lang);
    if (!form.ok) return showCodes(res, String(req.params['id']), { errors: form.errors }, 400);
    const { own } = await codeGroups(res, String(req.params['id']));
    if (own && !own.has(form.data.groupId)) throw new Forbidden();
    try {
      const sheet = await generateSheet(deps.db, deps.clock, deps.secret, res.locals.user!, String(req.params['id']), form.data.groupId, form.data.spares);
      sendPage(res, deps.views, 'code-sheet', { title: 'codes.sheet-title', sheet, surveyUrl: `${surveyBase(res.req)}/code` });
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400) throw error;
      await showCodes(res, String(req.params['id']), { problem: translate(res.locals.lang, error.details[0]?.message ?? error.message) }, 400);
    }
  });

  router.post('/rounds/:id/codes/:sheetId/void', requireRole(...MANAGERS, 'group_leader'), async (req, res) => {
    const { round } = await codeGroups(res, String(req.params['id']));
    if (!round) throw new NotFoundError();
    const sheet = (await listSheets(deps.db, res.locals.user!, round.id)).find((s) => s.sheetId === String(req.params['sheetId']));
    if (!sheet) throw new NotFoundError();
    if (!round.groups.some((g) => g.groupId === sheet.groupId)) throw new Forbidden();
    await voidCodeSheet(deps.db, deps.clock, res.locals.user!, String(req.params['id']), String(req.params['sheetId']));
    res.redirect(303, `/rounds/${String(req.params['id'])}/codes?voided`);
  });

  return router;
}
