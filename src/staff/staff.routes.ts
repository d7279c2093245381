import { Router } from 'express';
import type { Kysely } from 'kysely';
import { audit } from '../audit/audit.service';
import { ALL_ROLES, STAFF_ROLES, requireRole } from '../auth/auth.middleware';
import { ownGroupIds } from '../auth/user.service';
import type { DB } from '../db/schema';
import { NotFoundError } from '../errors';
import { sendPage } from '../http/page';
import { institutionOf } from '../organisation/organisation.service';
import { listOpenTalkRequests, markTalkRequestHandled } from '../survey/survey.repository';
import { isoDay, type Clock } from '../system';
import { listRoundViews } from '../rounds/round.service';
import type { PageRenderer } from '../views/render';

interface Deps {
  readonly db: Kysely<DB>;
  readonly views: PageRenderer;
  readonly clock: Clock;
}

/**
 * The staff home: each role lands on what it needs. A group leader sees their groups in the
 * current round with the response count (a count only); a manager sees all groups and rounds;
 * a municipality viewer, the reports meant for them.
 */
export function staffRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/staff', requireRole(...ALL_ROLES), async (_req, res) => {
    const user = res.locals.user!;
    if (user.role === 'municipality_viewer') return sendPage(res, deps.views, 'staff-municipality', { title: 'nav.home' });
    const own = user.role === 'group_leader' ? new Set(await ownGroupIds(deps.db, user.id)) : undefined;
    const rounds = await listRoundViews(deps.db, user, own);
    const current = rounds.find((r) => r.status === 'open');
    const next = [...rounds].reverse().find((r) => r.status === 'planned');
    const lastClosed = rounds.find((r) => r.status === 'closed');
    const talkRequests = await listOpenTalkRequests(deps.db, institutionOf(user), isoDay(deps.clock.now()), own ? [...own] : undefined);
    sendPage(res, deps.views, 'staff-home', { title: 'nav.home', current, next, lastClosed, talkRequests, isGroupLeader: user.role === 'group_leader', noGroups: own?.size === 0 });
  });

  router.post('/talk-requests/:id/handled', requireRole(...STAFF_ROLES), async (req, res) => {
    const user = res.locals.user!;
    const own = user.role === 'group_leader' ? await ownGroupIds(deps.db, user.id) : undefined;
    await deps.db.transaction().execute(async (trx) => {
      const group = await markTalkRequestHandled(trx, String(req.params['id']), institutionOf(user), isoDay(deps.clock.now()), own);
      if (!group) throw new NotFoundError();
      await audit(trx, deps.clock, { actorId: user.id, action: 'talk-request-handled', subject: group });
    });
    // Handled from a group's results page: back there, and only there (never an address from outside).
    const back = typeof req.body?.return === 'string' && /^\/groups\/[\w-]{1,64}\/results$/.test(req.body.return) ? req.body.return : '/staff';
    res.redirect(303, back);
  });
  return router;
}
