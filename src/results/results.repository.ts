import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

/**
 * Queries over the summaries of closed rounds. Every query is limited to one institution (and the
 * result queries to its closed rounds) here, at the bottom; which of these rows may be *shown* is the results service's decision.
 */

export interface GroupRoundRow {
  readonly roundId: string;
  readonly period: string;
  readonly opensOn: string;
  readonly closesOn: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly locationId: string;
  readonly locationName: string;
  readonly questionnaireId: string;
  readonly questionnaireVersion: number;
  readonly responses: number;
  readonly places: number;
}

export async function closedRounds(db: Kysely<DB>, institutionId: string) {
  return db
    .selectFrom('round')
    .select(['id', 'period', 'opens_on as opensOn', 'closes_on as closesOn'])
    .where('institution_id', '=', institutionId)
    .where('status', '=', 'closed')
    .orderBy('opens_on')
    .orderBy('period')
    .execute();
}

/** The summarised groups of closed rounds, optionally only some groups or rounds, oldest round first. */
export async function groupRounds(
  db: Kysely<DB>,
  institutionId: string,
  filter: { groupIds?: readonly string[]; roundIds?: readonly string[] } = {},
): Promise<GroupRoundRow[]> {
  if (filter.groupIds?.length === 0 || filter.roundIds?.length === 0) return [];
  let query = db
    .selectFrom('group_result as gr')
    .innerJoin('round as r', 'r.id', 'gr.round_id')
    .innerJoin('living_group as g', 'g.id', 'gr.group_id')
    .innerJoin('location as l', 'l.id', 'g.location_id')
    .select([
      'r.id as roundId',
      'r.period',
      'r.opens_on as opensOn',
      'r.closes_on as closesOn',
      'g.id as groupId',
      'g.name as groupName',
      'l.id as locationId',
      'l.name as locationName',
      'gr.questionnaire_id as questionnaireId',
      'gr.questionnaire_version as questionnaireVersion',
      'gr.responses',
      'gr.places',
    ])
    .where('r.institution_id', '=', institutionId)
    .where('r.status', '=', 'closed');
  if (filter.groupIds) query = query.where('gr.group_id', 'in', [...filter.groupIds]);
  if (filter.roundIds) query = query.where('gr.round_id', 'in', [...filter.roundIds]);
  const rows = await query.orderBy('r.opens_on').orderBy('r.period').orderBy('l.name').orderBy('g.name').execute();
  return rows.map((r) => ({ ...r, responses: Number(r.responses), places: Number(r.places), questionnaireVersion: Number(r.questionnaireVersion) }));
}

export interface ScaleRow {
  readonly roundId: string;
  readonly groupId: string;
  readonly scaleId: string;
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
  readonly alpha: number | null;
  /** Respondents alpha was computed over (those who answered every item of the scale). */
  readonly alphaN: number;
}

/** Scale sums of the given groups in the given rounds (closed rounds of the institution only). */
export async function scaleRows(db: Kysely<DB>, institutionId: string, filter: { groupIds?: readonly string[]; roundIds?: readonly string[] }): Promise<ScaleRow[]> {
  if (filter.groupIds?.length === 0 || filter.roundIds?.length === 0) return [];
  let query = db
    .selectFrom('scale_result as s')
    .innerJoin('round as r', 'r.id', 's.round_id')
    .select(['s.round_id as roundId', 's.group_id as groupId', 's.scale_id as scaleId', 's.n', 's.sum', 's.sum_squares as sumSquares', 's.alpha', 's.alpha_n as alphaN'])
    .where('r.institution_id', '=', institutionId)
    .where('r.status', '=', 'closed');
  if (filter.groupIds) query = query.where('s.group_id', 'in', [...filter.groupIds]);
  if (filter.roundIds) query = query.where('s.round_id', 'in', [...filter.roundIds]);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, n: Number(r.n), sum: Number(r.sum), sumSquares: Number(r.sumSquares), alpha: r.alpha === null ? null : Number(r.alpha), alphaN: Number(r.alphaN) }));
}

/** Which rounds (all closed ones when absent) and which questionnaire (all when absent). */
export interface AggregateScope {
  readonly roundIds?: readonly string[];
  readonly questionnaireId?: string;
}

export interface AggregateRow {
  readonly roundId: string;
  readonly questionnaireId: string;
  readonly locationId: string;
  readonly scaleId: string;
  /** Groups whose summary went into the sums. */
  readonly groups: number;
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/**
 * The sums over groups per round, questionnaire, location and scale — only of groups that meet k
 * on their own, both in responses and in the scale's own n (SPEC §4.4). SQL adds; the statistics
 * are computed from the sums by `statistics.ts`.
 */
export async function aggregateRows(db: Kysely<DB>, institutionId: string, k: number, scope: AggregateScope = {}): Promise<AggregateRow[]> {
  const { roundIds, questionnaireId } = scope;
  if (roundIds?.length === 0) return [];
  let query = db
    .selectFrom('scale_result as s')
    .innerJoin('group_result as gr', (join) => join.onRef('gr.round_id', '=', 's.round_id').onRef('gr.group_id', '=', 's.group_id'))
    .innerJoin('round as r', 'r.id', 's.round_id')
    .innerJoin('living_group as g', 'g.id', 's.group_id')
    .select((eb) => [
      's.round_id as roundId',
      'gr.questionnaire_id as questionnaireId',
      'g.location_id as locationId',
      's.scale_id as scaleId',
      eb.fn.countAll<number>().as('groups'),
      eb.fn.sum<number>('s.n').as('n'),
      eb.fn.sum<number>('s.sum').as('sum'),
      eb.fn.sum<number>('s.sum_squares').as('sumSquares'),
    ])
    .where('r.institution_id', '=', institutionId)
    .where('r.status', '=', 'closed')
    .where('gr.responses', '>=', k)
    .where('s.n', '>=', k);
  if (roundIds) query = query.where('s.round_id', 'in', [...roundIds]);
  if (questionnaireId) query = query.where('gr.questionnaire_id', '=', questionnaireId);
  const rows = await query.groupBy(['s.round_id', 'gr.questionnaire_id', 'g.location_id', 's.scale_id']).execute();
  return rows.map((r) => ({ ...r, groups: Number(r.groups), n: Number(r.n), sum: Number(r.sum), sumSquares: Number(r.sumSquares) }));
}

export interface ItemRow {
  readonly roundId: string;
  readonly itemId: string;
  readonly value: number;
  readonly count: number;
}

export async function itemRows(db: Kysely<DB>, institutionId: string, groupId: string, roundIds: readonly string[]): Promise<ItemRow[]> {
  if (roundIds.length === 0) return [];
  const rows = await db
    .selectFrom('item_result as i')
    .innerJoin('round as r', 'r.id', 'i.round_id')
    .select(['i.round_id as roundId', 'i.item_id as itemId', 'i.value', 'i.count'])
    .where('r.institution_id', '=', institutionId)
    .where('r.status', '=', 'closed')
    .where('i.group_id', '=', groupId)
    .where('i.round_id', 'in', [...roundIds])
    .orderBy('i.item_id')
    .orderBy('i.value')
    .execute();
  return rows.map((r) => ({ ...r, value: Number(r.value), count: Number(r.count) }));
}

/** Open answers of one group in one closed round, in the order of their random ids (never arrival). */
export async function openAnswerRows(db: Kysely<DB>, institutionId: string, groupId: string, roundId: string) {
  return db
    .selectFrom('open_answer as o')
    .innerJoin('round as r', 'r.id', 'o.round_id')
    .select(['o.question_id as questionId', 'o.text'])
    .where('r.institution_id', '=', institutionId)
    .where('r.status', '=', 'closed')
    .where('o.group_id', '=', groupId)
    .where('o.round_id', '=', roundId)
    .orderBy('o.id')
    .execute();
}

/** The groups of the institution (with location), for scope checks and filters. */
export async function groupsOf(db: Kysely<DB>, institutionId: string) {
  return db
    .selectFrom('living_group as g')
    .innerJoin('location as l', 'l.id', 'g.location_id')
    .select(['g.id', 'g.name', 'g.questionnaire_id as questionnaireId', 'g.places', 'l.id as locationId', 'l.name as locationName'])
    .where('l.institution_id', '=', institutionId)
    .orderBy('l.name')
    .orderBy('g.name')
    .execute();
}

/** The improvement actions of one group in one round, in the order they were written. */
export async function actionRows(db: Kysely<DB>, institutionId: string, groupId: string, roundId: string) {
  return db
    .selectFrom('improvement_action as a')
    .innerJoin('round as r', 'r.id', 'a.round_id')
    .select(['a.id', 'a.text', 'a.updated_at as updatedAt'])
    .where('r.institution_id', '=', institutionId)
    .where('a.group_id', '=', groupId)
    .where('a.round_id', '=', roundId)
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
}

/** Per round, questionnaire and location: how many groups were measured, and how many met k. */
export async function measuredGroups(db: Kysely<DB>, institutionId: string, k: number, scope: AggregateScope = {}) {
  const { roundIds, questionnaireId } = scope;
  if (roundIds?.length === 0) return [];
  let query = db
    .selectFrom('group_result as gr')
    .innerJoin('round as r', 'r.id', 'gr.round_id')
    .innerJoin('living_group as g', 'g.id', 'gr.group_id')
    .select((eb) => [
      'gr.round_id as roundId',
      'gr.questionnaire_id as questionnaireId',
      'g.location_id as locationId',
      eb.fn.countAll<number>().as('groups'),
      eb.fn.sum<number>(eb.case().when('gr.responses', '>=', k).then(1).else(0).end()).as('shown'),
    ])
    .where('r.institution_id', '=', institutionId)
    .where('r.status', '=', 'closed');
  if (roundIds) query = query.where('gr.round_id', 'in', [...roundIds]);
  if (questionnaireId) query = query.where('gr.questionnaire_id', '=', questionnaireId);
  const rows = await query.groupBy(['gr.round_id', 'gr.questionnaire_id', 'g.location_id']).execute();
  return rows.map((r) => ({ ...r, groups: Number(r.groups), shown: Number(r.shown) }));
}

/** The improvement actions of some groups in some rounds: a period report's list. */
export async function actionRowsOf(db: Kysely<DB>, institutionId: string, groupIds: readonly string[], roundIds: readonly string[]) {
  if (groupIds.length === 0 || roundIds.length === 0) return [];
  return db
    .selectFrom('improvement_action as a')
    .innerJoin('round as r', 'r.id', 'a.round_id')
    .select(['a.id', 'a.group_id as groupId', 'a.round_id as roundId', 'a.text'])
    .where('r.institution_id', '=', institutionId)
    .where('a.group_id', 'in', [...groupIds])
    .where('a.round_id', 'in', [...roundIds])
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
}
