import type { Viewer } from '../auth/current-user';
import { NotFoundError } from '../errors';
import { Forbidden } from '../auth/auth.middleware';
import * as org from '../organisation/organisation.repository';
import { institutionOf } from '../organisation/organisation.service';
import * as repo from './results.repository';
import {
  aggregatesFor,
  groupBy,
  groupRoundsWithChange,
  indexScales,
  instrumentFor,
  prepare,
  type Aggregate,
  type GroupInfo,
  type GroupRound,
  type Instrument,
  type ResultsContext,
} from './results.service';

/**
 * A period's results for a period report (SPEC §6): every closed round that closed within the
 * period, per questionnaire, for the whole institution or for the locations of one municipality's
 * contract. The same building blocks and k rules as the pages: a group's figures only at ≥ k
 * responses, each figure at its own n ≥ k, aggregates only of groups that meet k, with the count
 * left out. Open answers are not read at all.
 */
export interface PeriodQuery {
  /** ISO days, both inclusive: rounds whose closing day falls within. */
  readonly from: string;
  readonly to: string;
  readonly municipalityId?: string;
}

export interface PeriodGroup extends GroupInfo {
  readonly rounds: readonly GroupRound[];
  readonly actions: readonly { readonly roundId: string; readonly period: string; readonly text: string }[];
}

export interface PeriodSection {
  readonly instrument: Instrument;
  readonly versions: readonly number[];
  readonly rounds: readonly { readonly roundId: string; readonly period: string }[];
  /** Per round: all groups in scope together (the contract's locations, or the institution). */
  readonly scope: readonly Aggregate[];
  readonly locations: readonly { readonly id: string; readonly name: string; readonly rounds: readonly Aggregate[] }[];
  readonly groups: readonly PeriodGroup[];
}

export interface PeriodResults {
  readonly k: number;
  readonly from: string;
  readonly to: string;
  readonly institution: { readonly id: string; readonly name: string; readonly cadenceMonths: number };
  readonly municipality?: { readonly id: string; readonly name: string };
  /** The locations the report covers (all of the institution's, or the contract's). */
  readonly locations: readonly { readonly id: string; readonly name: string }[];
  readonly rounds: readonly { readonly roundId: string; readonly period: string; readonly opensOn: string; readonly closesOn: string }[];
  readonly sections: readonly PeriodSection[];
}

export async function periodResults(ctx: ResultsContext, viewer: Viewer, query: PeriodQuery): Promise<PeriodResults> {
  if (viewer.role !== 'administrator' && viewer.role !== 'manager') throw new Forbidden();
  await prepare(ctx);
  const institutionId = institutionOf(viewer);
  const found = await org.findInstitution(ctx.db, institutionId);
  if (!found) throw new NotFoundError();
  const institution = { id: found.id, name: found.name, cadenceMonths: found.cadence_months };
  const allLocations = (await org.listLocations(ctx.db, institutionId)).map((l) => ({ id: l.id, name: l.name }));
  let municipality: { id: string; name: string } | undefined;
  let locations = allLocations;
  if (query.municipalityId !== undefined) {
    const row = await org.findMunicipality(ctx.db, institutionId, query.municipalityId);
    if (!row) throw new NotFoundError();
    municipality = { id: row.id, name: row.name };
    const covered = new Set((await org.listMunicipalityLocations(ctx.db, institutionId)).filter((c) => c.municipality_id === row.id).map((c) => c.location_id));
    locations = allLocations.filter((l) => covered.has(l.id));
  }
  const locationIds = new Set(locations.map((l) => l.id));

  const rounds = (await repo.closedRounds(ctx.db, institutionId)).filter((r) => r.closesOn >= query.from && r.closesOn <= query.to);
  const roundIds = rounds.map((r) => r.id);
  const [allRows, scales, aggregates] = await Promise.all([
    repo.groupRounds(ctx.db, institutionId, { roundIds }),
    repo.scaleRows(ctx.db, institutionId, { roundIds }),
    aggregatesFor(ctx, institutionId, roundIds),
  ]);
  const rows = allRows.filter((r) => locationIds.has(r.locationId));
  const actions = await repo.actionRowsOf(ctx.db, institutionId, [...new Set(rows.map((r) => r.groupId))], roundIds);
  const scaleIndex = indexScales(scales);
  const periodOf = new Map(rounds.map((r) => [r.id, r.period]));

  const sections: PeriodSection[] = [];
  for (const questionnaireId of [...new Set(rows.map((r) => r.questionnaireId))].sort()) {
    const sectionRows = rows.filter((r) => r.questionnaireId === questionnaireId);
    const versions = [...new Set(sectionRows.map((r) => r.questionnaireVersion))].sort((a, b) => a - b);
    const instrument = instrumentFor(ctx, questionnaireId, versions.at(-1));
    if (!instrument) continue;
    const sectionRounds = rounds.filter((r) => sectionRows.some((row) => row.roundId === r.id)).map((r) => ({ roundId: r.id, period: r.period }));
    const sectionLocations = locations.filter((l) => sectionRows.some((r) => r.locationId === l.id));
    const perRound = (build: (roundId: string, period: string) => Aggregate) => sectionRounds.map((r) => build(r.roundId, r.period));
    const groups = [...groupBy(sectionRows, (r) => r.groupId).values()].map((history): PeriodGroup => {
      const first = history[0]!;
      return {
        id: first.groupId,
        name: first.groupName,
        locationId: first.locationId,
        locationName: first.locationName,
        questionnaireId,
        rounds: groupRoundsWithChange(ctx.k, instrument, history, scaleIndex),
        actions: actions.filter((a) => a.groupId === first.groupId && history.some((h) => h.roundId === a.roundId)).map((a) => ({ roundId: a.roundId, period: periodOf.get(a.roundId)!, text: a.text })),
      };
    });
    sections.push({
      instrument,
      versions,
      rounds: sectionRounds,
      scope: perRound((id, period) =>
        municipality ? aggregates.locations(id, period, questionnaireId, locationIds, instrument) : aggregates.institution(id, period, questionnaireId, instrument)!,
      ),
      locations: sectionLocations.map((l) => ({ id: l.id, name: l.name, rounds: perRound((id, period) => aggregates.location(id, period, questionnaireId, l.id, instrument)) })),
      groups: groups.sort((a, b) => a.locationName.localeCompare(b.locationName) || a.name.localeCompare(b.name)),
    });
  }
  return {
    k: ctx.k,
    from: query.from,
    to: query.to,
    institution,
    ...(municipality ? { municipality } : {}),
    locations,
    rounds: rounds.filter((r) => rows.some((row) => row.roundId === r.id)).map((r) => ({ roundId: r.id, period: r.period, opensOn: r.opensOn, closesOn: r.closesOn })),
    sections,
  };
}

