import type { Kysely } from 'kysely';
import type { CurrentUser } from '../auth/current-user';
import type { DB } from '../db/schema';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import { syncPlannedRoundGroups } from '../rounds/round.repository';
import { randomId } from '../system';
import { defaultHelpResources } from './help.defaults';
import * as repo from './organisation.repository';
import type { GroupForm, MunicipalityForm } from './organisation.schema';

/**
 * Locations, groups, municipalities and help resources of the signed-in member's institution.
 * Every query is scoped to that institution, so one institution's staff can never reach another's.
 */
export interface GroupView {
  readonly id: string;
  readonly name: string;
  readonly locationId: string;
  readonly locationName: string;
  readonly places: number;
  readonly questionnaireId: string;
  readonly active: boolean;
}

export class NoInstitution extends AppError {
  constructor() {
    super(403, 'no-institution', 'v.your-account-does-not-belong-to');
  }
}

export function institutionOf(user: Pick<CurrentUser, 'institutionId'>): string {
  if (!user.institutionId) throw new NoInstitution();
  return user.institutionId;
}

export async function organisationOverview(db: Kysely<DB>, user: CurrentUser) {
  const institutionId = institutionOf(user);
  const [institution, locations, groups, municipalities, coverage] = await Promise.all([
    repo.findInstitution(db, institutionId),
    repo.listLocations(db, institutionId),
    listGroupsFor(db, user),
    repo.listMunicipalities(db, institutionId),
    repo.listMunicipalityLocations(db, institutionId),
  ]);
  return {
    institution: { name: institution?.name ?? '', cadenceMonths: institution?.cadence_months ?? 6 },
    locations: locations.map((l) => ({ id: l.id, name: l.name, groups: groups.filter((g) => g.locationId === l.id) })),
    municipalities: municipalities.map((m) => ({
      id: m.id,
      name: m.name,
      locationIds: coverage.filter((c) => c.municipality_id === m.id).map((c) => c.location_id),
      reportEveryMonths: m.report_every_months === null ? '' : String(m.report_every_months),
      reportLanguage: m.report_language,
    })),
  };
}

/** The groups a member may see: all of the institution, or a group leader's own. */
export async function listGroupsFor(db: Kysely<DB>, user: CurrentUser, ownGroupIds?: readonly string[]): Promise<GroupView[]> {
  const rows = await repo.listGroups(db, institutionOf(user), user.role === 'group_leader' ? (ownGroupIds ?? []) : undefined);
  return rows.map((g) => ({
    id: g.id,
    name: g.name,
    locationId: g.location_id,
    locationName: g.location_name,
    places: g.places,
    questionnaireId: g.questionnaire_id,
    active: g.active === 1,
  }));
}

function nameTaken(field: string): ConflictError {
  return new ConflictError({ details: [{ path: field, message: 'v.this-name-already-exists' }] });
}

export async function saveLocation(db: Kysely<DB>, user: CurrentUser, id: string | undefined, name: string): Promise<string> {
  const institutionId = institutionOf(user);
  return db.transaction().execute(async (trx) => {
    const existing = await repo.listLocations(trx, institutionId);
    if (existing.some((l) => l.name.toLowerCase() === name.toLowerCase() && l.id !== id)) throw nameTaken('name');
    if (id) {
      if (!existing.some((l) => l.id === id)) throw new NotFoundError();
      await repo.updateLocation(trx, id, name);
      return id;
    }
    const newId = randomId();
    await repo.insertLocation(trx, { id: newId, institution_id: institutionId, name });
    return newId;
  });
}

export async function saveGroup(
  db: Kysely<DB>,
  catalog: QuestionnaireCatalog,
  user: CurrentUser,
  id: string | undefined,
  form: GroupForm,
): Promise<string> {
  const institutionId = institutionOf(user);
  if (!catalog.latest(form.questionnaireId)) {
    throw new ValidationError({ details: [{ path: 'questionnaireId', message: 'v.unknown-questionnaire' }] });
  }
  return db.transaction().execute(async (trx) => {
    if (!(await repo.findLocation(trx, institutionId, form.locationId))) {
      throw new ValidationError({ details: [{ path: 'locationId', message: 'v.unknown-location' }] });
    }
    const groups = await repo.listGroups(trx, institutionId);
    if (id && !groups.some((g) => g.id === id)) throw new NotFoundError();
    const clash = groups.some((g) => g.location_id === form.locationId && g.name.toLowerCase() === form.name.toLowerCase() && g.id !== id);
    if (clash) throw nameTaken('name');
    const row = { location_id: form.locationId, name: form.name, places: form.places, questionnaire_id: form.questionnaireId, active: form.active ? 1 : 0 };
    const groupId = id ?? randomId();
    if (id) await repo.updateGroup(trx, id, row);
    else await repo.insertGroup(trx, { id: groupId, ...row });
    await syncPlannedRoundGroups(trx, institutionId);
    return groupId;
  });
}

export async function saveMunicipality(db: Kysely<DB>, user: CurrentUser, id: string | undefined, form: MunicipalityForm): Promise<string> {
  const institutionId = institutionOf(user);
  return db.transaction().execute(async (trx) => {
    const locations = new Set((await repo.listLocations(trx, institutionId)).map((l) => l.id));
    const unknown = form.locationIds.filter((l) => !locations.has(l));
    if (unknown.length > 0) throw new ValidationError({ details: [{ path: 'locationIds', message: 'v.unknown-location' }] });
    const existing = await repo.listMunicipalities(trx, institutionId);
    if (existing.some((m) => m.name.toLowerCase() === form.name.toLowerCase() && m.id !== id)) throw nameTaken('name');
    let municipalityId = id;
    if (municipalityId) {
      if (!existing.some((m) => m.id === municipalityId)) throw new NotFoundError();
      await repo.updateMunicipality(trx, municipalityId, { name: form.name, report_every_months: form.reportEveryMonths, report_language: form.reportLanguage });
    } else {
      municipalityId = randomId();
      await repo.insertMunicipality(trx, { id: municipalityId, institution_id: institutionId, name: form.name, report_every_months: form.reportEveryMonths, report_language: form.reportLanguage });
    }
    await repo.replaceMunicipalityLocations(trx, municipalityId, [...new Set(form.locationIds)]);
    return municipalityId;
  });
}

export interface HelpResource {
  readonly name: string;
  readonly contact: string;
  readonly textNl: string;
  readonly textEn: string;
}

/** The institution's list, or the Dutch defaults while it has none of its own. */
export async function helpResources(db: Kysely<DB>, institutionId: string): Promise<{ resources: HelpResource[]; defaults: boolean }> {
  const rows = await repo.listHelpResources(db, institutionId);
  if (rows.length === 0) return { resources: defaultHelpResources.map((r) => ({ ...r })), defaults: true };
  return { resources: rows.map((r) => ({ name: r.name, contact: r.contact, textNl: r.text_nl, textEn: r.text_en })), defaults: false };
}

export async function saveHelpResources(db: Kysely<DB>, user: CurrentUser, resources: readonly HelpResource[]): Promise<void> {
  const institutionId = institutionOf(user);
  const kept = resources.filter((r) => r.name || r.contact || r.textNl || r.textEn);
  const incomplete = kept.findIndex((r) => !r.name || !r.contact || !r.textNl || !r.textEn);
  if (incomplete >= 0) {
    throw new ValidationError({ details: [{ path: `resources.${incomplete}`, message: 'v.fill-in-name-contact-and-both' }] });
  }
  await db.transaction().execute((trx) =>
    repo.replaceHelpResources(
      trx,
      institutionId,
      kept.map((r, position) => ({ id: randomId(), institution_id: institutionId, position, name: r.name, contact: r.contact, text_nl: r.textNl, text_en: r.textEn })),
    ),
  );
}

export async function saveCadence(db: Kysely<DB>, user: CurrentUser, cadenceMonths: number): Promise<void> {
  await repo.updateInstitutionCadence(db, institutionOf(user), cadenceMonths);
}

