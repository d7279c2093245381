import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { audit } from '../audit/audit.service';
import { requireRole, STAFF_ROLES } from '../auth/auth.middleware';
import type { Config } from '../config';
import type { DB } from '../db/schema';
import { NotFoundError } from '../errors';
import { formProblems, formValues, parseForm, sendPage } from '../http/page';
import { translate } from '../i18n/messages';
import type { Logger } from '../logger';
import { institutionOf } from '../organisation/organisation.service';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import { listOpenTalkRequests } from '../survey/survey.repository';
import { addAction, changeAction, roundOfAction } from '../improvement-actions/improvement-action.service';
import { isoDay, type Clock } from '../system';
import type { PageRenderer } from '../views/render';
import { groupTrendCsv, overviewCsv } from './results.csv';
import { groupRoundDetail, groupTrend, isDetail, overview, resultGroups, type OverviewFilter, type ResultsContext, type SortKey } from './results.service';
import { groupPageView, overviewView } from './results.view';

interface Deps {
  readonly db: Kysely<DB>;
  readonly views: PageRenderer;
  readonly clock: Clock;
  readonly config: Config;
  readonly questionnaires: QuestionnaireCatalog;
  readonly logger: Logger;
}

const MANAGERS = ['administrator', 'manager'] as const;

const id = z.string().min(1).max(64);
/** An empty choice ("all locations") is no filter at all. */
const optionalId = z.preprocess((value) => (value === '' ? undefined : value), id.optional());
const overviewQuery = z.object({
  round: optionalId,
  location: optionalId,
  questionnaire: optionalId,
  sort: z.union([z.enum(['location', 'group', 'responses']), z.string().regex(/^scale:[a-z][a-z0-9_-]{0,63}$/)]).optional(),
  dir: z.enum(['asc', 'desc']).optional(),
});
const groupQuery = z.object({ round: optionalId });
const actionForm = z.object({ roundId: id, text: z.string().trim().min(1).max(2000) });
const actionEditForm = z.object({ text: z.string().trim().min(1).max(2000) });

/**
 * Results for staff (SPEC §6): the group page, the managers' overview, and the same figures as
 * JSON and CSV. Every figure comes from the results service, which applies k; these routes only
 * choose the format. Open answers are on the page only — never in an export.
 */
export function resultsRoutes(deps: Deps): Router {
  const router = Router();
  const ctx: ResultsContext = { db: deps.db, questionnaires: deps.questionnaires, k: deps.config.anonymityK, logger: deps.logger };

  const query = <T extends z.ZodType>(schema: T, req: Request, res: Response): z.output<T> => {
    const parsed = parseForm(schema, req.query, res.locals.lang);
    if (!parsed.ok) throw formProblems(parsed.errors, 'res.bad-address');
    return parsed.data;
  };
  const filterOf = (q: z.output<typeof overviewQuery>): OverviewFilter => ({
    roundId: q.round,
    locationId: q.location,
    questionnaireId: q.questionnaire,
    sort: q.sort as SortKey | undefined,
    descending: q.dir === 'desc',
  });

  router.get('/results', requireRole(...STAFF_ROLES), async (req, res) => {
    const user = res.locals.user!;
    if (user.role === 'group_leader') return sendPage(res, deps.views, 'results-groups', { title: 'res.title', groups: await resultGroups(ctx, user) });
    const q = query(overviewQuery, req, res);
    const result = await overview(ctx, user, filterOf(q));
    const lang = res.locals.lang;
    const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const sortLink = (key: string) => {
      const next = new URLSearchParams(params);
      next.set('sort', key);
      next.set('dir', q.sort === key && q.dir !== 'desc' ? 'desc' : 'asc');
      return `/results?${next.toString()}`;
    };
    const ariaSort = (key: string) => (q.sort === key || (key === 'location' && !q.sort) ? (q.dir === 'desc' ? 'descending' : 'ascending') : undefined);
    sendPage(res, deps.views, 'results-overview', {
      title: 'res.title',
      wide: true,
      result,
      view: overviewView(result, lang),
      query: q,
      exportQuery: params.toString(),
      sortLinks: { location: sortLink('location'), group: sortLink('group'), responses: sortLink('responses') },
      ariaSort: { location: ariaSort('location'), group: ariaSort('group'), responses: ariaSort('responses') },
      scaleSortLinks: Object.fromEntries(
        result.sections.flatMap((s) => s.instrument.scales).map((scale) => [scale.id, { href: sortLink(`scale:${scale.id}`), aria: ariaSort(`scale:${scale.id}`) }]),
      ),
    });
  });

  router.get('/results/overview.csv', requireRole(...MANAGERS), async (req, res) => {
    const result = await overview(ctx, res.locals.user!, filterOf(query(overviewQuery, req, res)));
    await audit(deps.db, deps.clock, { actorId: res.locals.user!.id, action: 'export', subject: `results ${result.round?.period ?? ''}`.trim() });
    sendCsv(res, `leefklimaat-${result.round?.period ?? 'overzicht'}.csv`, overviewCsv(result, res.locals.lang));
  });

  router.get('/api/results/overview', requireRole(...MANAGERS), async (req, res) => {
    res.json(await overview(ctx, res.locals.user!, filterOf(query(overviewQuery, req, res))));
  });

  /** `roundId` '' means the latest round; undefined, the round in the address. */
  const showGroup = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200, roundId?: string) => {
    const user = res.locals.user!;
    const groupId = String(req.params['id']);
    const result = await groupRoundDetail(ctx, user, groupId, roundId === undefined ? query(groupQuery, req, res).round : roundId || undefined);
    // The service has checked that this member may see the group; its requests go with it.
    const talkRequests = await listOpenTalkRequests(deps.db, institutionOf(user), isoDay(deps.clock.now()), [groupId]);
    sendPage(res, deps.views, 'group-results', { title: 'res.group-title', view: groupPageView(result, res.locals.lang), talkRequests, ...extra }, status);
  };

  router.get('/groups/:id/results', requireRole(...STAFF_ROLES), async (req, res) => showGroup(req, res, { saved: req.query['saved'] !== undefined }));

  router.get('/groups/:id/results.csv', requireRole(...STAFF_ROLES), async (req, res) => {
    const trend = await groupTrend(ctx, res.locals.user!, String(req.params['id']), query(groupQuery, req, res).round);
    await audit(deps.db, deps.clock, { actorId: res.locals.user!.id, action: 'export', subject: `results ${trend.group.name}` });
    sendCsv(res, `leefklimaat-${slug(trend.group.name)}.csv`, groupTrendCsv(trend, res.locals.lang));
  });

  router.get('/api/results/groups/:id', requireRole(...STAFF_ROLES), async (req, res) => {
    const result = await groupRoundDetail(ctx, res.locals.user!, String(req.params['id']), query(groupQuery, req, res).round);
    // Open answers are not an aggregate: they stay on the page, inside the institution.
    if (isDetail(result)) {
      const { openAnswers: _internal, ...aggregates } = result;
      return res.json(aggregates);
    }
    res.json(result);
  });

  /** The round an action belongs to must be a closed round of this group, as the service sees it. */
  const roundOfGroup = async (res: Response, groupId: string, roundId: string) => {
    const trend = await groupTrend(ctx, res.locals.user!, groupId);
    const choice = trend.roundChoices.find((r) => r.roundId === roundId);
    return { trend, round: choice && { roundId: choice.roundId, period: choice.period } };
  };

  router.post('/groups/:id/actions', requireRole(...STAFF_ROLES), async (req, res) => {
    const groupId = String(req.params['id']);
    const form = parseForm(actionForm, req.body, res.locals.lang);
    const sent = formValues(req.body);
    const asked = await roundOfGroup(res, groupId, form.ok ? form.data.roundId : typeof sent['roundId'] === 'string' ? sent['roundId'] : '');
    if (!form.ok || !asked.round) {
      // The form again, for the round it was sent for when that is one of the group's (else the latest).
      const errors = form.ok ? { roundId: translate(res.locals.lang, 'res.action-round-unknown') } : form.errors;
      return showGroup(req, res, { actionErrors: errors, actionText: sent['text'] }, 400, asked.round?.roundId ?? '');
    }
    const { trend, round } = asked;
    await addAction(deps.db, deps.clock, res.locals.user!, { groupId, groupName: trend.group.name, ...round }, form.data.text);
    res.redirect(303, `/groups/${encodeURIComponent(groupId)}/results?round=${encodeURIComponent(round.roundId)}&saved#actions`);
  });

  router.post('/groups/:id/actions/:actionId', requireRole(...STAFF_ROLES), async (req, res) => {
    const groupId = String(req.params['id']);
    const actionId = String(req.params['actionId']);
    const trend = await groupTrend(ctx, res.locals.user!, groupId);
    const actionRound = await roundOfAction(deps.db, groupId, actionId);
    const round = trend.roundChoices.find((r) => r.roundId === actionRound);
    if (!round) throw new NotFoundError();
    const form = parseForm(actionEditForm, req.body, res.locals.lang);
    if (!form.ok) return showGroup(req, res, { editErrors: { [actionId]: form.errors['text'] } }, 400, round.roundId);
    await changeAction(deps.db, deps.clock, res.locals.user!, { groupId, groupName: trend.group.name, roundId: round.roundId, period: round.period }, actionId, form.data.text);
    res.redirect(303, `/groups/${encodeURIComponent(groupId)}/results?round=${encodeURIComponent(round.roundId)}&saved#actions`);
  });

  return router;
}

function sendCsv(res: Response, filename: string, body: string): void {
  res.type('text/csv; charset=utf-8').attachment(filename).send(body);
}

function slug(name: string): string {
  return name.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'groep';
}
