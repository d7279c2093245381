import type { Kysely } from 'kysely';
import { Forbidden } from '../auth/auth.middleware';
import type { Viewer } from '../auth/current-user';
import { ownGroupIds } from '../auth/user.service';
import type { DB } from '../db/schema';
import { NotFoundError } from '../errors';
import type { Logger } from '../logger';
import { institutionOf } from '../organisation/organisation.service';
import type { LocalizedText, Questionnaire } from '../questionnaires/questionnaire';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import * as repo from './results.repository';
import { summarizeClosedRounds } from './round-summary';
import { recode } from './scoring';
import { describeMoments, hedgesFromMoments, momentsFromSums, welchFromMoments, type Moments } from './statistics';

/**
 * The one source of result figures for pages, the JSON API, CSV and reports (SPEC §4, §6).
 *
 * The anonymity rules live here, so that no caller can get around them:
 * - only closed rounds (the summaries exist for closed rounds only, and every query checks);
 * - a group's figures only when it has at least k responses, and each figure only when its own n
 *   (respondents with a scale score, answers to an item) is at least k;
 * - location and institution figures add only groups that meet k on their own, and say how many
 *   groups were left out;
 * - open answers only at k responses or more, in the order of their random ids;
 * - sorting never places a hidden group by its hidden value.
 * A hidden figure is absent from the result, not merely flagged: there is nothing to leak.
 */
export interface ResultsContext {
  readonly db: Kysely<DB>;
  readonly questionnaires: QuestionnaireCatalog;
  /** The anonymity threshold (config, never below 3). */
  readonly k: number;
  readonly logger?: Logger;
}

export type Hidden = 'too-few-responses' | 'too-few-answers';

/** A shown statistic. `sd` and the interval need n ≥ 2, which k ≥ 3 guarantees. */
export interface Figure {
  readonly n: number;
  readonly mean: number;
  readonly sd: number | undefined;
  readonly ciLow: number | undefined;
  readonly ciHigh: number | undefined;
}

export type Direction = 'better' | 'worse' | 'same' | 'unclear';

/** Change against an earlier round: Welch's test and Hedges' g, read as plain words. */
export interface Change {
  readonly fromRoundId: string;
  readonly fromPeriod: string;
  readonly difference: number;
  readonly hedgesG: number | undefined;
  readonly p: number | undefined;
  /** better/worse only when the test says the difference is unlikely to be chance (p < 0.05). */
  readonly direction: Direction;
  readonly size: 'negligible' | 'small' | 'medium' | 'large' | undefined;
}

export interface ScaleCell {
  readonly scaleId: string;
  readonly figure?: Figure;
  readonly alpha?: number;
  readonly hidden?: Hidden;
  readonly change?: Change;
}

export interface ScaleInfo {
  readonly id: string;
  readonly name: LocalizedText;
  readonly description: LocalizedText;
  readonly higherIsBetter: boolean;
  readonly isTotal: boolean;
}

export interface Instrument {
  readonly questionnaireId: string;
  readonly title: LocalizedText;
  readonly min: number;
  readonly max: number;
  readonly scales: readonly ScaleInfo[];
}

export interface GroupRound {
  readonly roundId: string;
  readonly period: string;
  readonly questionnaireVersion: number;
  readonly closesOn: string;
  readonly responses: number;
  readonly places: number;
  /** responses / places; a count, shown for every group. */
  readonly responseRate: number;
  /** Whether the group met k in this round. */
  readonly shown: boolean;
  readonly scales: readonly ScaleCell[];
}

export interface AggregateCell {
  readonly scaleId: string;
  /** Groups whose figures are in it. */
  readonly groups: number;
  /** Groups in scope that are not in it: below k, in responses or in this scale's n. */
  readonly leftOut: number;
  readonly figure?: Figure;
  /**
   * Set when a group leader would otherwise see the institution's figure with only one group in it
   * besides their own: taking their own figures away would give that other group's exactly.
   */
  readonly withheld?: 'too-few-other-groups';
}

export interface Aggregate {
  readonly roundId: string;
  readonly period: string;
  readonly questionnaireId: string;
  /** Groups measured in scope, and of those how many met k in responses. */
  readonly groupsMeasured: number;
  readonly groupsShown: number;
  readonly scales: readonly AggregateCell[];
}

export interface GroupInfo {
  readonly id: string;
  readonly name: string;
  readonly locationId: string;
  readonly locationName: string;
  readonly questionnaireId: string;
}

export interface GroupTrend {
  readonly k: number;
  readonly group: GroupInfo;
  readonly instrument: Instrument | undefined;
  readonly rounds: readonly GroupRound[];
  /** The institution's figures for the same questionnaire, per round of the group. */
  readonly institution: readonly Aggregate[];
  /** The questionnaire of these rounds: only rounds on the same questionnaire are compared. */
  readonly questionnaireId: string;
  /** Every closed round of the group, oldest first, whatever its questionnaire (to choose from). */
  readonly roundChoices: readonly { readonly roundId: string; readonly period: string; readonly questionnaireId: string }[];
}

export interface ItemFigure {
  readonly itemId: string;
  readonly scaleId: string;
  readonly text: LocalizedText;
  readonly reverse: boolean;
  /** Mean of the answers as scored for the scale (reverse-keyed items recoded). */
  readonly figure: Figure;
  /** The mean turned so that higher is always better: what "stands out" is sorted by. */
  readonly favourable: number;
  readonly changeFavourable?: number;
  readonly distribution: readonly { readonly value: number; readonly label: LocalizedText; readonly count: number }[];
}

export interface GroupRoundDetail extends GroupTrend {
  readonly round: GroupRound;
  readonly previous: GroupRound | undefined;
  readonly institutionRound: Aggregate | undefined;
  /** Only when the round is shown; each item only at n ≥ k. */
  readonly items: readonly ItemFigure[];
  readonly standOut: { readonly highest: readonly ItemFigure[]; readonly lowest: readonly ItemFigure[]; readonly changed: readonly ItemFigure[] };
  /** Internal: never in anything that leaves the institution. Only when the round is shown. */
  readonly openAnswers: readonly { readonly question: LocalizedText; readonly answers: readonly string[] }[];
  readonly actions: readonly { readonly id: string; readonly text: string; readonly updatedAt: string }[];
}

export interface OverviewGroup extends GroupInfo {
  readonly round: GroupRound;
  /** Scale means over the institution's closed rounds (null where hidden or not measured). */
  readonly trend: readonly { readonly period: string; readonly means: readonly (number | null)[] }[];
}

export interface OverviewSection {
  readonly instrument: Instrument;
  readonly institution: Aggregate;
  readonly locations: readonly { readonly id: string; readonly name: string; readonly aggregate: Aggregate }[];
  readonly groups: readonly OverviewGroup[];
}

export type SortKey = 'location' | 'group' | 'responses' | `scale:${string}`;

export interface OverviewFilter {
  readonly roundId?: string;
  readonly locationId?: string;
  readonly questionnaireId?: string;
  readonly sort?: SortKey;
  readonly descending?: boolean;
}

export interface Overview {
  readonly k: number;
  readonly rounds: readonly { readonly id: string; readonly period: string }[];
  readonly round: { readonly id: string; readonly period: string } | undefined;
  readonly locations: readonly { readonly id: string; readonly name: string }[];
  readonly questionnaireIds: readonly string[];
  readonly filter: OverviewFilter;
  readonly sections: readonly OverviewSection[];
}

const SIGNIFICANCE = 0.05;
/** Rounds in the overview's small multiples: four years of half-yearly rounds. */
const TREND_ROUNDS = 8;
const STAND_OUT = 3;

/**
 * The groups whose results this staff member may see (a group leader: their own), with location;
 * municipality viewers see reports only.
 */
export async function visibleGroups(ctx: ResultsContext, user: Viewer) {
  const institutionId = institutionOf(user);
  if (user.role === 'municipality_viewer') throw new Forbidden();
  const groups = await repo.groupsOf(ctx.db, institutionId);
  if (user.role !== 'group_leader') return { institutionId, groups, own: undefined };
  const own = await ownGroupIds(ctx.db, user.id);
  return { institutionId, groups: groups.filter((g) => own.includes(g.id)), own };
}

/** The groups a staff member can open results of: the group leader's list at /results. */
export async function resultGroups(ctx: ResultsContext, user: Viewer) {
  return (await visibleGroups(ctx, user)).groups;
}

export async function prepare(ctx: ResultsContext) {
  await summarizeClosedRounds(ctx.db, ctx.questionnaires, ctx.logger);
}

/**
 * A group's closed rounds, oldest first, with their results: the data of the group page's trend.
 * Only rounds on one questionnaire are put side by side — that of `roundId`, or of the latest
 * round — since scores of different instruments (a 3-point children's scale, a 5-point one) do
 * not compare.
 */
export async function groupTrend(ctx: ResultsContext, user: Viewer, groupId: string, roundId?: string): Promise<GroupTrend> {
  await prepare(ctx);
  const { institutionId, groups, own } = await visibleGroups(ctx, user);
  const group = groups.find((g) => g.id === groupId);
  if (!group) throw new NotFoundError();
  const all = await repo.groupRounds(ctx.db, institutionId, { groupIds: [groupId] });
  const chosen = roundId === undefined ? all.at(-1) : all.find((r) => r.roundId === roundId);
  if (roundId !== undefined && !chosen) throw new NotFoundError();
  const questionnaireId = chosen?.questionnaireId ?? group.questionnaireId;
  const rows = all.filter((r) => r.questionnaireId === questionnaireId);
  const scales = await repo.scaleRows(ctx.db, institutionId, { groupIds: [groupId], roundIds: rows.map((r) => r.roundId) });
  const instrument = instrumentFor(ctx, questionnaireId, chosen?.questionnaireVersion);
  const rounds = groupRoundsWithChange(ctx.k, instrument, rows, indexScales(scales));
  const aggregates = await aggregatesFor(ctx, institutionId, rows.map((r) => r.roundId), questionnaireId);
  let institution = rows.flatMap((r) => aggregates.institution(r.roundId, r.period, questionnaireId, instrument) ?? []);
  if (own) institution = await withoutOwnGroupsDifference(ctx, institutionId, own, questionnaireId, institution);
  const roundChoices = all.map((r) => ({ roundId: r.roundId, period: r.period, questionnaireId: r.questionnaireId }));
  return { k: ctx.k, group: groupInfo(group), instrument, rounds, institution, questionnaireId, roundChoices };
}

/** One closed round of a group in detail: the group page below the trend. */
export async function groupRoundDetail(ctx: ResultsContext, user: Viewer, groupId: string, roundId?: string): Promise<GroupRoundDetail | GroupTrend> {
  const trend = await groupTrend(ctx, user, groupId, roundId);
  const index = roundId === undefined ? trend.rounds.length - 1 : trend.rounds.findIndex((r) => r.roundId === roundId);
  const round = trend.rounds[index];
  if (!round) return trend;
  const previous = index > 0 ? trend.rounds[index - 1] : undefined;
  const institutionId = institutionOf(user);
  const q = ctx.questionnaires.get(trend.questionnaireId, round.questionnaireVersion);

  let items: ItemFigure[] = [];
  let openAnswers: GroupRoundDetail['openAnswers'] = [];
  if (round.shown && q) {
    const itemData = await repo.itemRows(ctx.db, institutionId, groupId, previous ? [round.roundId, previous.roundId] : [round.roundId]);
    const before = previous?.shown ? itemFigures(q, ctx.k, itemData.filter((r) => r.roundId === previous.roundId)) : [];
    items = itemFigures(q, ctx.k, itemData.filter((r) => r.roundId === round.roundId)).map((item) => {
      const earlier = before.find((b) => b.itemId === item.itemId);
      return earlier ? { ...item, changeFavourable: item.favourable - earlier.favourable } : item;
    });
    const texts = await repo.openAnswerRows(ctx.db, institutionId, groupId, round.roundId);
    openAnswers = q.openQuestions
      .map((question) => ({ question: question.text, answers: texts.filter((t) => t.questionId === question.id).map((t) => t.text) }))
      .filter((o) => o.answers.length > 0);
  }
  const byFavourable = [...items].sort((a, b) => b.favourable - a.favourable || a.itemId.localeCompare(b.itemId));
  const half = Math.min(STAND_OUT, Math.floor(byFavourable.length / 2));
  const changed = items
    .filter((i) => i.changeFavourable !== undefined && i.changeFavourable !== 0)
    .sort((a, b) => Math.abs(b.changeFavourable!) - Math.abs(a.changeFavourable!) || a.itemId.localeCompare(b.itemId));
  const actions = await repo.actionRows(ctx.db, institutionId, groupId, round.roundId);
  return {
    ...trend,
    round,
    previous,
    institutionRound: trend.institution.find((a) => a.roundId === round.roundId),
    items,
    // With few items, the best and the worst halves: never the same question in both lists.
    standOut: { highest: byFavourable.slice(0, half), lowest: byFavourable.slice(byFavourable.length - half).reverse(), changed: changed.slice(0, STAND_OUT) },
    openAnswers,
    actions,
  };
}

export function isDetail(result: GroupRoundDetail | GroupTrend): result is GroupRoundDetail {
  return 'round' in result;
}

/** The manager's overview: every location and group in one closed round, per questionnaire. */
export async function overview(ctx: ResultsContext, user: Viewer, filter: OverviewFilter = {}): Promise<Overview> {
  if (user.role !== 'administrator' && user.role !== 'manager') throw new Forbidden();
  await prepare(ctx);
  const { institutionId, groups } = await visibleGroups(ctx, user);
  const closed = await repo.closedRounds(ctx.db, institutionId);
  const round = filter.roundId === undefined ? closed.at(-1) : closed.find((r) => r.id === filter.roundId);
  if (filter.roundId !== undefined && !round) throw new NotFoundError();
  const locations = [...new Map(groups.map((g) => [g.locationId, { id: g.locationId, name: g.locationName }])).values()];
  const base = {
    k: ctx.k,
    rounds: closed.map((r) => ({ id: r.id, period: r.period })),
    round: round && { id: round.id, period: round.period },
    locations,
    questionnaireIds: [...new Set(groups.map((g) => g.questionnaireId))].sort(),
    filter,
  };
  if (!round) return { ...base, sections: [] };

  // Trends at a glance: the last few rounds up to the chosen one.
  const trendRoundIds = closed.slice(0, closed.indexOf(round) + 1).slice(-TREND_ROUNDS).map((r) => r.id);
  const [allRows, scales, aggregates] = await Promise.all([
    repo.groupRounds(ctx.db, institutionId, { roundIds: trendRoundIds }),
    repo.scaleRows(ctx.db, institutionId, { roundIds: trendRoundIds }),
    aggregatesFor(ctx, institutionId, [round.id]),
  ]);
  const rows = allRows.filter((r) => r.roundId === round.id);
  const historyOf = groupBy(allRows, (r) => `${r.groupId}/${r.questionnaireId}`);
  const scaleIndex = indexScales(scales);
  const sections: OverviewSection[] = [];
  for (const questionnaireId of [...new Set(rows.map((r) => r.questionnaireId))].sort()) {
    if (filter.questionnaireId && filter.questionnaireId !== questionnaireId) continue;
    const sectionRows = rows.filter((r) => r.questionnaireId === questionnaireId);
    const instrument = instrumentFor(ctx, questionnaireId, Math.max(...sectionRows.map((r) => r.questionnaireVersion)));
    if (!instrument) continue;
    const institution = aggregates.institution(round.id, round.period, questionnaireId, instrument)!;
    const shownRows = sectionRows.filter((r) => !filter.locationId || r.locationId === filter.locationId);
    const groupList: OverviewGroup[] = shownRows.map((row) => {
      const trendRounds = groupRoundsWithChange(ctx.k, instrument, historyOf.get(`${row.groupId}/${questionnaireId}`) ?? [], scaleIndex);
      const current = trendRounds.find((r) => r.roundId === round.id)!;
      return {
        id: row.groupId,
        name: row.groupName,
        locationId: row.locationId,
        locationName: row.locationName,
        questionnaireId,
        round: current,
        trend: trendRounds.map((r) => ({ period: r.period, means: r.scales.map((c) => c.figure?.mean ?? null) })),
      };
    });
    // A questionnaire none of the chosen location's groups uses has nothing to show there.
    if (shownRows.length === 0) continue;
    const locationIds = [...new Set(shownRows.map((r) => r.locationId))];
    sections.push({
      instrument,
      institution,
      locations: locationIds.map((id) => ({
        id,
        name: shownRows.find((r) => r.locationId === id)!.locationName,
        aggregate: aggregates.location(round.id, round.period, questionnaireId, id, instrument),
      })),
      groups: sortGroups(groupList, filter),
    });
  }
  return { ...base, sections };
}

/** The institution's figures per closed round and questionnaire (only groups that meet k). */
export async function institutionTrend(ctx: ResultsContext, user: Viewer): Promise<{ k: number; instruments: readonly { instrument: Instrument; rounds: readonly Aggregate[] }[] }> {
  if (user.role !== 'administrator' && user.role !== 'manager') throw new Forbidden();
  await prepare(ctx);
  const institutionId = institutionOf(user);
  const closed = await repo.closedRounds(ctx.db, institutionId);
  const aggregates = await aggregatesFor(ctx, institutionId);
  const instruments = aggregates.questionnaireIds.flatMap((id) => {
    const instrument = instrumentFor(ctx, id);
    if (!instrument) return [];
    return [{ instrument, rounds: closed.flatMap((r) => aggregates.institution(r.id, r.period, id, instrument) ?? []) }];
  });
  return { k: ctx.k, instruments };
}

// ——— Building blocks (shared with period.service.ts) ———

/**
 * A group leader sees their own groups' figures; an institution figure made of their groups and a
 * single other one would, by subtraction, give that other group's n, mean and SD. Such figures are
 * withheld from group leaders: at least two other groups must be in it.
 */
async function withoutOwnGroupsDifference(ctx: ResultsContext, institutionId: string, own: readonly string[], questionnaireId: string, aggregates: Aggregate[]): Promise<Aggregate[]> {
  const roundIds = aggregates.map((a) => a.roundId);
  const [ownRows, ownScales] = await Promise.all([
    repo.groupRounds(ctx.db, institutionId, { groupIds: own, roundIds }),
    repo.scaleRows(ctx.db, institutionId, { groupIds: own, roundIds }),
  ]);
  return aggregates.map((aggregate) => {
    const shownOwn = ownRows.filter((r) => r.roundId === aggregate.roundId && r.questionnaireId === questionnaireId && r.responses >= ctx.k);
    const scales = aggregate.scales.map((cell): AggregateCell => {
      const ownIn = shownOwn.filter((r) => ownScales.some((s) => s.roundId === r.roundId && s.groupId === r.groupId && s.scaleId === cell.scaleId && s.n >= ctx.k)).length;
      if (!cell.figure || cell.groups - ownIn >= 2) return cell;
      return { scaleId: cell.scaleId, groups: cell.groups, leftOut: cell.leftOut, withheld: 'too-few-other-groups' };
    });
    return { ...aggregate, scales };
  });
}

function groupInfo(g: { id: string; name: string; locationId: string; locationName: string; questionnaireId: string }): GroupInfo {
  return { id: g.id, name: g.name, locationId: g.locationId, locationName: g.locationName, questionnaireId: g.questionnaireId };
}

export function instrumentFor(ctx: ResultsContext, questionnaireId: string, version?: number): Instrument | undefined {
  const q = (version === undefined ? undefined : ctx.questionnaires.get(questionnaireId, version)) ?? ctx.questionnaires.latest(questionnaireId);
  if (!q) return undefined;
  const scales: ScaleInfo[] = q.scales.map((s) => ({ id: s.id, name: s.name, description: s.description, higherIsBetter: s.higherIsBetter, isTotal: false }));
  if (q.scoring.total) scales.push({ id: q.scoring.total.id, name: q.scoring.total.name, description: q.scoring.total.description, higherIsBetter: true, isTotal: true });
  return { questionnaireId: q.id, title: q.title, min: q.responseScale.min, max: q.responseScale.max, scales };
}

function figureOf(m: Moments): Figure | undefined {
  const d = describeMoments(m);
  if (d.mean === undefined) return undefined;
  return { n: d.n, mean: d.mean, sd: d.sd, ciLow: d.ci95?.low, ciHigh: d.ci95?.high };
}

/** Each round of one group, with figures only where k is met, and the change against the round before. */
export function groupRoundsWithChange(k: number, instrument: Instrument | undefined, rows: readonly repo.GroupRoundRow[], scales: ScaleIndex): GroupRound[] {
  const result: GroupRound[] = [];
  let previous: { round: GroupRound; moments: Map<string, Moments> } | undefined;
  for (const row of rows) {
    const shown = row.responses >= k;
    const moments = new Map<string, Moments>();
    const cells: ScaleCell[] = (instrument?.scales ?? []).map((scale) => {
      if (!shown) return { scaleId: scale.id, hidden: 'too-few-responses' as const };
      const s = scales.get(scaleKey(row.roundId, row.groupId, scale.id));
      if (!s || s.n < k) return { scaleId: scale.id, hidden: 'too-few-answers' as const };
      const m = momentsFromSums(s.n, s.sum, s.sumSquares);
      moments.set(scale.id, m);
      const before = previous?.moments.get(scale.id);
      return {
        scaleId: scale.id,
        figure: figureOf(m),
        // Alpha has its own n (complete answers only): shown only when that, too, meets k.
        ...(s.alpha === null || s.alphaN < k ? {} : { alpha: s.alpha }),
        ...(before && previous ? { change: changeBetween(before, m, previous.round, scale.higherIsBetter) } : {}),
      };
    });
    const round: GroupRound = {
      roundId: row.roundId,
      period: row.period,
      questionnaireVersion: row.questionnaireVersion,
      closesOn: row.closesOn,
      responses: row.responses,
      places: row.places,
      responseRate: row.places > 0 ? row.responses / row.places : 0,
      shown,
      scales: cells,
    };
    result.push(round);
    previous = { round, moments };
  }
  return result;
}

export type ScaleIndex = ReadonlyMap<string, repo.ScaleRow>;

function scaleKey(roundId: string, groupId: string, scaleId: string): string {
  return `${roundId}/${groupId}/${scaleId}`;
}

export function indexScales(rows: readonly repo.ScaleRow[]): ScaleIndex {
  return new Map(rows.map((r) => [scaleKey(r.roundId, r.groupId, r.scaleId), r]));
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function changeBetween(before: Moments, after: Moments, from: GroupRound, higherIsBetter: boolean): Change {
  const test = welchFromMoments(before, after);
  const g = hedgesFromMoments(before, after);
  const difference = (after.mean ?? 0) - (before.mean ?? 0);
  const better = higherIsBetter ? difference > 0 : difference < 0;
  const direction: Direction = test === undefined ? 'unclear' : test.p < SIGNIFICANCE ? (better ? 'better' : 'worse') : 'same';
  const size = g === undefined ? undefined : Math.abs(g) < 0.2 ? 'negligible' : Math.abs(g) < 0.5 ? 'small' : Math.abs(g) < 0.8 ? 'medium' : 'large';
  return { fromRoundId: from.roundId, fromPeriod: from.period, difference, hedgesG: g, p: test?.p, direction, size };
}

/**
 * Location and institution figures from SQL sums of the groups that meet k, with the count of
 * groups measured in the same scope, so "left out" is always stated.
 */
export async function aggregatesFor(ctx: ResultsContext, institutionId: string, roundIds?: readonly string[], questionnaireId?: string) {
  const [sums, measured] = await Promise.all([
    repo.aggregateRows(ctx.db, institutionId, ctx.k, { roundIds, questionnaireId }),
    repo.measuredGroups(ctx.db, institutionId, ctx.k, { roundIds, questionnaireId }),
  ]);
  const build = (roundId: string, period: string, questionnaireId: string, instrument: Instrument, locationIds?: ReadonlySet<string>): Aggregate => {
    const inScope = <T extends { roundId: string; questionnaireId: string; locationId: string }>(r: T) =>
      r.roundId === roundId && r.questionnaireId === questionnaireId && (locationIds === undefined || locationIds.has(r.locationId));
    const scope = measured.filter(inScope);
    const groupsMeasured = scope.reduce((n, r) => n + r.groups, 0);
    const groupsShown = scope.reduce((n, r) => n + r.shown, 0);
    const scales = instrument.scales.map((scale) => {
      const parts = sums.filter((r) => inScope(r) && r.scaleId === scale.id);
      const groups = parts.reduce((n, r) => n + r.groups, 0);
      const m = momentsFromSums(
        parts.reduce((n, r) => n + r.n, 0),
        parts.reduce((n, r) => n + r.sum, 0),
        parts.reduce((n, r) => n + r.sumSquares, 0),
      );
      const figure = groups > 0 ? figureOf(m) : undefined;
      return { scaleId: scale.id, groups, leftOut: groupsMeasured - groups, ...(figure ? { figure } : {}) };
    });
    return { roundId, period, questionnaireId, groupsMeasured, groupsShown, scales };
  };
  return {
    questionnaireIds: [...new Set(measured.map((r) => r.questionnaireId))].sort(),
    institution: (roundId: string, period: string, questionnaireId: string, instrument: Instrument | undefined) =>
      instrument && measured.some((r) => r.roundId === roundId && r.questionnaireId === questionnaireId) ? build(roundId, period, questionnaireId, instrument) : undefined,
    location: (roundId: string, period: string, questionnaireId: string, locationId: string, instrument: Instrument) => build(roundId, period, questionnaireId, instrument, new Set([locationId])),
    /** Several locations together: the locations of one municipality's contract. */
    locations: (roundId: string, period: string, questionnaireId: string, locationIds: ReadonlySet<string>, instrument: Instrument) => build(roundId, period, questionnaireId, instrument, locationIds),
  };
}

function itemFigures(q: Questionnaire, k: number, rows: readonly repo.ItemRow[]): ItemFigure[] {
  const { min, max } = q.responseScale;
  return q.items.flatMap((item) => {
    const counts = rows.filter((r) => r.itemId === item.id);
    let n = 0;
    let sum = 0;
    let sumSquares = 0;
    for (const c of counts) {
      const scored = recode(q, item.id, c.value);
      n += c.count;
      sum += scored * c.count;
      sumSquares += scored * scored * c.count;
    }
    if (n < k) return [];
    const figure = figureOf(momentsFromSums(n, sum, sumSquares));
    if (!figure) return [];
    const higherIsBetter = q.scales.find((s) => s.id === item.scale)?.higherIsBetter ?? true;
    return [
      {
        itemId: item.id,
        scaleId: item.scale,
        text: item.text,
        reverse: item.reverse,
        figure,
        favourable: higherIsBetter ? figure.mean : min + max - figure.mean,
        distribution: q.responseScale.points.map((p) => ({ value: p.value, label: p.label, count: counts.find((c) => c.value === p.value)?.count ?? 0 })),
      },
    ];
  });
}

/**
 * Sorting by a value puts the hidden groups last, in location and name order, whatever the
 * direction: their place in the list must not hint at the values they hide.
 */
function sortGroups(groups: OverviewGroup[], filter: OverviewFilter): OverviewGroup[] {
  const byName = (a: OverviewGroup, b: OverviewGroup) => a.locationName.localeCompare(b.locationName) || a.name.localeCompare(b.name);
  const sign = filter.descending ? -1 : 1;
  const sort = filter.sort ?? 'location';
  if (sort === 'location') return [...groups].sort((a, b) => sign * byName(a, b));
  if (sort === 'group') return [...groups].sort((a, b) => sign * (a.name.localeCompare(b.name) || a.locationName.localeCompare(b.locationName)));
  if (sort === 'responses') return [...groups].sort((a, b) => sign * (a.round.responseRate - b.round.responseRate) || byName(a, b));
  const scaleId = sort.slice('scale:'.length);
  const valueOf = (g: OverviewGroup) => g.round.scales.find((s) => s.scaleId === scaleId)?.figure?.mean;
  const withValue = groups.filter((g) => valueOf(g) !== undefined).sort((a, b) => sign * (valueOf(a)! - valueOf(b)!) || byName(a, b));
  const hidden = groups.filter((g) => valueOf(g) === undefined).sort(byName);
  return [...withValue, ...hidden];
}
