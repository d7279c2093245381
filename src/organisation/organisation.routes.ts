import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { requireRole } from '../auth/auth.middleware';
import type { DB } from '../db/schema';
import { AppError, NotFoundError } from '../errors';
import { detailErrors, formValues, parseForm, sendPage } from '../http/page';
import { translate } from '../i18n/messages';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import type { PageRenderer } from '../views/render';
import * as repo from './organisation.repository';
import { cadenceForm, groupForm, locationForm, municipalityForm } from './organisation.schema';
import * as service from './organisation.service';

interface Deps {
  readonly db: Kysely<DB>;
  readonly views: PageRenderer;
  readonly questionnaires: QuestionnaireCatalog;
}

/**
 * A service's typed 400/409 becomes the form again with the problem beside its field; anything
 * else goes to the error handler.
 */
async function orShowForm(res: Response, show: (errors: Record<string, string>, status: number) => void, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 409)) throw error;
    show(error.details.length > 0 ? detailErrors(error.details, res.locals.lang) : { _form: translate(res.locals.lang, error.message) }, error.status);
  }
}

export function organisationRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/organisation', requireRole('administrator', 'manager'));

  const questionnaireChoices = () =>
    [...new Set(deps.questionnaires.list().map((q) => q.id))].map((id) => {
      const q = deps.questionnaires.latest(id)!;
      return { id, title: q.title, ages: `${q.ageBand.min}–${q.ageBand.max}` };
    });

  router.get('/organisation', async (req, res) => {
    const overview = await service.organisationOverview(deps.db, res.locals.user!);
    sendPage(res, deps.views, 'organisation', { title: 'nav.organisation', ...overview, saved: req.query['saved'] !== undefined });
  });

  router.post('/organisation/cadence', async (req, res) => {
    const form = parseForm(cadenceForm, req.body, res.locals.lang);
    if (!form.ok) throw new AppError(400, 'validation-failed', form.errors['cadenceMonths'] ?? 'v.invalid');
    await service.saveCadence(deps.db, res.locals.user!, form.data.cadenceMonths);
    res.redirect(303, '/organisation?saved');
  });

  // Locations
  const showLocation = (res: Response, values: unknown, errors: Record<string, string>, status = 200) =>
    sendPage(res, deps.views, 'location-form', { title: 'org.location', values, errors }, status);

  router.get('/organisation/locations/new', (_req, res) => showLocation(res, {}, {}));
  router.get('/organisation/locations/:id', async (req, res) => {
    const location = await repo.findLocation(deps.db, service.institutionOf(res.locals.user!), req.params.id);
    if (!location) throw new NotFoundError();
    showLocation(res, location, {});
  });
  router.post(['/organisation/locations', '/organisation/locations/:id'], async (req: Request<{ id?: string }>, res) => {
    const form = parseForm(locationForm, req.body, res.locals.lang);
    const values = { ...formValues(req.body), id: req.params.id };
    if (!form.ok) return showLocation(res, values, form.errors, 400);
    await orShowForm(res, (errors, status) => showLocation(res, values, errors, status), async () => {
      await service.saveLocation(deps.db, res.locals.user!, req.params.id, form.data.name);
      res.redirect(303, '/organisation?saved');
    });
  });

  // Groups
  const showGroup = async (res: Response, values: unknown, errors: Record<string, string>, status = 200) => {
    const locations = await repo.listLocations(deps.db, service.institutionOf(res.locals.user!));
    sendPage(res, deps.views, 'group-form', { title: 'org.group', values, errors, locations, questionnaires: questionnaireChoices() }, status);
  };
  router.get('/organisation/groups/new', (req, res) => showGroup(res, { active: true, places: 8, locationId: req.query['location'] }, {}));
  router.get('/organisation/groups/:id', async (req, res) => {
    const group = (await service.listGroupsFor(deps.db, res.locals.user!)).find((g) => g.id === req.params.id);
    if (!group) throw new NotFoundError();
    await showGroup(res, group, {});
  });
  router.post(['/organisation/groups', '/organisation/groups/:id'], async (req: Request<{ id?: string }>, res) => {
    const form = parseForm(groupForm, req.body, res.locals.lang);
    const values = { ...formValues(req.body), id: req.params.id, active: req.body?.active === 'on' };
    if (!form.ok) return showGroup(res, values, form.errors, 400);
    await orShowForm(res, (errors, status) => void showGroup(res, values, errors, status), async () => {
      await service.saveGroup(deps.db, deps.questionnaires, res.locals.user!, req.params.id, form.data);
      res.redirect(303, '/organisation?saved');
    });
  });

  // Municipalities
  const showMunicipality = async (res: Response, values: { locationIds?: string[] } & Record<string, unknown>, errors: Record<string, string>, status = 200) => {
    const locations = (await repo.listLocations(deps.db, service.institutionOf(res.locals.user!))).map((l) => ({
      ...l,
      checked: (values.locationIds ?? []).includes(l.id),
    }));
    sendPage(res, deps.views, 'municipality-form', { title: 'org.municipality', values, errors, locations }, status);
  };
  router.get('/organisation/municipalities/new', (_req, res) => showMunicipality(res, {}, {}));
  router.get('/organisation/municipalities/:id', async (req, res) => {
    const { municipalities } = await service.organisationOverview(deps.db, res.locals.user!);
    const municipality = municipalities.find((m) => m.id === req.params.id);
    if (!municipality) throw new NotFoundError();
    await showMunicipality(res, municipality, {});
  });
  router.post(['/organisation/municipalities', '/organisation/municipalities/:id'], async (req: Request<{ id?: string }>, res) => {
    const form = parseForm(municipalityForm, req.body, res.locals.lang);
    const sent = formValues(req.body);
    const values = { ...sent, id: req.params.id, locationIds: sent['locationIds'] === undefined ? [] : [sent['locationIds']].flat() };
    if (!form.ok) return showMunicipality(res, values, form.errors, 400);
    await orShowForm(res, (errors, status) => void showMunicipality(res, values, errors, status), async () => {
      await service.saveMunicipality(deps.db, res.locals.user!, req.params.id, form.data);
      res.redirect(303, '/organisation?saved');
    });
  });

  // Help resources on the survey's closing screen
  const showHelp = (res: Response, resources: readonly service.HelpResource[], defaults: boolean, errors: Record<string, string>, status = 200) => {
    const rows = [...resources, ...Array.from({ length: Math.max(2, 8 - resources.length) }, () => ({ name: '', contact: '', textNl: '', textEn: '' }))];
    sendPage(res, deps.views, 'help-form', { title: 'org.help', rows: rows.map((r, i) => ({ ...r, i, error: errors[`resources.${i}`] })), defaults, errors }, status);
  };
  router.get('/organisation/help', async (_req, res) => {
    const { resources, defaults } = await service.helpResources(deps.db, service.institutionOf(res.locals.user!));
    showHelp(res, resources, defaults, {});
  });
  router.post('/organisation/help', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).trim().slice(0, 400) : '');
    const resources = Array.from({ length: 20 }, (_, i) => ({ name: text(`name_${i}`), contact: text(`contact_${i}`), textNl: text(`textNl_${i}`), textEn: text(`textEn_${i}`) }));
    await orShowForm(res, (errors, status) => showHelp(res, resources.filter((r) => r.name || r.contact || r.textNl || r.textEn), false, errors, status), async () => {
      await service.saveHelpResources(deps.db, res.locals.user!, resources);
      res.redirect(303, '/organisation?saved');
    });
  });

  return router;
}
