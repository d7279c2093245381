import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { recentAuditEntries } from '../audit/audit.service';
import type { Config } from '../config';
import type { DB } from '../db/schema';
import { AppError, NotFoundError } from '../errors';
import { detailErrors, formValues, parseForm, sendPage } from '../http/page';
import { translate } from '../i18n/messages';
import { listMunicipalities } from '../organisation/organisation.repository';
import { institutionOf, listGroupsFor } from '../organisation/organisation.service';
import { localDateTime, type Clock } from '../system';
import type { PageRenderer } from '../views/render';
import { requireRole } from './auth.middleware';
import { roles, userForm } from './user.schema';
import { createUser, listUsersWithGroups, updateUserAccount } from './user.service';

interface Deps {
  readonly config: Pick<Config, 'timeZone'>;
  readonly db: Kysely<DB>;
  readonly views: PageRenderer;
  readonly clock: Clock;
}

/** Accounts and the audit log: administrators only. */
export function userRoutes(deps: Deps): Router {
  const router = Router();
  router.use(['/users', '/audit'], requireRole('administrator'));

  router.get('/users', async (req, res) => {
    const institutionId = institutionOf(res.locals.user!);
    const [users, groups, municipalities] = await Promise.all([
      listUsersWithGroups(deps.db, institutionId),
      listGroupsFor(deps.db, res.locals.user!),
      listMunicipalities(deps.db, institutionId),
    ]);
    const groupName = new Map(groups.map((g) => [g.id, g.name]));
    const municipalityName = new Map(municipalities.map((m) => [m.id, m.name]));
    const rows = users.map((u) => ({
      ...u,
      roleKey: `role.${u.role}`,
      scope: u.role === 'group_leader' ? u.groupIds.map((g) => groupName.get(g)).join(', ') : u.municipalityId ? municipalityName.get(u.municipalityId) : '',
    }));
    sendPage(res, deps.views, 'users', { title: 'nav.users', users: rows, saved: req.query['saved'] !== undefined });
  });

  const showForm = async (res: Response, values: Record<string, unknown>, errors: Record<string, string>, status = 200) => {
    const institutionId = institutionOf(res.locals.user!);
    const selected = new Set(([values['groupIds'] ?? []] as unknown[]).flat().map(String));
    const groups = (await listGroupsFor(deps.db, res.locals.user!)).map((g) => ({ ...g, checked: selected.has(g.id) }));
    const municipalities = await listMunicipalities(deps.db, institutionId);
    const roleChoices = roles.map((r) => ({ value: r, label: `role.${r}`, selected: values['role'] === r }));
    sendPage(res, deps.views, 'user-form', { title: 'nav.users', values, errors, groups, municipalities, roleChoices }, status);
  };

  router.get('/users/new', (_req, res) => showForm(res, { active: true, role: 'group_leader' }, {}));
  router.get('/users/:id', async (req, res) => {
    const user = (await listUsersWithGroups(deps.db, institutionOf(res.locals.user!))).find((u) => u.id === req.params.id);
    if (!user) throw new NotFoundError();
    await showForm(res, { ...user }, {});
  });

  router.post(['/users', '/users/:id'], async (req: Request<{ id?: string }>, res) => {
    const values = { ...formValues(req.body), id: req.params.id, active: req.body?.active === 'on', password: '' };
    const form = parseForm(userForm, req.body, res.locals.lang);
    if (!form.ok) return showForm(res, values, form.errors, 400);
    const actor = res.locals.user!;
    try {
      if (req.params.id) {
        await updateUserAccount(deps.db, deps.clock, actor.id, institutionOf(actor), req.params.id, form.data);
      } else {
        if (!form.data.password) return showForm(res, values, { password: 'v.required' }, 400);
        await createUser(deps.db, { ...form.data, password: form.data.password, institutionId: institutionOf(actor) }, deps.clock, actor.id);
      }
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 409)) throw error;
      return showForm(res, values, error.details.length > 0 ? detailErrors(error.details, res.locals.lang) : { _form: translate(res.locals.lang, error.message) }, error.status);
    }
    res.redirect(303, '/users?saved');
  });

  router.get('/audit', async (req, res) => {
    const page = Math.max(0, Math.min(10_000, Number.parseInt(String(req.query['page'] ?? '0'), 10) || 0));
    const entries = (await recentAuditEntries(deps.db, res.locals.user!.institutionId, page)).map((e) => ({ ...e, shownAt: localDateTime(e.at, deps.config.timeZone), details: Object.keys(e.details).length ? JSON.stringify(e.details) : '' }));
    sendPage(res, deps.views, 'audit', { title: 'nav.audit', entries, page, next: entries.length === 100 ? page + 1 : undefined, previous: page > 0 ? page - 1 : undefined });
  });

  return router;
}
