import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type {
  HelpResourceRow,
  LivingGroupRow,
  LocationRow,
  NewInstitutionRow,
  NewLivingGroupRow,
  NewLocationRow,
} from './organisation.table';

export async function insertInstitution(db: Kysely<DB>, row: NewInstitutionRow): Promise<void> {
  await db.insertInto('institution').values(row).execute();
}

export async function insertLocation(db: Kysely<DB>, row: NewLocationRow): Promise<void> {
  await db.insertInto('location').values(row).execute();
}

export async function insertGroup(db: Kysely<DB>, row: NewLivingGroupRow): Promise<void> {
  await db.insertInto('living_group').values(row).execute();
}

/** One institution per installation by default: the first one. */
export async function firstInstitutionId(db: Kysely<DB>): Promise<string | undefined> {
  const row = await db.selectFrom('institution').select('id').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return row?.id;
}

export async function findInstitution(db: Kysely<DB>, id: string) {
  return db.selectFrom('institution').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateInstitutionCadence(db: Kysely<DB>, id: string, cadenceMonths: number): Promise<void> {
  await db.updateTable('institution').set({ cadence_months: cadenceMonths }).where('id', '=', id).execute();
}

export async function listLocations(db: Kysely<DB>, institutionId: string): Promise<LocationRow[]> {
  return db.selectFrom('location').selectAll().where('institution_id', '=', institutionId).orderBy('name').execute();
}

export async function findLocation(db: Kysely<DB>, institutionId: string, id: string): Promise<LocationRow | undefined> {
  return db.selectFrom('location').selectAll().where('institution_id', '=', institutionId).where('id', '=', id).executeTakeFirst();
}

export async function updateLocation(db: Kysely<DB>, id: string, name: string): Promise<void> {
  await db.updateTable('location').set({ name }).where('id', '=', id).execute();
}

/** Groups of an institution, optionally only those with these ids (a group leader's own). */
export async function listGroups(db: Kysely<DB>, institutionId: string, onlyIds?: readonly string[]): Promise<(LivingGroupRow & { location_name: string })[]> {
  let query = db
    .selectFrom('living_group')
    .innerJoin('location', 'location.id', 'living_group.location_id')
    .selectAll('living_group')
    .select('location.name as location_name')
    .where('location.institution_id', '=', institutionId);
  if (onlyIds) {
    if (onlyIds.length === 0) return [];
    query = query.where('living_group.id', 'in', [...onlyIds]);
  }
  return query.orderBy('location.name').orderBy('living_group.name').execute();
}

export async function updateGroup(db: Kysely<DB>, id: string, changes: Omit<NewLivingGroupRow, 'id'>): Promise<void> {
  await db.updateTable('living_group').set(changes).where('id', '=', id).execute();
}

export async function listMunicipalities(db: Kysely<DB>, institutionId: string) {
  return db.selectFrom('municipality').selectAll().where('institution_id', '=', institutionId).orderBy('name').execute();
}

export async function listMunicipalityLocations(db: Kysely<DB>, institutionId: string) {
  return db
    .selectFrom('municipality_location')
    .innerJoin('municipality', 'municipality.id', 'municipality_location.municipality_id')
    .select(['municipality_location.municipality_id', 'municipality_location.location_id'])
    .where('municipality.institution_id', '=', institutionId)
    .execute();
}

export async function findMunicipality(db: Kysely<DB>, institutionId: string, id: string) {
  return db.selectFrom('municipality').selectAll().where('institution_id', '=', institutionId).where('id', '=', id).executeTakeFirst();
}

export async function insertMunicipality(db: Kysely<DB>, row: { id: string; institution_id: string; name: string; report_every_months?: number | null; report_language?: string }): Promise<void> {
  await db.insertInto('municipality').values(row).execute();
}

export async function updateMunicipality(db: Kysely<DB>, id: string, values: { name: string; report_every_months: number | null; report_language: string }): Promise<void> {
  await db.updateTable('municipality').set(values).where('id', '=', id).execute();
}

export async function replaceMunicipalityLocations(db: Kysely<DB>, municipalityId: string, locationIds: readonly string[]): Promise<void> {
  await db.deleteFrom('municipality_location').where('municipality_id', '=', municipalityId).execute();
  if (locationIds.length > 0) {
    await db.insertInto('municipality_location').values(locationIds.map((location_id) => ({ municipality_id: municipalityId, location_id }))).execute();
  }
}

export async function listHelpResources(db: Kysely<DB>, institutionId: string): Promise<HelpResourceRow[]> {
  return db.selectFrom('help_resource').selectAll().where('institution_id', '=', institutionId).orderBy('position').execute();
}

export async function replaceHelpResources(db: Kysely<DB>, institutionId: string, rows: readonly HelpResourceRow[]): Promise<void> {
  await db.deleteFrom('help_resource').where('institution_id', '=', institutionId).execute();
  if (rows.length > 0) await db.insertInto('help_resource').values([...rows]).execute();
}
