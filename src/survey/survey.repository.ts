import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { TabletSessionTable } from './survey.table';

/** A group in a round as the survey needs it: whether it is open, its questionnaire, its institution. */
export interface SurveyTarget {
  readonly roundId: string;
  readonly groupId: string;
  readonly status: 'planned' | 'open' | 'closed';
  readonly questionnaireId: string;
  readonly questionnaireVersion: number | null;
  readonly groupName: string;
  readonly institutionId: string;
}

function targets(db: Kysely<DB>) {
  return db
    .selectFrom('round_group')
    .innerJoin('round', 'round.id', 'round_group.round_id')
    .innerJoin('living_group', 'living_group.id', 'round_group.group_id')
    .innerJoin('location', 'location.id', 'living_group.location_id')
    .select([
      'round_group.round_id as roundId',
      'round_group.group_id as groupId',
      'round.status',
      'round_group.questionnaire_id as questionnaireId',
      'round_group.questionnaire_version as questionnaireVersion',
      'living_group.name as groupName',
      'location.institution_id as institutionId',
    ]);
}

export async function findTarget(db: Kysely<DB>, roundId: string, groupId: string): Promise<SurveyTarget | undefined> {
  return targets(db).where('round_group.round_id', '=', roundId).where('round_group.group_id', '=', groupId).executeTakeFirst();
}

/** The round and group a tablet serves, in one query (it runs for every answer sent from a tablet). */
export async function findTabletTarget(db: Kysely<DB>, tokenHash: string): Promise<(SurveyTarget & { startedBy: string }) | undefined> {
  return targets(db)
    .innerJoin('tablet_session', (join) =>
      join.onRef('tablet_session.round_id', '=', 'round_group.round_id').onRef('tablet_session.group_id', '=', 'round_group.group_id'),
    )
    .select('tablet_session.started_by as startedBy')
    .where('tablet_session.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** The open round a group takes part in, if any. */
export async function findOpenRoundOf(db: Kysely<DB>, groupId: string): Promise<SurveyTarget | undefined> {
  return targets(db).where('round_group.group_id', '=', groupId).where('round.status', '=', 'open').executeTakeFirst();
}

export async function insertTabletSession(db: Kysely<DB>, row: TabletSessionTable): Promise<void> {
  await db.insertInto('tablet_session').values(row).execute();
}

export async function deleteTabletSession(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.deleteFrom('tablet_session').where('token_hash', '=', tokenHash).execute();
}

/** Tablets of rounds that are no longer open serve nothing; the scheduler clears them. */
export async function deleteTabletSessionsOfClosedRounds(db: Kysely<DB>): Promise<void> {
  await db
    .deleteFrom('tablet_session')
    .where('round_id', 'in', (eb) => eb.selectFrom('round').select('id').where('status', '=', 'closed'))
    .execute();
}

/** Staff who may end tablet mode with their PIN: who started it and the group's own group leaders. */
export async function pinHoldersFor(db: Kysely<DB>, startedBy: string, groupId: string) {
  return db
    .selectFrom('staff_user')
    .select(['id', 'pin_hash'])
    .where('active', '=', 1)
    .where('pin_hash', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('id', '=', startedBy),
        eb('id', 'in', eb.selectFrom('staff_user_group').select('user_id').where('group_id', '=', groupId)),
      ]),
    )
    .execute();
}

export async function findAccessCode(db: Kysely<DB>, codeHash: string) {
  return db.selectFrom('access_code').select(['round_id', 'group_id', 'used']).where('code_hash', '=', codeHash).executeTakeFirst();
}

export async function hasReceipt(db: Kysely<DB>, submissionId: string): Promise<boolean> {
  return (await db.selectFrom('submission_receipt').select('submission_id').where('submission_id', '=', submissionId).executeTakeFirst()) !== undefined;
}

export async function insertTalkRequest(db: Kysely<DB>, row: { id: string; round_id: string; group_id: string; requested_on: string }): Promise<void> {
  await db.insertInto('talk_request').values({ ...row, handled: 0 }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/**
 * Requests not yet marked as handled, for the groups a staff member sees: group, round, day. Only
 * from days before `today`: a request that appeared at once would show who just asked.
 */
function openTalkRequests(db: Kysely<DB>, institutionId: string, today: string, groupIds: readonly string[] | undefined) {
  let query = db
    .selectFrom('talk_request')
    .innerJoin('living_group', 'living_group.id', 'talk_request.group_id')
    .innerJoin('location', 'location.id', 'living_group.location_id')
    .innerJoin('round', 'round.id', 'talk_request.round_id')
    .select(['talk_request.id', 'talk_request.requested_on as day', 'living_group.name as groupName', 'round.period'])
    .where('location.institution_id', '=', institutionId)
    .where('talk_request.handled', '=', 0)
    .where('talk_request.requested_on', '<', today);
  if (groupIds) query = query.where('talk_request.group_id', 'in', [...groupIds]);
  return query;
}

export async function listOpenTalkRequests(db: Kysely<DB>, institutionId: string, today: string, groupIds?: readonly string[]) {
  if (groupIds?.length === 0) return [];
  return openTalkRequests(db, institutionId, today, groupIds).orderBy('talk_request.requested_on', 'desc').orderBy('living_group.name').execute();
}

/** Marks one request handled, when it is open to this staff member (the same rules as the list). */
export async function markTalkRequestHandled(db: Kysely<DB>, id: string, institutionId: string, today: string, groupIds?: readonly string[]): Promise<string | undefined> {
  if (groupIds?.length === 0) return undefined;
  const request = await openTalkRequests(db, institutionId, today, groupIds).where('talk_request.id', '=', id).executeTakeFirst();
  if (!request) return undefined;
  await db.updateTable('talk_request').set({ handled: 1 }).where('id', '=', id).execute();
  return request.groupName;
}
