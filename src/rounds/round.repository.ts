import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewRoundGroupRow, NewRoundRow, RoundRow, RoundStatus } from './round.table';

export async function insertRound(db: Kysely<DB>, row: NewRoundRow): Promise<void> {
  await db.insertInto('round').values(row).execute();
}

export async function insertRoundGroups(db: Kysely<DB>, rows: readonly NewRoundGroupRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('round_group').values([...rows]).execute();
}

export async function listRounds(db: Kysely<DB>, institutionId: string): Promise<RoundRow[]> {
  return db.selectFrom('round').selectAll().where('institution_id', '=', institutionId).orderBy('opens_on', 'desc').execute();
}

export async function findRound(db: Kysely<DB>, institutionId: string, id: string): Promise<RoundRow | undefined> {
  return db.selectFrom('round').selectAll().where('institution_id', '=', institutionId).where('id', '=', id).executeTakeFirst();
}

export async function listInstitutionIds(db: Kysely<DB>): Promise<{ id: string; cadence_months: number }[]> {
  return db.selectFrom('institution').select(['id', 'cadence_months']).execute();
}

/** Moves a round on only from the state the caller saw, so two movers cannot both succeed. */
export async function setRoundStatus(db: Kysely<DB>, id: string, from: RoundStatus, to: RoundStatus): Promise<boolean> {
  const result = await db.updateTable('round').set({ status: to }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function updateRoundDates(db: Kysely<DB>, id: string, opensOn: string, closesOn: string): Promise<void> {
  await db.updateTable('round').set({ opens_on: opensOn, closes_on: closesOn }).where('id', '=', id).execute();
}

/**
 * Makes `rows` the round's groups, in place: code sheets printed while the round was planned
 * point at their round_group row (a foreign key), so the rows of groups that stay are updated,
 * never deleted and re-inserted. A group that leaves takes its unused codes with it.
 */
export async function replaceRoundGroups(db: Kysely<DB>, roundId: string, rows: readonly NewRoundGroupRow[]): Promise<void> {
  const staying = new Set(rows.map((r) => r.group_id));
  const current = await db.selectFrom('round_group').select('group_id').where('round_id', '=', roundId).execute();
  const leaving = current.map((r) => r.group_id).filter((id) => !staying.has(id));
  if (leaving.length > 0) {
    await db.deleteFrom('access_code').where('round_id', '=', roundId).where('group_id', 'in', leaving).where('used', '=', 0).execute();
    await db.deleteFrom('round_group').where('round_id', '=', roundId).where('group_id', 'in', leaving).execute();
  }
  for (const row of rows) {
    await db
      .insertInto('round_group')
      .values(row)
      .onConflict((oc) => oc.columns(['round_id', 'group_id']).doUpdateSet({ questionnaire_id: row.questionnaire_id, questionnaire_version: row.questionnaire_version }))
      .execute();
  }
}

export async function listRoundGroups(db: Kysely<DB>, roundIds: readonly string[]) {
  if (roundIds.length === 0) return [];
  return db
    .selectFrom('round_group')
    .innerJoin('living_group', 'living_group.id', 'round_group.group_id')
    .innerJoin('location', 'location.id', 'living_group.location_id')
    .select([
      'round_group.round_id',
      'round_group.group_id',
      'round_group.questionnaire_id',
      'round_group.questionnaire_version',
      'living_group.name as group_name',
      'living_group.places',
      'location.name as location_name',
    ])
    .where('round_group.round_id', 'in', [...roundIds])
    .orderBy('location.name')
    .orderBy('living_group.name')
    .execute();
}

/** Responses per group in some rounds: a count, never a value. */
export async function countResponsesPerGroup(db: Kysely<DB>, roundIds: readonly string[]) {
  if (roundIds.length === 0) return [];
  return db
    .selectFrom('response')
    .select(['round_id', 'group_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('round_id', 'in', [...roundIds])
    .groupBy(['round_id', 'group_id'])
    .execute();
}

export async function activeGroupsOf(db: Kysely<DB>, institutionId: string) {
  return db
    .selectFrom('living_group')
    .innerJoin('location', 'location.id', 'living_group.location_id')
    .select(['living_group.id', 'living_group.questionnaire_id'])
    .where('location.institution_id', '=', institutionId)
    .where('living_group.active', '=', 1)
    .execute();
}

/**
 * Keeps planned rounds' groups in step with the active groups: adds new ones, drops inactive
 * ones that have no code sheet yet. Open and closed rounds are never touched.
 */
export async function syncPlannedRoundGroups(db: Kysely<DB>, institutionId: string): Promise<void> {
  const planned = await db.selectFrom('round').select('id').where('institution_id', '=', institutionId).where('status', '=', 'planned').execute();
  if (planned.length === 0) return;
  const active = await activeGroupsOf(db, institutionId);
  const activeIds = new Set(active.map((g) => g.id));
  const existing = await db.selectFrom('round_group').select(['round_id', 'group_id']).where('round_id', 'in', planned.map((r) => r.id)).execute();
  const have = new Set(existing.map((e) => `${e.round_id}/${e.group_id}`));
  const missing = planned.flatMap((r) =>
    active.filter((g) => !have.has(`${r.id}/${g.id}`)).map((g) => ({ round_id: r.id, group_id: g.id, questionnaire_id: g.questionnaire_id, questionnaire_version: null })),
  );
  await insertRoundGroups(db, missing);
  for (const e of existing.filter((e) => !activeIds.has(e.group_id))) {
    const codes = await db.selectFrom('access_code').select('code_hash').where('round_id', '=', e.round_id).where('group_id', '=', e.group_id).limit(1).execute();
    if (codes.length === 0) await db.deleteFrom('round_group').where('round_id', '=', e.round_id).where('group_id', '=', e.group_id).execute();
  }
}
