import type { Kysely } from 'kysely';
import { audit } from '../audit/audit.service';
import type { CurrentUser } from '../auth/current-user';
import type { DB } from '../db/schema';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { forgetArrivalOrder, vacuumAnonymousTables } from '../survey/arrival-order';
import type { Logger } from '../logger';
import { institutionOf } from '../organisation/organisation.service';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import { isoDay, randomId, type Clock } from '../system';
import { defaultWindow, isCadence, nextPeriod, periodLabel, periodOf } from './period';
import * as repo from './round.repository';
import type { RoundRow, RoundStatus } from './round.table';

/** How many rounds ahead the cadence keeps planned. */
const PLAN_AHEAD = 2;

export interface RoundGroupView {
  readonly groupId: string;
  readonly groupName: string;
  readonly locationName: string;
  readonly places: number;
  readonly questionnaire: string;
  /** Responses so far: a count only (SPEC §4.4 — values appear after the round closes). */
  readonly responses: number;
}

export interface RoundView {
  readonly id: string;
  readonly period: string;
  readonly opensOn: string;
  readonly closesOn: string;
  readonly status: RoundStatus;
  readonly groups: readonly RoundGroupView[];
}

/** Rounds of the member's institution with, per group they may see, the number of responses. */
export async function listRoundViews(db: Kysely<DB>, user: CurrentUser, visibleGroupIds?: ReadonlySet<string>): Promise<RoundView[]> {
  const rounds = await repo.listRounds(db, institutionOf(user));
  const ids = rounds.map((r) => r.id);
  const [groups, counts] = await Promise.all([repo.listRoundGroups(db, ids), repo.countResponsesPerGroup(db, ids)]);
  const count = new Map(counts.map((c) => [`${c.round_id}/${c.group_id}`, Number(c.n)]));
  return rounds.map((r) => ({
    id: r.id,
    period: r.period,
    opensOn: r.opens_on,
    closesOn: r.closes_on,
    status: r.status,
    groups: groups
      .filter((g) => g.round_id === r.id && (!visibleGroupIds || visibleGroupIds.has(g.group_id)))
      .map((g) => ({
        groupId: g.group_id,
        groupName: g.group_name,
        locationName: g.location_name,
        places: g.places,
        questionnaire: g.questionnaire_version === null ? g.questionnaire_id : `${g.questionnaire_id}@${g.questionnaire_version}`,
        responses: count.get(`${r.id}/${g.group_id}`) ?? 0,
      })),
  }));
}

export async function createRound(db: Kysely<DB>, user: CurrentUser, form: { period: string; opensOn: string; closesOn: string }): Promise<string> {
  const institutionId = institutionOf(user);
  return db.transaction().execute(async (trx) => {
    const existing = await repo.listRounds(trx, institutionId);
    if (existing.some((r) => r.period === form.period)) {
      throw new ConflictError({ details: [{ path: 'period', message: 'v.this-period-already-has-a-round' }] });
    }
    const id = randomId();
    await repo.insertRound(trx, { id, institution_id: institutionId, period: form.period, opens_on: form.opensOn, closes_on: form.closesOn, status: 'planned' });
    await repo.syncPlannedRoundGroups(trx, institutionId);
    return id;
  });
}

export async function changeRoundDates(db: Kysely<DB>, user: CurrentUser, roundId: string, opensOn: string, closesOn: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const round = await repo.findRound(trx, institutionOf(user), roundId);
    if (!round) throw new NotFoundError();
    // An open round may be extended or shortened, but its opening already happened.
    if (round.status === 'closed' || (round.status === 'open' && opensOn !== round.opens_on)) {
      throw new ValidationError({ details: [{ path: 'opensOn', message: 'v.this-date-is-already-fixed' }] });
    }
    await repo.updateRoundDates(trx, roundId, opensOn, closesOn);
  });
}

/**
 * Opens a planned round: the groups are those active now, each with its questionnaire's latest
 * version — fixed from here on (SPEC §3).
 */
async function open(trx: Kysely<DB>, catalog: QuestionnaireCatalog, round: RoundRow, clock: Clock, actorId: string | null, logger?: Logger): Promise<boolean> {
  if (!(await repo.setRoundStatus(trx, round.id, 'planned', 'open'))) return false;
  const groups = await repo.activeGroupsOf(trx, round.institution_id);
  const rows = groups.flatMap((g) => {
    const q = catalog.latest(g.questionnaire_id);
    if (!q) logger?.warn('group left out of round: questionnaire not loaded', { round: round.period, questionnaire: g.questionnaire_id });
    return q ? [{ round_id: round.id, group_id: g.id, questionnaire_id: q.id, questionnaire_version: q.version }] : [];
  });
  await repo.replaceRoundGroups(trx, round.id, rows);
  await audit(trx, clock, { actorId, action: 'round-opened', subject: round.period, details: { groups: rows.length }, institutionId: round.institution_id });
  return true;
}

async function close(trx: Kysely<DB>, round: RoundRow, clock: Clock, actorId: string | null): Promise<boolean> {
  if (!(await repo.setRoundStatus(trx, round.id, 'open', 'closed'))) return false;
  // The status change waits for writers still storing answers in this round (they hold the row),
  // and no answer comes in after it: the round's rows are final here.
  await forgetArrivalOrder(trx, round.id);
  await audit(trx, clock, { actorId, action: 'round-closed', subject: round.period, institutionId: round.institution_id });
  return true;
}

export async function openRoundNow(db: Kysely<DB>, catalog: QuestionnaireCatalog, clock: Clock, user: CurrentUser, roundId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const round = await repo.findRound(trx, institutionOf(user), roundId);
    if (!round) throw new NotFoundError();
    const today = isoDay(clock.now());
    // A round whose window has passed would close again at the scheduler's next step.
    if (round.status === 'planned' && round.closes_on < today) throw new ValidationError({ message: 'v.change-dates-first' });
    if (!(await open(trx, catalog, round, clock, user.id))) throw new ConflictError({ message: 'v.this-round-is-not-planned' });
    if (round.opens_on > today) await repo.updateRoundDates(trx, round.id, today, round.closes_on);
  });
}

export async function closeRoundNow(db: Kysely<DB>, clock: Clock, user: CurrentUser, roundId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const round = await repo.findRound(trx, institutionOf(user), roundId);
    if (!round) throw new NotFoundError();
    if (!(await close(trx, round, clock, user.id))) throw new ConflictError({ message: 'v.this-round-is-not-open' });
    const today = isoDay(clock.now());
    if (round.closes_on > today) await repo.updateRoundDates(trx, round.id, round.opens_on, today);
  });
  await vacuumAnonymousTables(db);
}

/**
 * One scheduler step, for every institution: open planned rounds whose day has come, close open
 * rounds whose last day has passed, and keep the next rounds of the cadence planned.
 * Idempotent: running it twice at the same time changes nothing the second time.
 */
export async function runSchedule(db: Kysely<DB>, catalog: QuestionnaireCatalog, clock: Clock, logger?: Logger): Promise<{ opened: number; closed: number; planned: number }> {
  const today = isoDay(clock.now());
  let opened = 0;
  let closed = 0;
  let planned = 0;
  for (const institution of await repo.listInstitutionIds(db)) {
    await db.transaction().execute(async (trx) => {
      planned += await planAhead(trx, institution, clock);
      // Listed after planning, so a round planned inside its window opens in this same step.
      const rounds = await repo.listRounds(trx, institution.id);
      for (const r of rounds) {
        if (r.status === 'open' && r.closes_on < today && (await close(trx, r, clock, null))) closed++;
      }
      for (const r of rounds) {
        if (r.status === 'planned' && r.opens_on <= today && r.closes_on >= today && (await open(trx, catalog, r, clock, null, logger))) opened++;
      }
    });
  }
  if (closed > 0) await vacuumAnonymousTables(db);
  return { opened, closed, planned };
}

/** Keeps the next rounds of the institution's cadence planned; returns how many it added. */
async function planAhead(trx: Kysely<DB>, institution: { id: string; cadence_months: number }, clock: Clock): Promise<number> {
  if (!isCadence(institution.cadence_months)) return 0;
  // Nothing to plan for an institution without groups yet (a fresh installation).
  if ((await repo.activeGroupsOf(trx, institution.id)).length === 0) return 0;
  const today = isoDay(clock.now());
  const known = new Set((await repo.listRounds(trx, institution.id)).map((r) => r.period));
  let planned = 0;
  let period = periodOf(clock.now(), institution.cadence_months);
  for (let ahead = 0; ahead < PLAN_AHEAD + 1; ahead++, period = nextPeriod(period)) {
    const window = defaultWindow(period);
    if (window.closesOn < today || known.has(periodLabel(period))) continue;
    await repo.insertRound(trx, { id: randomId(), institution_id: institution.id, period: periodLabel(period), opens_on: window.opensOn, closes_on: window.closesOn, status: 'planned' });
    known.add(periodLabel(period));
    planned++;
  }
  await repo.syncPlannedRoundGroups(trx, institution.id);
  return planned;
}
