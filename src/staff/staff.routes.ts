import { Router } from 'express';
import type { Kysely } from 'kysely';
import { ALL_ROLES, requireRole } from '../auth/auth.middleware';
import { ownGroupIds } from '../auth/user.service';
import type { DB } from '../db/schema';
import { sendPage } from '../http/page';
import { listRoundViews } from '../rounds/round.service';
import type { PageRenderer } from '../views/render';

interface Deps {
  readonly db: Kysely<DB>;
  readonly views: PageRenderer;
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
    sendPage(res, deps.views, 'staff-home', { title: 'nav.home', current, next, lastClosed, isGroupLeader: user.role === 'group_leader', noGroups: own?.size === 0 });
  });
  return router;
}
