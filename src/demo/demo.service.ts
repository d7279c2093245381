import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { ConflictError } from '../errors';
import { tBoth } from '../i18n/messages';
import { insertImprovementAction } from '../improvement-actions/improvement-action.repository';
import { firstInstitutionId, insertGroup, insertInstitution, insertLocation, insertMunicipality, listLocations, replaceMunicipalityLocations } from '../organisation/organisation.repository';
import type { Questionnaire } from '../questionnaires/questionnaire';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import { insertOpenAnswers, insertResponse } from '../responses/response.repository';
import { insertRound, insertRoundGroups, listRounds, syncPlannedRoundGroups } from '../rounds/round.repository';
import { defaultWindow, nextPeriod, periodLabel, periodOf, previousPeriod, type Period } from '../rounds/period';
import { isoDay, randomId, type Clock } from '../system';
import { demoImprovementActions, demoInstitution, demoOpenAnswers, type DemoGroup, type Trend } from './demo.data';
import { createRandom, type Random } from './random';

export interface DemoSummary {
  readonly institutionId: string;
  readonly groups: number;
  readonly rounds: number;
  readonly responses: number;
}

export type Progress = (done: number, total: number) => void;

/**
 * Loads the demo institution with simulated, closed rounds (SPEC §7) into an empty database.
 * Answers are drawn from a model in which a group has a climate level per scale, each young
 * person differs from it by a personal factor shared across scales (so scales correlate, as real
 * answers do) and each item adds noise. The same seed gives the same answers.
 */
export async function loadDemo(
  db: Kysely<DB>,
  catalog: QuestionnaireCatalog,
  clock: Clock,
  options: { seed?: number; onProgress?: Progress } = {},
): Promise<DemoSummary> {
  const random = createRandom(options.seed ?? 2026);
  const now = clock.now();
  const periods = closedPeriods(now, demoInstitution.closedRounds);
  const groups: (DemoGroup & { location: string })[] = demoInstitution.locations.flatMap((l) =>
    l.groups.map((g: DemoGroup) => ({ ...g, location: l.name })),
  );
  const questionnaires = new Map(groups.map((g) => [g.questionnaireId, requireQuestionnaire(catalog, g.questionnaireId)]));

  return db.transaction().execute(async (trx) => {
    // The demo goes into an empty installation, or into the institution just made by the first
    // setup (so a newcomer can sign in and see it), never beside real data.
    let institutionId = await firstInstitutionId(trx);
    if (institutionId && (await listLocations(trx, institutionId)).length > 0) throw new ConflictError({ message: tBoth('cli.demo-exists') });
    if (!institutionId) {
      institutionId = randomId();
      await insertInstitution(trx, { id: institutionId, name: demoInstitution.name, cadence_months: 6, created_at: now.toISOString() });
    }
    const groupIds = new Map<string, string>();
    const locationIds = new Map<string, string>();
    for (const location of demoInstitution.locations) {
      const locationId = randomId();
      locationIds.set(location.name, locationId);
      await insertLocation(trx, { id: locationId, institution_id: institutionId, name: location.name });
      for (const group of location.groups) {
        const id = randomId();
        groupIds.set(group.name, id);
        await insertGroup(trx, { id, location_id: locationId, name: group.name, places: group.places, questionnaire_id: group.questionnaireId, active: 1 });
      }
    }

    for (const municipality of demoInstitution.municipalities) {
      const id = randomId();
      await insertMunicipality(trx, { id, institution_id: institutionId, name: municipality.name, report_every_months: municipality.reportEveryMonths });
      await replaceMunicipalityLocations(trx, id, municipality.locations.map((name) => locationIds.get(name)!));
    }

    let responses = 0;
    const total = periods.length * groups.length;
    for (const [roundIndex, period] of periods.entries()) {
      const roundId = randomId();
      const window = defaultWindow(period);
      await insertRound(trx, { id: roundId, institution_id: institutionId, period: periodLabel(period), opens_on: window.opensOn, closes_on: window.closesOn, status: 'closed' });
      await insertRoundGroups(
        trx,
        groups.map((g) => ({ round_id: roundId, group_id: groupIds.get(g.name)!, questionnaire_id: g.questionnaireId, questionnaire_version: questionnaires.get(g.questionnaireId)!.version })),
      );
      for (const group of groups) {
        const groupId = groupIds.get(group.name)!;
        const questionnaire = questionnaires.get(group.questionnaireId)!;
        const latest = roundIndex === periods.length - 1;
        // Every other group gets at least 5 (the default k), so exactly one result is suppressed.
        const count = group.belowThresholdInLatestRound && latest ? 2 : random.int(Math.max(5, Math.ceil(group.places * 0.6)), group.places);
        for (let i = 0; i < count; i++) {
          const answers = simulateAnswers(questionnaire, group, roundIndex, random);
          await insertResponse(
            trx,
            { id: randomId(), round_id: roundId, group_id: groupId, questionnaire_id: questionnaire.id, questionnaire_version: questionnaire.version },
            answers,
          );
        }
        responses += count;
        if (questionnaire.openQuestions.length > 0 && count >= 5) {
          await insertOpenAnswers(
            trx,
            random.sample(demoOpenAnswers, 3).map((text, i) => ({ id: randomId(), round_id: roundId, group_id: groupId, question_id: questionnaire.openQuestions[i % questionnaire.openQuestions.length]!.id, text })),
          );
        }
        await insertImprovementAction(trx, { id: randomId(), round_id: roundId, group_id: groupId, text: random.pick(demoImprovementActions), created_by: null, created_at: `${window.closesOn}T12:00:00.000Z`, updated_at: `${window.closesOn}T12:00:00.000Z` });
        options.onProgress?.(roundIndex * groups.length + groups.indexOf(group) + 1, total);
      }
    }

    const next = nextPeriod(periods[periods.length - 1]!);
    const nextWindow = defaultWindow(next);
    if (nextWindow.opensOn > isoDay(now) && !(await listRounds(trx, institutionId)).some((r) => r.period === periodLabel(next))) {
      const roundId = randomId();
      await insertRound(trx, { id: roundId, institution_id: institutionId, period: periodLabel(next), opens_on: nextWindow.opensOn, closes_on: nextWindow.closesOn, status: 'planned' });
      await insertRoundGroups(trx, groups.map((g) => ({ round_id: roundId, group_id: groupIds.get(g.name)!, questionnaire_id: g.questionnaireId, questionnaire_version: null })));
    }
    await syncPlannedRoundGroups(trx, institutionId);
    return { institutionId, groups: groups.length, rounds: periods.length, responses };
  });
}

function requireQuestionnaire(catalog: QuestionnaireCatalog, id: string): Questionnaire {
  const q = catalog.latest(id);
  if (!q) throw new Error(`the demo needs questionnaire ${id}, which is not in surveys/`);
  return q;
}

/** The last `count` half-years whose measuring window has closed before `now`, oldest first. */
export function closedPeriods(now: Date, count: number): Period[] {
  let period = periodOf(now, 6);
  while (defaultWindow(period).closesOn >= isoDay(now)) period = previousPeriod(period);
  const periods = [period];
  while (periods.length < count) periods.unshift(previousPeriod(periods[0]!));
  return periods;
}

/** A group's climate on a 0–1 scale ("how good") for a scale in a round. */
function groupLevel(trend: Trend, higherIsBetter: boolean, roundIndex: number, offset: number): number {
  const good = { steady: 0.66, improving: 0.36 + 0.12 * roundIndex, worsening: 0.76 - 0.12 * roundIndex }[trend];
  return clamp01((higherIsBetter ? good : 1 - good * 0.9) + offset);
}

function simulateAnswers(q: Questionnaire, group: DemoGroup, roundIndex: number, random: Random) {
  const { min, max } = q.responseScale;
  const personal = random.normal(0, 0.12);
  const groupOffset = (hash(group.name) % 7) / 100 - 0.03;
  const levels = new Map(
    q.scales.map((s) => {
      const level = groupLevel(group.trend, s.higherIsBetter, roundIndex, groupOffset) + (s.higherIsBetter ? personal : -personal);
      return [s.id, clamp01(level + random.normal(0, 0.07))];
    }),
  );
  const answers: { item_id: string; value: number }[] = [];
  for (const item of q.items) {
    if (random.chance(0.03)) continue; // a skipped question now and then
    const raw = Math.round(min + clamp01(levels.get(item.scale)! + random.normal(0, 0.13)) * (max - min));
    answers.push({ item_id: item.id, value: item.reverse ? min + max - raw : raw });
  }
  return answers;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}
