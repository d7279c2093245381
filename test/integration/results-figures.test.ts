import type { CurrentUser } from '../../src/auth/current-user';
import { createRandom, type Random } from '../../src/demo/random';
import type { Questionnaire } from '../../src/questionnaires/questionnaire';
import { institutionTrend } from '../../src/results/results.service';
import { describe as describeSample, type Description } from '../../src/results/statistics';
import { createTestApp } from '../support/app';
import {
  addGroup,
  completeRows,
  addRound,
  expectedChange,
  expectedItems,
  expectedScales,
  getAs,
  nlForms,
  parseCsv,
  randomLevels,
  simulateRespondent,
  sliceOf,
  storeResponses,
  textOf,
  type Answers,
  type ExpectedItem,
  type ExpectedScale,
} from '../support/results';
import { buildInstitution } from '../support/staff';

/**
 * "The figures are the pure functions' figures everywhere" (SPEC §6). One institution with five
 * groups in two locations (four on lk-jeugd, one on lk-kind) and three closed rounds of simulated
 * answers, including unanswered items, a group below k, a scale too few respondents have a score
 * on, and changes large enough to be significant. Every expected figure is computed here from
 * the raw answers with `respondentScores`, `describe`, `cronbachAlpha`, `welchTest` and `hedgesG`
 * — never through the results service — and compared with the JSON API, the CSV exports and the
 * pages (to 1e-9 for JSON and CSV, to the printed two decimals with a comma on the pages).
 */

type Ctx = Awaited<ReturnType<typeof createTestApp>>;
type Org = Awaited<ReturnType<typeof buildInstitution>>;

const K = 5;
const TOLERANCE = 1e-9;

interface GroupSpec {
  readonly key: string;
  readonly id: string;
  readonly name: string;
  readonly locationId: string;
  readonly locationName: string;
  readonly q: Questionnaire;
  readonly places: number;
}

interface RoundSpec {
  readonly id: string;
  readonly period: string;
}

interface World {
  readonly org: Org;
  readonly groups: readonly GroupSpec[];
  readonly rounds: readonly RoundSpec[];
  /** Raw answers per `${roundId}/${groupId}`. */
  readonly answers: ReadonlyMap<string, readonly Answers[]>;
}

/** What the data should look like in each closed round: sizes, shifts and forced gaps. */
interface CellPlan {
  readonly count?: number;
  readonly levels?: Readonly<Record<string, number>>;
  /** Respondent index → items they leave unanswered. */
  readonly skips?: Readonly<Record<number, readonly string[]>>;
}

const PLAN: Record<string, Record<string, CellPlan>> = {
  '2025-H1': {
    // Below k in the first round: no change can be computed against it in the second.
    G4: { count: 4 },
  },
  '2025-H2': {
    G1: { levels: { support: 2.0 } },
    G2: { levels: { repression: 1.8 } },
  },
  '2026-H1': {
    // Support rises a lot (better); repression rises a lot (worse: higher is worse).
    G1: { count: 10, levels: { support: 4.4 }, skips: { 0: ['r01', 'r02'] } },
    G2: { count: 9, levels: { repression: 4.3 } },
    // Below k in the latest round: its location's figure is Groep 1's alone.
    G3: { count: 3 },
    // Six responses, but two leave two growth items open: growth n = 4 < k, items g01/g02 n = 4.
    G4: { count: 6, skips: { 0: ['g01', 'g02'], 1: ['g01', 'g02'] } },
  },
};

async function buildWorld(ctx: Ctx, random: Random): Promise<World> {
  const org = await buildInstitution(ctx.db);
  const jeugd = ctx.questionnaires.latest('lk-jeugd')!;
  const kind = ctx.questionnaires.latest('lk-kind')!;
  await ctx.db.updateTable('living_group').set({ places: 12 }).where('id', 'in', org.groups).execute();
  const [l1, l2] = org.locations as [string, string];
  const groups: GroupSpec[] = [
    { key: 'G1', id: org.groups[0]!, name: 'Groep 1', locationId: l1, locationName: 'Locatie 1', q: jeugd, places: 12 },
    { key: 'G2', id: org.groups[1]!, name: 'Groep 2', locationId: l2, locationName: 'Locatie 2', q: jeugd, places: 12 },
    { key: 'G3', id: await addGroup(ctx.db, { locationId: l1, name: 'Groep 3', questionnaireId: 'lk-jeugd', places: 10 }), name: 'Groep 3', locationId: l1, locationName: 'Locatie 1', q: jeugd, places: 10 },
    { key: 'G4', id: await addGroup(ctx.db, { locationId: l2, name: 'Groep 4', questionnaireId: 'lk-jeugd', places: 9 }), name: 'Groep 4', locationId: l2, locationName: 'Locatie 2', q: jeugd, places: 9 },
    { key: 'K', id: await addGroup(ctx.db, { locationId: l2, name: 'Kinderen', questionnaireId: 'lk-kind', places: 11 }), name: 'Kinderen', locationId: l2, locationName: 'Locatie 2', q: kind, places: 11 },
  ];
  const windows = [
    ['2025-H1', '2025-04-01', '2025-04-30'],
    ['2025-H2', '2025-10-01', '2025-10-31'],
    ['2026-H1', '2026-04-01', '2026-04-30'],
  ] as const;
  const rounds: RoundSpec[] = [];
  const answers = new Map<string, Answers[]>();
  for (const [period, opensOn, closesOn] of windows) {
    const id = await addRound(ctx.db, { institutionId: org.institutionId, period, opensOn, closesOn, status: 'closed', groups: groups.map((g) => ({ id: g.id, questionnaireId: g.q.id })) });
    rounds.push({ id, period });
    for (const g of groups) {
      const plan = PLAN[period]?.[g.key] ?? {};
      const levels = { ...randomLevels(g.q, random), ...plan.levels };
      const count = plan.count ?? random.int(5, 12);
      const respondents = Array.from({ length: count }, (_, i) => simulateRespondent(g.q, random, levels, { skipShare: 0.02, skip: plan.skips?.[i] }));
      await storeResponses(ctx.db, g.q, id, g.id, respondents);
      answers.set(`${id}/${g.id}`, respondents);
    }
  }
  // The open round of the institution gets answers too: they must count nowhere.
  for (const g of groups.slice(0, 2)) {
    const levels = randomLevels(g.q, random);
    await storeResponses(ctx.db, g.q, org.roundId, g.id, Array.from({ length: 8 }, () => simulateRespondent(g.q, random, levels)));
  }
  return { org, groups, rounds, answers };
}

// ——— Expected figures, from the raw answers only ———

interface ExpectedCell extends ExpectedScale {
  readonly shown: boolean;
  readonly hidden: 'too-few-responses' | 'too-few-answers' | undefined;
  readonly change: ReturnType<typeof expectedChange> | undefined;
}

interface ExpectedGroupRound {
  readonly responses: number;
  readonly shown: boolean;
  readonly cells: Map<string, ExpectedCell>;
  readonly items: Map<string, ExpectedItem>;
}

interface ExpectedAggregateCell {
  readonly groups: number;
  readonly leftOut: number;
  readonly d: Description | undefined;
}

function scaleIds(q: Questionnaire): string[] {
  return [...q.scales.map((s) => s.id), ...(q.scoring.total ? [q.scoring.total.id] : [])];
}

function higherIsBetter(q: Questionnaire, scaleId: string): boolean {
  return q.scales.find((s) => s.id === scaleId)?.higherIsBetter ?? true;
}

const memo = new WeakMap<World, Map<string, unknown>>();
/** Expected figures are pure functions of the world: computed once per key. */
function remember<T>(w: World, key: string, compute: () => T): T {
  let cache = memo.get(w);
  if (!cache) memo.set(w, (cache = new Map()));
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key) as T;
}

function expectedGroupRound(w: World, g: GroupSpec, roundIndex: number): ExpectedGroupRound {
  return remember(w, `group ${g.key} ${roundIndex}`, () => computeGroupRound(w, g, roundIndex));
}

function computeGroupRound(w: World, g: GroupSpec, roundIndex: number): ExpectedGroupRound {
  const round = w.rounds[roundIndex]!;
  const respondents = w.answers.get(`${round.id}/${g.id}`)!;
  const shown = respondents.length >= K;
  const scales = expectedScales(g.q, respondents);
  const before = roundIndex > 0 ? expectedGroupRound(w, g, roundIndex - 1) : undefined;
  const cells = new Map<string, ExpectedCell>();
  for (const id of scaleIds(g.q)) {
    const s = scales.get(id)!;
    const cellShown = shown && s.scores.length >= K;
    const previous = before?.cells.get(id);
    const change = cellShown && previous?.shown ? expectedChange(previous.scores, s.scores, higherIsBetter(g.q, id)) : undefined;
    // Alpha counts only respondents who answered every item of the scale: shown when they meet k too.
    const alpha = g.q.scales.some((scale) => scale.id === id) && completeRows(g.q, id, respondents).length >= K ? s.alpha : undefined;
    cells.set(id, { ...s, alpha, shown: cellShown, hidden: !shown ? 'too-few-responses' : cellShown ? undefined : 'too-few-answers', change });
  }
  return { responses: respondents.length, shown, cells, items: expectedItems(g.q, respondents) };
}

/** Pooled over the groups in scope that meet k on their own (responses and the scale's n). */
function expectedAggregate(w: World, roundIndex: number, questionnaireId: string, locationId?: string): Map<string, ExpectedAggregateCell> {
  return remember(w, `aggregate ${roundIndex} ${questionnaireId} ${locationId ?? ''}`, () => computeAggregate(w, roundIndex, questionnaireId, locationId));
}

function computeAggregate(w: World, roundIndex: number, questionnaireId: string, locationId?: string): Map<string, ExpectedAggregateCell> {
  const inScope = w.groups.filter((g) => g.q.id === questionnaireId && (locationId === undefined || g.locationId === locationId));
  const q = inScope[0]!.q;
  const out = new Map<string, ExpectedAggregateCell>();
  for (const id of scaleIds(q)) {
    const included = inScope.map((g) => expectedGroupRound(w, g, roundIndex).cells.get(id)!).filter((c) => c.shown);
    const pooled = included.flatMap((c) => c.scores);
    out.set(id, { groups: included.length, leftOut: inScope.length - included.length, d: included.length > 0 ? describeSample(pooled) : undefined });
  }
  return out;
}

// ——— Comparing ———

/** Collects every mismatch, so one failing run lists them all with where they were found. */
class Problems {
  readonly list: string[] = [];
  number(where: string, actual: unknown, expected: number | undefined): void {
    if (expected === undefined) {
      if (actual !== undefined && actual !== '' && actual !== null) this.list.push(`${where}: expected nothing, got ${String(actual)}`);
      return;
    }
    const value = typeof actual === 'string' ? (actual === '' ? Number.NaN : Number(actual)) : actual;
    if (typeof value !== 'number' || !(Math.abs(value - expected) <= TOLERANCE)) this.list.push(`${where}: expected ${expected}, got ${String(actual)}`);
  }
  equal(where: string, actual: unknown, expected: unknown): void {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) this.list.push(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  /** A number as a Dutch page prints it: two decimals, decimal comma. */
  printed(where: string, actual: string | undefined, expected: number | undefined): void {
    if (expected === undefined) {
      if (actual !== undefined && actual !== '') this.list.push(`${where}: expected nothing printed, got "${actual}"`);
      return;
    }
    if (actual === undefined || !nlForms(expected).includes(actual)) this.list.push(`${where}: expected "${nlForms(expected).join('" or "')}", got "${actual}"`);
  }
  figure(where: string, actual: { n?: unknown; mean?: unknown; sd?: unknown; ciLow?: unknown; ciHigh?: unknown } | undefined, expected: Description | undefined): void {
    if (expected === undefined) {
      if (actual !== undefined) this.list.push(`${where}: expected no figure, got ${JSON.stringify(actual)}`);
      return;
    }
    if (actual === undefined) {
      this.list.push(`${where}: figure missing`);
      return;
    }
    this.equal(`${where} n`, actual.n, expected.n);
    this.number(`${where} mean`, actual.mean, expected.mean);
    this.number(`${where} sd`, actual.sd, expected.sd);
    this.number(`${where} ciLow`, actual.ciLow, expected.ci95?.low);
    this.number(`${where} ciHigh`, actual.ciHigh, expected.ci95?.high);
  }
}

/** The cells of every row of an HTML fragment, as text. */
function tableRows(html: string): string[][] {
  return [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => textOf(c[1]!)));
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

interface JsonFigure {
  n: number;
  mean: number;
  sd?: number;
  ciLow?: number;
  ciHigh?: number;
}
interface JsonCell {
  scaleId: string;
  figure?: JsonFigure;
  alpha?: number;
  hidden?: string;
  change?: { fromRoundId: string; fromPeriod: string; difference: number; hedgesG?: number; p?: number; direction: string };
}
interface JsonRound {
  roundId: string;
  period: string;
  responses: number;
  places: number;
  responseRate: number;
  shown: boolean;
  scales: JsonCell[];
}
interface JsonAggregate {
  roundId: string;
  period: string;
  questionnaireId: string;
  groupsMeasured: number;
  groupsShown: number;
  scales: { scaleId: string; groups: number; leftOut: number; figure?: JsonFigure }[];
}

describe('results figures: the pure functions’ figures in every format', () => {
  let ctx: Ctx;
  let w: World;
  let manager: Org['users']['manager'];

  beforeAll(async () => {
    ctx = await createTestApp();
    w = await buildWorld(ctx, createRandom(20261122));
    manager = w.org.users.manager;
  });
  afterAll(() => ctx.cleanup());

  const group = (key: string) => w.groups.find((g) => g.key === key)!;
  const roundIndexes = () => w.rounds.map((_, i) => i);

  function checkRound(p: Problems, where: string, g: GroupSpec, i: number, actual: JsonRound | undefined): void {
    const e = expectedGroupRound(w, g, i);
    if (!actual) {
      p.list.push(`${where}: round missing`);
      return;
    }
    p.equal(`${where} round`, [actual.roundId, actual.period], [w.rounds[i]!.id, w.rounds[i]!.period]);
    p.equal(`${where} responses/places/shown`, [actual.responses, actual.places, actual.shown], [e.responses, g.places, e.shown]);
    p.number(`${where} responseRate`, actual.responseRate, e.responses / g.places);
    p.equal(`${where} scale ids`, actual.scales.map((c) => c.scaleId), scaleIds(g.q));
    for (const [id, cell] of e.cells) {
      const a = actual.scales.find((c) => c.scaleId === id);
      p.figure(`${where} ${id}`, a?.figure, cell.shown ? cell.d : undefined);
      p.number(`${where} ${id} alpha`, a?.alpha, cell.shown ? cell.alpha : undefined);
      p.equal(`${where} ${id} hidden`, a?.hidden, cell.hidden);
      if (!cell.change) {
        p.equal(`${where} ${id} change`, a?.change, undefined);
        continue;
      }
      p.equal(`${where} ${id} change from`, [a?.change?.fromRoundId, a?.change?.fromPeriod], [w.rounds[i - 1]!.id, w.rounds[i - 1]!.period]);
      p.number(`${where} ${id} change difference`, a?.change?.difference, cell.change.difference);
      p.number(`${where} ${id} change p (Welch)`, a?.change?.p, cell.change.p);
      p.number(`${where} ${id} change Hedges g`, a?.change?.hedgesG, cell.change.hedgesG);
      p.equal(`${where} ${id} change direction`, a?.change?.direction, cell.change.direction);
    }
  }

  function checkAggregate(p: Problems, where: string, actual: JsonAggregate | undefined, i: number, questionnaireId: string, locationId?: string): void {
    const expected = expectedAggregate(w, i, questionnaireId, locationId);
    const inScope = w.groups.filter((g) => g.q.id === questionnaireId && (locationId === undefined || g.locationId === locationId));
    if (!actual) {
      p.list.push(`${where}: aggregate missing`);
      return;
    }
    p.equal(`${where} round`, [actual.roundId, actual.questionnaireId], [w.rounds[i]!.id, questionnaireId]);
    p.equal(`${where} groups measured/shown`, [actual.groupsMeasured, actual.groupsShown], [inScope.length, inScope.filter((g) => expectedGroupRound(w, g, i).shown).length]);
    for (const [id, e] of expected) {
      const a = actual.scales.find((c) => c.scaleId === id);
      p.equal(`${where} ${id} groups/leftOut`, [a?.groups, a?.leftOut], [e.groups, e.leftOut]);
      p.figure(`${where} ${id}`, a?.figure, e.d);
    }
  }

  it('has the data the checks need: a group below k, unanswered items, a hidden scale, significant changes', () => {
    const all = w.groups.flatMap((g) => roundIndexes().map((i) => ({ g, i, e: expectedGroupRound(w, g, i) })));
    expect(all.filter(({ e }) => !e.shown).map(({ g, i }) => `${g.key} ${w.rounds[i]!.period}`)).toEqual(['G3 2026-H1', 'G4 2025-H1']);
    for (const { e } of all) expect(e.responses >= 3 && e.responses <= 12).toBe(true);
    // A shown scale on which a respondent has no score (too few items answered).
    const g1 = expectedGroupRound(w, group('G1'), 2);
    expect(g1.cells.get('repression')!.scores.length).toBeLessThan(g1.responses);
    expect(g1.cells.get('repression')!.shown).toBe(true);
    // A scale hidden for too few answers in a group that meets k, and items below k.
    const g4 = expectedGroupRound(w, group('G4'), 2);
    expect([g4.shown, g4.cells.get('growth')!.hidden, g4.items.get('g01')!.values.length]).toEqual([true, 'too-few-answers', 4]);
    // Changes of every kind, and alphas.
    const directions = new Set(all.flatMap(({ e }) => [...e.cells.values()].flatMap((c) => (c.change ? [c.change.direction] : []))));
    expect([...directions].sort()).toEqual(['better', 'same', 'worse']);
    expect(g1.cells.get('support')!.change?.direction).toBe('better');
    expect(expectedGroupRound(w, group('G2'), 2).cells.get('repression')!.change?.direction).toBe('worse');
    expect(all.filter(({ e }) => [...e.cells.values()].some((c) => c.shown && c.alpha !== undefined)).length).toBeGreaterThan(5);
  });

  describe('JSON: /api/results/groups/:id', () => {
    it('gives every closed round’s scale figures, alpha and change against the previous round', async () => {
      const p = new Problems();
      for (const g of w.groups) {
        for (const i of roundIndexes()) {
          const res = await getAs(ctx.app, manager, `/api/results/groups/${g.id}?round=${w.rounds[i]!.id}`, 'json').expect(200);
          expect(res.body.rounds.map((r: JsonRound) => r.period)).toEqual(['2025-H1', '2025-H2', '2026-H1']);
          for (const j of roundIndexes()) checkRound(p, `${g.key} ?round=${w.rounds[i]!.period} rounds[${j}]`, g, j, res.body.rounds[j]);
          checkRound(p, `${g.key} ${w.rounds[i]!.period} round`, g, i, res.body.round);
          p.equal(`${g.key} ${w.rounds[i]!.period} previous`, res.body.previous?.roundId, w.rounds[i - 1]?.id);
        }
      }
      expect(p.list).toEqual([]);
    });

    it('gives the item figures and answer counts of the chosen round, only for items answered by k or more', async () => {
      const p = new Problems();
      for (const g of w.groups) {
        const { min, max } = g.q.responseScale;
        for (const i of roundIndexes()) {
          const e = expectedGroupRound(w, g, i);
          const before = i > 0 ? expectedGroupRound(w, g, i - 1) : undefined;
          const res = await getAs(ctx.app, manager, `/api/results/groups/${g.id}?round=${w.rounds[i]!.id}`, 'json').expect(200);
          const where = `${g.key} ${w.rounds[i]!.period}`;
          const shownItems = e.shown ? g.q.items.filter((item) => e.items.get(item.id)!.values.length >= K).map((item) => item.id) : [];
          p.equal(`${where} item ids`, res.body.items.map((item: { itemId: string }) => item.itemId), shownItems);
          for (const item of res.body.items as { itemId: string; figure: JsonFigure; distribution: { value: number; count: number }[]; favourable: number; changeFavourable?: number }[]) {
            const x = e.items.get(item.itemId)!;
            p.figure(`${where} item ${item.itemId}`, item.figure, x.d);
            p.equal(`${where} item ${item.itemId} distribution`, item.distribution.map((d) => [d.value, d.count]), g.q.responseScale.points.map((pt) => [pt.value, x.counts.get(pt.value) ?? 0]));
            const scale = g.q.items.find((it) => it.id === item.itemId)!.scale;
            const favourable = (d: Description) => (higherIsBetter(g.q, scale) ? d.mean! : min + max - d.mean!);
            p.number(`${where} item ${item.itemId} favourable`, item.favourable, favourable(x.d));
            const earlier = before?.shown ? before.items.get(item.itemId) : undefined;
            p.number(`${where} item ${item.itemId} change`, item.changeFavourable, earlier && earlier.values.length >= K ? favourable(x.d) - favourable(earlier.d) : undefined);
          }
        }
      }
      expect(p.list).toEqual([]);
    });

    it('puts the institution (same questionnaire, groups meeting k, pooled) beside the group', async () => {
      const p = new Problems();
      for (const g of w.groups) {
        const res = await getAs(ctx.app, manager, `/api/results/groups/${g.id}`, 'json').expect(200);
        expect(res.body.institution).toHaveLength(3);
        for (const i of roundIndexes()) checkAggregate(p, `${g.key} institution ${w.rounds[i]!.period}`, res.body.institution[i], i, g.q.id);
        checkAggregate(p, `${g.key} institutionRound`, res.body.institutionRound, 2, g.q.id);
      }
      expect(p.list).toEqual([]);
    });
  });

  describe('JSON: /api/results/overview', () => {
    it('gives each group’s figures, per questionnaire, and each group’s trend of means', async () => {
      const p = new Problems();
      for (const i of roundIndexes()) {
        const res = await getAs(ctx.app, manager, `/api/results/overview?round=${w.rounds[i]!.id}`, 'json').expect(200);
        expect(res.body.round).toEqual({ id: w.rounds[i]!.id, period: w.rounds[i]!.period });
        expect(res.body.sections.map((s: { instrument: { questionnaireId: string } }) => s.instrument.questionnaireId)).toEqual(['lk-jeugd', 'lk-kind']);
        for (const section of res.body.sections as { instrument: { questionnaireId: string }; groups: (JsonRound & { id: string; round: JsonRound; trend: { period: string; means: (number | null)[] }[] })[] }[]) {
          const expectedGroups = w.groups.filter((g) => g.q.id === section.instrument.questionnaireId).sort((a, b) => a.locationName.localeCompare(b.locationName) || a.name.localeCompare(b.name));
          p.equal(`overview ${w.rounds[i]!.period} group order`, section.groups.map((g) => g.id), expectedGroups.map((g) => g.id));
          for (const g of expectedGroups) {
            const actual = section.groups.find((x) => x.id === g.id);
            checkRound(p, `overview ${w.rounds[i]!.period} ${g.key}`, g, i, actual?.round);
            // How many rounds the small multiple spans is the page's choice; in order, with the chosen one.
            const periods = actual?.trend.map((t) => t.period) ?? [];
            p.equal(`overview ${w.rounds[i]!.period} ${g.key} trend periods`, [periods.includes(w.rounds[i]!.period), w.rounds.map((r) => r.period).filter((x) => periods.includes(x))], [true, periods]);
            for (const [t, period] of periods.entries()) {
              const j = w.rounds.findIndex((r) => r.period === period);
              const e = expectedGroupRound(w, g, j);
              scaleIds(g.q).forEach((id, s) => {
                const cell = e.cells.get(id)!;
                const mean = actual?.trend[t]?.means[s];
                if (cell.shown) p.number(`overview ${g.key} trend ${w.rounds[j]!.period} ${id}`, mean, cell.d.mean);
                else p.equal(`overview ${g.key} trend ${w.rounds[j]!.period} ${id}`, mean, null);
              });
            }
          }
        }
      }
      expect(p.list).toEqual([]);
    });

    it('gives location and institution figures as describe() over the pooled scores of the groups meeting k', async () => {
      const p = new Problems();
      for (const i of roundIndexes()) {
        const res = await getAs(ctx.app, manager, `/api/results/overview?round=${w.rounds[i]!.id}`, 'json').expect(200);
        for (const section of res.body.sections as { instrument: { questionnaireId: string }; institution: JsonAggregate; locations: { id: string; aggregate: JsonAggregate }[] }[]) {
          const qid = section.instrument.questionnaireId;
          const where = `overview ${w.rounds[i]!.period} ${qid}`;
          checkAggregate(p, `${where} institution`, section.institution, i, qid);
          const locations = [...new Set(w.groups.filter((g) => g.q.id === qid).map((g) => g.locationId))];
          p.equal(`${where} locations`, section.locations.map((l) => l.id).sort(), [...locations].sort());
          for (const l of locations) checkAggregate(p, `${where} location ${l}`, section.locations.find((x) => x.id === l)?.aggregate, i, qid, l);
        }
      }
      expect(p.list).toEqual([]);
      // The point of the exercise: Locatie 1 in the latest round is Groep 1 alone (Groep 3 is below k).
      const latest = expectedAggregate(w, 2, 'lk-jeugd', group('G1').locationId).get('support')!;
      expect([latest.groups, latest.leftOut]).toEqual([1, 1]);
      expect(latest.d).toEqual(expectedGroupRound(w, group('G1'), 2).cells.get('support')!.d);
    });

    it('gives the same institution figures through institutionTrend (the service reports will use)', async () => {
      const user: CurrentUser = { id: manager.id, email: manager.email, displayName: 'manager', role: 'manager', institutionId: w.org.institutionId, municipalityId: null, hasPin: false, csrfToken: manager.csrf, sessionHash: 'unused' };
      const trend = await institutionTrend({ db: ctx.db, questionnaires: ctx.questionnaires, k: K }, user);
      expect(trend.instruments.map((x) => x.instrument.questionnaireId)).toEqual(['lk-jeugd', 'lk-kind']);
      const p = new Problems();
      for (const x of trend.instruments) {
        expect(x.rounds.map((r) => r.period)).toEqual(['2025-H1', '2025-H2', '2026-H1']);
        x.rounds.forEach((r, i) => checkAggregate(p, `institutionTrend ${x.instrument.questionnaireId} ${r.period}`, r as JsonAggregate, i, x.instrument.questionnaireId));
      }
      expect(p.list).toEqual([]);
    });
  });

  describe('CSV', () => {
    it('group export: every round and scale with full-precision figures, alpha, change and the institution', async () => {
      const p = new Problems();
      for (const g of w.groups) {
        const res = await getAs(ctx.app, manager, `/groups/${g.id}/results.csv`, 'csv').expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv/);
        const rows = parseCsv(res.text);
        p.equal(`${g.key} csv rows`, rows.map((r) => `${r['period']} ${r['scale_id']}`), w.rounds.flatMap((r) => scaleIds(g.q).map((id) => `${r.period} ${id}`)));
        for (const row of rows) {
          const i = w.rounds.findIndex((r) => r.period === row['period']);
          const e = expectedGroupRound(w, g, i);
          const cell = e.cells.get(row['scale_id']!)!;
          const inst = expectedAggregate(w, i, g.q.id).get(row['scale_id']!)!;
          const where = `${g.key} csv ${row['period']} ${row['scale_id']}`;
          p.equal(`${where} text`, [row['location'], row['group'], row['questionnaire'], row['responses'], row['places']], [g.locationName, g.name, g.q.id, String(e.responses), String(g.places)]);
          p.number(`${where} response_rate`, row['response_rate'], e.responses / g.places);
          const d = cell.shown ? cell.d : undefined;
          p.equal(`${where} n`, row['n'], d ? String(d.n) : '');
          p.number(`${where} mean`, row['mean'], d?.mean);
          p.number(`${where} sd`, row['sd'], d?.sd);
          p.number(`${where} ci_low`, row['ci_low'], d?.ci95?.low);
          p.number(`${where} ci_high`, row['ci_high'], d?.ci95?.high);
          p.number(`${where} alpha`, row['alpha'], cell.shown ? cell.alpha : undefined);
          p.equal(`${where} change_from`, row['change_from'], cell.change ? w.rounds[i - 1]!.period : '');
          p.number(`${where} change`, row['change'], cell.change?.difference);
          p.number(`${where} hedges_g`, row['hedges_g'], cell.change?.hedgesG);
          p.number(`${where} p`, row['p'], cell.change?.p);
          p.equal(`${where} direction`, row['direction'], cell.change?.direction ?? '');
          p.number(`${where} institution_mean`, row['institution_mean'], inst.d?.mean);
          p.equal(`${where} institution groups/left out`, [row['institution_groups'], row['institution_groups_left_out']], [String(inst.groups), String(inst.leftOut)]);
          p.equal(`${where} note`, row['note'], cell.hidden ?? '');
        }
      }
      expect(p.list).toEqual([]);
    });

    it('overview export: each group, location and the institution per scale, the same figures as the JSON', async () => {
      const p = new Problems();
      for (const i of roundIndexes()) {
        const period = w.rounds[i]!.period;
        const rows = parseCsv((await getAs(ctx.app, manager, `/results/overview.csv?round=${w.rounds[i]!.id}`, 'csv').expect(200)).text);
        for (const qid of ['lk-jeugd', 'lk-kind']) {
          const groups = w.groups.filter((g) => g.q.id === qid);
          const q = groups[0]!.q;
          for (const g of groups) {
            const e = expectedGroupRound(w, g, i);
            const mine = rows.filter((r) => r['level'] === 'group' && r['group'] === g.name);
            p.equal(`${period} ${g.key} csv scales`, mine.map((r) => r['scale_id']), scaleIds(q));
            for (const row of mine) {
              const cell = e.cells.get(row['scale_id']!)!;
              const where = `${period} ${g.key} csv ${row['scale_id']}`;
              p.equal(`${where} text`, [row['period'], row['questionnaire'], row['location'], row['responses'], row['places']], [period, qid, g.locationName, String(e.responses), String(g.places)]);
              const d = cell.shown ? cell.d : undefined;
              p.equal(`${where} n`, row['n'], d ? String(d.n) : '');
              p.number(`${where} mean`, row['mean'], d?.mean);
              p.number(`${where} sd`, row['sd'], d?.sd);
              p.number(`${where} ci_low`, row['ci_low'], d?.ci95?.low);
              p.number(`${where} ci_high`, row['ci_high'], d?.ci95?.high);
              p.equal(`${where} note`, row['note'], cell.hidden ?? '');
            }
          }
          const aggregateRows = (level: string, location: string, expected: Map<string, ExpectedAggregateCell>) => {
            const mine = rows.filter((r) => r['level'] === level && r['location'] === location && r['questionnaire'] === qid);
            p.equal(`${period} ${qid} ${level} ${location} csv scales`, mine.map((r) => r['scale_id']), scaleIds(q));
            for (const row of mine) {
              const e = expected.get(row['scale_id']!)!;
              const where = `${period} ${qid} ${level} ${location} csv ${row['scale_id']}`;
              p.equal(`${where} n`, row['n'], e.d ? String(e.d.n) : '');
              p.number(`${where} mean`, row['mean'], e.d?.mean);
              p.number(`${where} sd`, row['sd'], e.d?.sd);
              p.number(`${where} ci_low`, row['ci_low'], e.d?.ci95?.low);
              p.number(`${where} ci_high`, row['ci_high'], e.d?.ci95?.high);
              p.equal(`${where} groups included/left out`, [row['groups_included'], row['groups_left_out']], [String(e.groups), String(e.leftOut)]);
            }
          };
          for (const [id, name] of [...new Map(groups.map((g) => [g.locationId, g.locationName]))]) aggregateRows('location', name, expectedAggregate(w, i, qid, id));
          aggregateRows('institution', '', expectedAggregate(w, i, qid));
        }
        expect(rows.length).toBe(5 * 5 + (2 + 1) * 5 + (1 + 1) * 5);
      }
      expect(p.list).toEqual([]);
    });
  });

  describe('pages (numbers as Dutch prints them: two decimals, a comma)', () => {
    it('group page: this round per scale, its change in words, the institution, and the trend table', async () => {
      const p = new Problems();
      for (const g of w.groups) {
        for (const i of roundIndexes()) {
          const period = w.rounds[i]!.period;
          const html = (await getAs(ctx.app, manager, `/groups/${g.id}/results?round=${w.rounds[i]!.id}`).expect(200)).text;
          const e = expectedGroupRound(w, g, i);
          const inst = expectedAggregate(w, i, g.q.id);
          for (const id of scaleIds(g.q)) {
            const where = `${g.key} page ${period} ${id}`;
            const section = sliceOf(html, `<section class="card scale" aria-labelledby="s-${id}">`, '</section>');
            const text = textOf(section);
            const cell = e.cells.get(id)!;
            if (cell.shown) {
              const m = /<strong class="score-value">([^<]*)<\/strong> <span>\(95%-interval (\S+) tot (\S+)\)<\/span> <span class="muted">(\d+) jongeren<\/span>/.exec(section);
              p.printed(`${where} mean`, m?.[1], cell.d.mean);
              p.printed(`${where} ci low`, m?.[2], cell.d.ci95?.low);
              p.printed(`${where} ci high`, m?.[3], cell.d.ci95?.high);
              p.equal(`${where} n`, m?.[4], String(cell.d.n));
              p.printed(`${where} alpha`, /Cronbach’s alpha\): (-?\d+,\d\d)\./.exec(text)?.[1], cell.alpha);
            } else {
              p.equal(`${where} hidden note`, text.includes(cell.hidden === 'too-few-responses' ? 'Te weinig reacties om resultaten te tonen (minder dan 5).' : 'Te weinig antwoorden op deze schaal om te tonen (minder dan 5).'), true);
              p.equal(`${where} no score`, section.includes('score-value'), false);
            }
            // The change, in words, with the difference.
            const before = i > 0 ? expectedGroupRound(w, g, i - 1) : undefined;
            if (cell.shown && before && !before.shown) {
              p.equal(`${where} change text`, text.includes(`Geen vergelijking met ${w.rounds[i - 1]!.period}: toen waren er te weinig reacties.`), true);
            } else if (cell.change) {
              const words = { better: 'Beter dan in', worse: 'Slechter dan in', same: 'Ongeveer gelijk aan', unclear: 'Niet goed te vergelijken met' }[cell.change.direction];
              const m = new RegExp(`${words} ${w.rounds[i - 1]!.period} \\(verschil (\\S+)\\)`).exec(text);
              p.printed(`${where} change (${cell.change.direction})`, m?.[1], Math.abs(cell.change.difference));
            } else {
              p.equal(`${where} no change text`, /Beter dan in|Slechter dan in|Ongeveer gelijk aan|Niet goed te vergelijken/.test(text), false);
            }
            // The institution beside it, with how many groups it holds.
            const ic = inst.get(id)!;
            const im = /De instelling \(groepen met dezelfde vragenlijst\): (\S+) \((.*?)\)\./.exec(text);
            p.printed(`${where} institution`, im?.[1], ic.d?.mean);
            if (ic.d) p.equal(`${where} institution note starts`, im?.[2]?.startsWith(ic.groups === 1 ? '1 groep' : `${ic.groups} groepen`), true);
            // The trend table: every closed round.
            const rows = tableRows(sliceOf(section, '<tbody>', '</tbody>'));
            p.equal(`${where} trend periods`, rows.map((r) => r[0]), w.rounds.map((r) => r.period));
            rows.forEach((row, j) => {
              const ej = expectedGroupRound(w, g, j);
              const cj = ej.cells.get(id)!;
              p.equal(`${where} trend ${w.rounds[j]!.period} response`, row[1], `${ej.responses} van ${g.places} plaatsen (${percent(ej.responses / g.places)})`);
              if (cj.shown) {
                p.printed(`${where} trend ${w.rounds[j]!.period} mean`, row[2], cj.d.mean);
                const [low, high] = (row[3] ?? '').split(' – ');
                p.printed(`${where} trend ${w.rounds[j]!.period} ci low`, low, cj.d.ci95?.low);
                p.printed(`${where} trend ${w.rounds[j]!.period} ci high`, high, cj.d.ci95?.high);
                p.printed(`${where} trend ${w.rounds[j]!.period} institution`, row[4], expectedAggregate(w, j, g.q.id).get(id)!.d?.mean);
              } else {
                p.equal(`${where} trend ${w.rounds[j]!.period} hidden`, row[2]?.startsWith('Te weinig'), true);
                p.printed(`${where} trend ${w.rounds[j]!.period} institution`, row[3], expectedAggregate(w, j, g.q.id).get(id)!.d?.mean);
              }
            });
          }
        }
      }
      expect(p.list).toEqual([]);
    });

    it('group page: the comparison table and the answers per item', async () => {
      const p = new Problems();
      for (const g of w.groups) {
        for (const i of roundIndexes()) {
          const period = w.rounds[i]!.period;
          const html = (await getAs(ctx.app, manager, `/groups/${g.id}/results?round=${w.rounds[i]!.id}`).expect(200)).text;
          const e = expectedGroupRound(w, g, i);
          if (!e.shown) {
            p.equal(`${g.key} ${period} no comparison or items`, [html.includes('id="cmp-h"'), html.includes('class="distribution"')], [false, false]);
            continue;
          }
          const before = i > 0 ? expectedGroupRound(w, g, i - 1) : undefined;
          const inst = expectedAggregate(w, i, g.q.id);
          const rows = tableRows(sliceOf(sliceOf(html, 'aria-labelledby="cmp-h"', '</section>'), '<tbody>', '</tbody>'));
          scaleIds(g.q).forEach((id, s) => {
            const row = rows[s] ?? [];
            const cells = before?.shown ? row.slice(1) : [undefined, ...row.slice(1)];
            if (before?.shown) p.printed(`${g.key} ${period} comparison ${id} previous`, cells[0], before.cells.get(id)!.shown ? before.cells.get(id)!.d.mean : undefined);
            p.printed(`${g.key} ${period} comparison ${id} current`, cells[1], e.cells.get(id)!.shown ? e.cells.get(id)!.d.mean : undefined);
            p.printed(`${g.key} ${period} comparison ${id} institution`, cells[2], inst.get(id)!.d?.mean);
          });
          const labels = g.q.responseScale.points.length;
          for (const scale of g.q.scales) {
            const items = g.q.items.filter((item) => item.scale === scale.id && e.items.get(item.id)!.values.length >= K);
            const name = scale.name['nl']!;
            const table = html.includes(`<summary>${name}</summary>`) ? sliceOf(html, `<summary>${name}</summary>`, '</table>') : '';
            const itemRows = table ? tableRows(sliceOf(table, '<tbody>', '</tbody>')) : [];
            p.equal(`${g.key} ${period} ${scale.id} item rows`, itemRows.map((r) => r[0]!.replace(' (omgekeerd gescoord)', '')), items.map((item) => item.text['nl']!));
            itemRows.forEach((row, r) => {
              const x = e.items.get(items[r]!.id)!;
              p.equal(`${g.key} ${period} item ${items[r]!.id} counts`, row.slice(1, 1 + labels), g.q.responseScale.points.map((pt) => String(x.counts.get(pt.value) ?? 0)));
              p.printed(`${g.key} ${period} item ${items[r]!.id} mean`, row[1 + labels], x.d.mean);
            });
          }
        }
      }
      expect(p.list).toEqual([]);
    });

    it('overview page: each group, location and the institution, mean over its 95% interval', async () => {
      const p = new Problems();
      for (const i of roundIndexes()) {
        const period = w.rounds[i]!.period;
        const html = (await getAs(ctx.app, manager, `/results?round=${w.rounds[i]!.id}`).expect(200)).text;
        for (const qid of ['lk-jeugd', 'lk-kind']) {
          const section = sliceOf(html, `<section aria-labelledby="q-${qid}"`, '</section>');
          const [groupBody, aggregateBody] = [sliceOf(section, '<tbody>', '</tbody>'), sliceOf(section, '<tbody class="aggregates">', '</tbody>')];
          const groups = w.groups.filter((g) => g.q.id === qid).sort((a, b) => a.locationName.localeCompare(b.locationName) || a.name.localeCompare(b.name));
          const ids = scaleIds(groups[0]!.q);
          const rows = tableRows(groupBody);
          p.equal(`${period} ${qid} page groups`, rows.map((r) => r[1]), groups.map((g) => g.name));
          const checkCell = (where: string, text: string | undefined, d: Description | undefined) => {
            const m = /^(\S+) (\S+)–(\S+)$/.exec(text ?? '');
            p.printed(`${where} mean`, m?.[1], d?.mean);
            p.printed(`${where} ci low`, m?.[2], d?.ci95?.low);
            p.printed(`${where} ci high`, m?.[3], d?.ci95?.high);
          };
          groups.forEach((g, r) => {
            const e = expectedGroupRound(w, g, i);
            const row = rows[r] ?? [];
            p.equal(`${period} ${g.key} page response`, row[2], `${e.responses} van ${g.places} plaatsen (${percent(e.responses / g.places)})`);
            if (!e.shown) {
              p.equal(`${period} ${g.key} page suppressed`, row.slice(3, 4), ['Te weinig reacties om resultaten te tonen (minder dan 5).']);
              return;
            }
            ids.forEach((id, s) => {
              const cell = e.cells.get(id)!;
              if (cell.shown) checkCell(`${period} ${g.key} page ${id}`, row[3 + s], cell.d);
              else p.equal(`${period} ${g.key} page ${id} hidden`, row[3 + s], 'Te weinig antwoorden op deze schaal om te tonen (minder dan 5).');
            });
          });
          const aggregates = tableRows(aggregateBody);
          const locations = [...new Map(groups.map((g) => [g.locationId, g.locationName]))];
          p.equal(`${period} ${qid} page aggregate rows`, aggregates.map((r) => r[0]), [...locations.map(([, name]) => name), 'Instelling']);
          const checkAggregateRow = (where: string, row: string[] | undefined, expected: Map<string, ExpectedAggregateCell>, inScope: GroupSpec[]) => {
            const shown = inScope.filter((g) => expectedGroupRound(w, g, i).shown).length;
            const left = inScope.length - shown;
            p.equal(`${where} note`, row?.[1], `${shown === 1 ? '1 groep' : `${shown} groepen`}${left === 0 ? '' : `; ${left === 1 ? '1 groep' : `${left} groepen`} niet meegeteld (te weinig reacties)`}`);
            ids.forEach((id, s) => {
              const e = expected.get(id)!;
              if (e.d) checkCell(`${where} ${id}`, row?.[2 + s], e.d);
              else p.equal(`${where} ${id} hidden`, row?.[2 + s], 'Geen groep met minstens 5 reacties.');
            });
          };
          locations.forEach(([id, name], r) => checkAggregateRow(`${period} ${qid} page ${name}`, aggregates[r], expectedAggregate(w, i, qid, id), groups.filter((g) => g.locationId === id)));
          checkAggregateRow(`${period} ${qid} page institution`, aggregates[locations.length], expectedAggregate(w, i, qid), groups);
        }
      }
      expect(p.list).toEqual([]);
    });
  });
});

/**
 * A group whose questionnaire changed between rounds (children's 1–3 scale, then the youth 1–5
 * scale): a Welch test between the two is not a change of the group, only of the instrument. The
 * overview already compares a group only with its rounds on the same questionnaire; the group's
 * own API, CSV and page must give the same figures.
 */
describe('results figures: a group that changed questionnaire', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(() => ctx.cleanup());

  it('gets no change across the two instruments, in the group API, CSV and page as in the overview', async () => {
    const org = await buildInstitution(ctx.db);
    const jeugd = ctx.questionnaires.latest('lk-jeugd')!;
    const kind = ctx.questionnaires.latest('lk-kind')!;
    const random = createRandom(3);
    const g = org.groups[0]!;
    const r0 = await addRound(ctx.db, { institutionId: org.institutionId, period: '2025-H2', opensOn: '2025-10-01', closesOn: '2025-10-31', status: 'closed', groups: [{ id: g, questionnaireId: 'lk-kind' }] });
    await storeResponses(ctx.db, kind, r0, g, Array.from({ length: 8 }, () => simulateRespondent(kind, random, randomLevels(kind, random))));
    const r1 = await addRound(ctx.db, { institutionId: org.institutionId, period: '2026-H1', opensOn: '2026-04-01', closesOn: '2026-04-30', status: 'closed', groups: [{ id: g, questionnaireId: 'lk-jeugd' }] });
    await storeResponses(ctx.db, jeugd, r1, g, Array.from({ length: 8 }, () => simulateRespondent(jeugd, random, randomLevels(jeugd, random))));
    const m = org.users.manager;

    const overview = (await getAs(ctx.app, m, `/api/results/overview?round=${r1}`, 'json').expect(200)).body;
    const inOverview = overview.sections[0].groups[0].round.scales as JsonCell[];
    expect(inOverview.map((c) => c.change)).toEqual(inOverview.map(() => undefined));

    const api = (await getAs(ctx.app, m, `/api/results/groups/${g}?round=${r1}`, 'json').expect(200)).body;
    expect(api.round.shown).toBe(true);
    expect({ scales: (api.round.scales as JsonCell[]).map((c) => c.change?.direction), items: (api.items as { changeFavourable?: number }[]).filter((i) => i.changeFavourable !== undefined).length }).toEqual({
      scales: inOverview.map(() => undefined),
      items: 0,
    });
    const csv = parseCsv((await getAs(ctx.app, m, `/groups/${g}/results.csv`, 'csv').expect(200)).text).filter((r) => r['period'] === '2026-H1');
    expect(csv.map((r) => r['change_from'])).toEqual(csv.map(() => ''));
    const page = textOf((await getAs(ctx.app, m, `/groups/${g}/results?round=${r1}`).expect(200)).text);
    expect(page).not.toMatch(/(Beter dan in|Slechter dan in|Ongeveer gelijk aan) 2025-H2/);
  });
});
