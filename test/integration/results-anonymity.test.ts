import type { Express } from 'express';
import { sql } from 'kysely';
import { createRandom, type Random } from '../../src/demo/random';
import type { Questionnaire } from '../../src/questionnaires/questionnaire';
import { loadConfig } from '../../src/config';
import { insertOpenAnswers } from '../../src/responses/response.repository';
import { randomId } from '../../src/system';
import { createTestApp } from '../support/app';
import {
  addGroup,
  addRound,
  expectedItems,
  expectedScales,
  getAs,
  jsonScripts,
  nl,
  parseCsv,
  postFormAs,
  postJsonAs,
  randomLevels,
  simulateRespondent,
  sliceOf,
  storeResponses,
  textOf,
  type Answers,
  type Session,
} from '../support/results';
import { buildInstitution } from '../support/staff';

/**
 * Tries to break each anonymity rule of SPEC §4 through every results route — pages, JSON and
 * CSV — and as every staff role. The rules are enforced on the server, so each attack is a
 * request a curious or careless staff member could make by hand.
 *
 * The world: institution A with Locatie 1 (Groep 1, the group leader's own, and Groep 3) and
 * Locatie 2 (Groep 2, Groep 4 and Kinderen on the children's questionnaire); two closed rounds,
 * an open and a planned one; and institution B ("Other") beside it. "Secret" data — answers of
 * groups below k, of the open and of the planned round, and their open answers — is drawn from
 * its own random stream, so a twin world can hold different secrets and the same public data.
 */

type Ctx = Awaited<ReturnType<typeof createTestApp>>;
type Org = Awaited<ReturnType<typeof buildInstitution>>;
type Role = 'administrator' | 'manager' | 'group_leader';
const STAFF: Role[] = ['administrator', 'manager', 'group_leader'];

const TOO_FEW_RESPONSES = 'Te weinig reacties om resultaten te tonen (minder dan 5).';
const TOO_FEW_ANSWERS = 'Te weinig antwoorden op deze schaal om te tonen (minder dan 5).';
const BAD_ADDRESS = 'Dit adres klopt niet (een keuze in de link is ongeldig).';

interface Group {
  readonly key: 'G1' | 'G2' | 'G3' | 'G4' | 'K';
  readonly id: string;
  readonly name: string;
  readonly locationId: string;
  readonly locationName: string;
  readonly q: Questionnaire;
}

interface World {
  readonly ctx: Ctx;
  readonly org: Org;
  readonly other: Org;
  readonly groups: readonly Group[];
  /** Closed rounds, oldest first: 2025-H2 (R0) and 2026-H1 (R1). */
  readonly r0: string;
  readonly r1: string;
  readonly openRound: string;
  readonly plannedRound: string;
  readonly otherClosedRound: string;
  readonly answers: ReadonlyMap<string, readonly Answers[]>;
  /** Groep 1's open answers in 2026-H1 (shown), with the ids they were stored under. */
  readonly shownOpenAnswers: readonly { id: string; text: string }[];
  /** Open answers no one may ever see: below k, open or planned round, other institution. */
  readonly secretOpenAnswers: readonly string[];
}

const key = (roundId: string, groupId: string) => `${roundId}/${groupId}`;

/**
 * Builds the world. `secretSeed` and `secretLevel` drive only the data no output may depend on;
 * everything else comes from a fixed stream, so two worlds differ in their secrets alone.
 */
async function buildWorld(ctx: Ctx, secretSeed: number, secretLevel: number, options: { groupName?: string } = {}): Promise<World> {
  const publicRandom = createRandom(4242);
  const secretRandom = createRandom(secretSeed);
  const org = await buildInstitution(ctx.db);
  const other = await buildInstitution(ctx.db, { name: 'Other' });
  const jeugd = ctx.questionnaires.latest('lk-jeugd')!;
  const kind = ctx.questionnaires.latest('lk-kind')!;
  const [l1, l2] = org.locations as [string, string];
  if (options.groupName) await ctx.db.updateTable('living_group').set({ name: options.groupName }).where('id', '=', org.groups[1]!).execute();
  const groups: Group[] = [
    { key: 'G1', id: org.groups[0]!, name: 'Groep 1', locationId: l1, locationName: 'Locatie 1', q: jeugd },
    { key: 'G2', id: org.groups[1]!, name: options.groupName ?? 'Groep 2', locationId: l2, locationName: 'Locatie 2', q: jeugd },
    { key: 'G3', id: await addGroup(ctx.db, { locationId: l1, name: 'Groep 3', questionnaireId: 'lk-jeugd' }), name: 'Groep 3', locationId: l1, locationName: 'Locatie 1', q: jeugd },
    { key: 'G4', id: await addGroup(ctx.db, { locationId: l2, name: 'Groep 4', questionnaireId: 'lk-jeugd' }), name: 'Groep 4', locationId: l2, locationName: 'Locatie 2', q: jeugd },
    { key: 'K', id: await addGroup(ctx.db, { locationId: l2, name: 'Kinderen', questionnaireId: 'lk-kind' }), name: 'Kinderen', locationId: l2, locationName: 'Locatie 2', q: kind },
  ];
  const byKey = (k: Group['key']) => groups.find((g) => g.key === k)!;
  const all = groups.map((g) => ({ id: g.id, questionnaireId: g.q.id }));
  const r0 = await addRound(ctx.db, { institutionId: org.institutionId, period: '2025-H2', opensOn: '2025-10-01', closesOn: '2025-10-31', status: 'closed', groups: all });
  const r1 = await addRound(ctx.db, { institutionId: org.institutionId, period: '2026-H1', opensOn: '2026-04-01', closesOn: '2026-04-30', status: 'closed', groups: all });
  const plannedRound = await addRound(ctx.db, { institutionId: org.institutionId, period: '2027-H1', opensOn: '2027-04-01', closesOn: '2027-04-30', status: 'planned', groups: [all[0]!] });

  const answers = new Map<string, Answers[]>();
  const fill = async (roundId: string, g: Group, count: number, secret: boolean, skips: Record<number, readonly string[]> = {}) => {
    const random: Random = secret ? secretRandom : publicRandom;
    const levels = secret ? Object.fromEntries(g.q.scales.map((s) => [s.id, secretLevel])) : randomLevels(g.q, random);
    const respondents = Array.from({ length: count }, (_, i) => simulateRespondent(g.q, random, levels, { skip: skips[i] }));
    await storeResponses(ctx.db, g.q, roundId, g.id, respondents);
    answers.set(key(roundId, g.id), respondents);
  };
  // 2025-H2: Groep 3 and Groep 4 below k.
  await fill(r0, byKey('G1'), 7, false);
  await fill(r0, byKey('G2'), 7, false);
  await fill(r0, byKey('G3'), 4, true);
  await fill(r0, byKey('G4'), 4, true);
  await fill(r0, byKey('K'), 6, false);
  // 2026-H1: Groep 3 below k; Groep 2 meets k, but three of its seven leave three growth items open.
  await fill(r1, byKey('G1'), 8, false);
  await fill(r1, byKey('G2'), 7, false, { 0: ['g01', 'g02', 'g03'], 1: ['g01', 'g02', 'g03'], 2: ['g01', 'g02', 'g03'] });
  await fill(r1, byKey('G3'), 3, true);
  await fill(r1, byKey('G4'), 6, false);
  await fill(r1, byKey('K'), 6, false);
  // The open round (from buildInstitution: Groep 1 and 2) and the planned one, each with k or more.
  await fill(org.roundId, byKey('G1'), 6, true);
  await fill(org.roundId, byKey('G2'), 7, true);
  await fill(plannedRound, byKey('G1'), 6, true);
  // Institution B: a closed round with results of its own.
  const otherClosedRound = await addRound(ctx.db, { institutionId: other.institutionId, period: '2026-H1', opensOn: '2026-04-01', closesOn: '2026-04-30', status: 'closed', groups: other.groups.map((id) => ({ id, questionnaireId: 'lk-jeugd' })) });
  for (const id of other.groups) {
    await storeResponses(ctx.db, jeugd, otherClosedRound, id, Array.from({ length: 6 }, () => simulateRespondent(jeugd, publicRandom, randomLevels(jeugd, publicRandom))));
  }

  // Open answers. Groep 1's are stored in an order that is not the order of their ids.
  const shownOpenAnswers = [
    { id: 'c0000000-0000-4000-8000-000000000000', text: 'Open antwoord C: de kookavond' },
    { id: '10000000-0000-4000-8000-000000000000', text: 'Open antwoord A: de begeleiders' },
    { id: 'f0000000-0000-4000-8000-000000000000', text: 'Open antwoord D: de tuin' },
    { id: '70000000-0000-4000-8000-000000000000', text: 'Open antwoord B: het eten' },
  ];
  await insertOpenAnswers(ctx.db, shownOpenAnswers.map((a) => ({ ...a, round_id: r1, group_id: byKey('G1').id, question_id: 'good' })));
  const tag = (what: string) => `GEHEIM ${what} ${secretRandom.int(100000, 999999)}`;
  const secrets = [
    { round_id: r1, group_id: byKey('G3').id, question_id: 'good', text: tag('groep-onder-k') },
    { round_id: r0, group_id: byKey('G4').id, question_id: 'change', text: tag('vorige-ronde-onder-k') },
    { round_id: org.roundId, group_id: byKey('G1').id, question_id: 'good', text: tag('open-ronde') },
    { round_id: plannedRound, group_id: byKey('G1').id, question_id: 'good', text: tag('geplande-ronde') },
    { round_id: otherClosedRound, group_id: other.groups[0]!, question_id: 'good', text: tag('andere-instelling') },
  ];
  await insertOpenAnswers(ctx.db, secrets.map((s) => ({ ...s, id: randomId() })));
  return { ctx, org, other, groups, r0, r1, openRound: org.roundId, plannedRound, otherClosedRound, answers, shownOpenAnswers, secretOpenAnswers: secrets.map((s) => s.text) };
}

// ——— What to look for ———

/** Every results route of institution A (and a few filters), as a page, JSON or CSV. */
function everyRoute(w: World): { url: string; accept: 'html' | 'json' | 'csv' }[] {
  const rounds = ['', `?round=${w.r0}`, `?round=${w.r1}`];
  const routes: { url: string; accept: 'html' | 'json' | 'csv' }[] = [];
  for (const r of rounds) {
    routes.push({ url: `/results${r}`, accept: 'html' }, { url: `/api/results/overview${r}`, accept: 'json' }, { url: `/results/overview.csv${r}`, accept: 'csv' });
    for (const g of w.groups) routes.push({ url: `/groups/${g.id}/results${r}`, accept: 'html' }, { url: `/api/results/groups/${g.id}${r}`, accept: 'json' });
  }
  for (const g of w.groups) routes.push({ url: `/groups/${g.id}/results.csv`, accept: 'csv' });
  for (const filter of ['sort=scale:support&dir=desc', 'sort=scale:growth', 'sort=responses&dir=desc', `location=${w.org.locations[0]}`, 'questionnaire=lk-jeugd&sort=group']) {
    routes.push({ url: `/results?${filter}`, accept: 'html' }, { url: `/api/results/overview?${filter}`, accept: 'json' }, { url: `/results/overview.csv?${filter}`, accept: 'csv' });
  }
  return routes;
}

async function fetchAll(w: World, who: Session): Promise<{ url: string; status: number; text: string }[]> {
  const out = [];
  for (const r of everyRoute(w)) {
    const res = await getAs(w.ctx.app, who, r.url, r.accept);
    out.push({ url: `${r.accept} ${r.url}`, status: res.status, text: res.text });
  }
  return out;
}

/**
 * Every statistic some answers would give — scale and item mean, SD, interval, alpha — in the
 * forms a leak would take: full precision (JSON, CSV, chart data) and as a Dutch page prints it.
 */
function figuresOf(q: Questionnaire, respondents: readonly Answers[]): { full: string[]; printed: string[] } {
  const values: (number | undefined)[] = [];
  for (const s of expectedScales(q, respondents).values()) values.push(s.d.mean, s.d.sd, s.d.ci95?.low, s.d.ci95?.high, s.alpha);
  for (const i of expectedItems(q, respondents).values()) values.push(i.d.mean, i.d.sd, i.d.ci95?.low, i.d.ci95?.high);
  const defined = values.filter((v): v is number => v !== undefined);
  return { full: [...new Set(defined.map(String).filter((v) => v.length >= 3))], printed: [...new Set(defined.map(nl))] };
}

/** Whether `text` holds the number `needle` as a whole number (3.25 is not in 13.25 or 3.251). */
function holds(text: string, needle: string): boolean {
  return new RegExp(`(?<![\\d.,])${needle.replace(/[.]/g, '\\.')}(?!\\d)`).test(text);
}

/** Which of `needles` occur in which bodies. */
function found(bodies: readonly { url: string; text: string }[], needles: readonly string[]): string[] {
  return bodies.flatMap((b) => needles.filter((n) => b.text.includes(n)).map((n) => `${n} in ${b.url}`));
}

type Bodies = readonly { url: string; status: number; text: string }[];

/**
 * The needles (figures of world A's secret answers) that A's output holds and the twin's does
 * not. Small samples of whole-number answers give the same figure often (an SD of √(2/3) in many
 * groups); the twin has the same public data, so a figure both print comes from that. What only
 * A prints comes from A's secrets.
 */
function leaks(mine: Bodies, theirs: Bodies, figures: { full: string[]; printed: string[] }): string[] {
  return mine.flatMap((m, i) => {
    // Dutch forms (3,45) only where numbers are printed that way: in a CSV, "…0.615,2025-H2" is two cells.
    const needles = m.url.startsWith('html') ? [...figures.full, ...figures.printed] : figures.full;
    return needles.filter((n) => holds(m.text, n) && !holds(theirs[i]!.text, n)).map((n) => `${n} in ${m.url}`);
  });
}

/** Ids and tokens differ between two worlds; numbers may differ in the last bits (sums in another order). */
function normalise(w: World, text: string): string {
  let out = text;
  const ids: [string, string][] = [
    [w.org.institutionId, 'INSTITUTION'],
    [w.other.institutionId, 'OTHER'],
    ...w.org.locations.map((id, i): [string, string] => [id, `L${i + 1}`]),
    ...w.other.locations.map((id, i): [string, string] => [id, `BL${i + 1}`]),
    ...w.groups.map((g): [string, string] => [g.id, g.key]),
    ...w.other.groups.map((id, i): [string, string] => [id, `BG${i + 1}`]),
    [w.r0, 'R0'],
    [w.r1, 'R1'],
    [w.openRound, 'OPEN'],
    [w.plannedRound, 'PLANNED'],
    [w.otherClosedRound, 'BR'],
    [w.other.roundId, 'BOPEN'],
    ...Object.entries(w.org.users).flatMap(([role, u]): [string, string][] => [[u.id, `U-${role}`], [u.email, `E-${role}`]]),
  ];
  for (const [id, label] of ids) out = out.split(id).join(label);
  return out
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value="CSRF"')
    .replace(/-?\d+(\.\d+)?e-\d+/g, '0')
    .replace(/-?\d+\.\d{10,}/g, (n) => String(Number(Number(n).toFixed(9))));
}

function cellsOf(json: { scales: { scaleId: string; figure?: unknown; alpha?: unknown; change?: unknown; hidden?: string }[] }) {
  return json.scales;
}

describe('results anonymity: every rule, every route, every role', () => {
  let ctx: Ctx;
  let w: World;
  let app: Express;
  /** The same world with other secrets (other answers below k, in the open and planned rounds). */
  let twinCtx: Ctx;
  let twin: World;
  const as = (role: Role | 'municipality_viewer') => w.org.users[role];
  const group = (k: Group['key']) => w.groups.find((g) => g.key === k)!;
  /** Every route's output per role, fetched before any test changes the world (actions). */
  const outputs = new Map<string, Promise<Bodies>>();
  const outputOf = (world: World, role: Role) => {
    const id = `${world === w ? 'w' : 'twin'} ${role}`;
    if (!outputs.has(id)) outputs.set(id, fetchAll(world, world.org.users[role]));
    return outputs.get(id)!;
  };

  beforeAll(async () => {
    ctx = await createTestApp();
    w = await buildWorld(ctx, 1, 4.6);
    app = ctx.app;
    twinCtx = await createTestApp();
    twin = await buildWorld(twinCtx, 99, 1.4);
    for (const role of STAFF) await Promise.all([outputOf(w, role), outputOf(twin, role)]);
  });
  afterAll(async () => {
    await ctx.cleanup();
    await twinCtx.cleanup();
  });

  /**
   * (a) Threshold k (§4.3). Attack: read a group's figures in a round where fewer than k
   * responded — by choosing that round on the page, in the API, in the CSV, in a chart's data —
   * or compute them from a change against the round before.
   */
  describe('(a) a group below k in a closed round shows nothing about its answers', () => {
    const secretCells = () => [
      { label: 'Groep 3 2026-H1', g: group('G3'), round: w.r1 },
      { label: 'Groep 3 2025-H2', g: group('G3'), round: w.r0 },
      { label: 'Groep 4 2025-H2', g: group('G4'), round: w.r0 },
    ];

    it('has the cells the attack needs: below k, and answers whose figures could be shown', () => {
      for (const c of secretCells()) {
        const respondents = w.answers.get(key(c.round, c.g.id))!;
        expect(respondents.length).toBeLessThan(5);
        expect(respondents.length).toBeGreaterThanOrEqual(3);
        expect(figuresOf(c.g.q, respondents).full.length).toBeGreaterThan(20);
      }
    });

    it('no route, for no role, contains any of their statistics, at full precision (JSON, CSV, chart data) or as printed (3,45)', async () => {
      const all = secretCells().map((c) => figuresOf(c.g.q, w.answers.get(key(c.round, c.g.id))!));
      const needles = { full: all.flatMap((f) => f.full), printed: all.flatMap((f) => f.printed) };
      expect(needles.full.length + needles.printed.length).toBeGreaterThan(100);
      for (const role of STAFF) expect(leaks(await outputOf(w, role), await outputOf(twin, role), needles)).toEqual([]);
    });

    it('the JSON has no figure, alpha, change, item or open answer for them', async () => {
      for (const role of ['administrator', 'manager'] as const) {
        for (const c of secretCells()) {
          const res = await getAs(app, as(role), `/api/results/groups/${c.g.id}?round=${c.round}`, 'json').expect(200);
          expect({ cell: c.label, shown: res.body.round.shown }).toEqual({ cell: c.label, shown: false });
          expect(cellsOf(res.body.round)).toEqual(cellsOf(res.body.round).map((s) => ({ scaleId: s.scaleId, hidden: 'too-few-responses' })));
          expect([res.body.items, res.body.standOut, 'openAnswers' in res.body]).toEqual([[], { highest: [], lowest: [], changed: [] }, false]);
          // The same round in every other place the group's trend appears.
          const trend = res.body.rounds.find((r: { roundId: string }) => r.roundId === c.round);
          expect(cellsOf(trend).every((s) => s.figure === undefined && s.alpha === undefined && s.change === undefined)).toBe(true);
          const overview = await getAs(app, as(role), `/api/results/overview?round=${c.round}`, 'json').expect(200);
          const row = overview.body.sections[0].groups.find((g: { id: string }) => g.id === c.g.id);
          expect(cellsOf(row.round).map((s) => Object.keys(s).sort())).toEqual(cellsOf(row.round).map(() => ['hidden', 'scaleId']));
          expect(row.trend.find((t: { period: string }) => t.period === trend.period).means.every((m: unknown) => m === null)).toBe(true);
        }
      }
    });

    it('a later round that meets k has no change against the round below k (the difference would give its mean away)', async () => {
      const res = await getAs(app, as('manager'), `/api/results/groups/${group('G4').id}?round=${w.r1}`, 'json').expect(200);
      expect(res.body.round.shown).toBe(true);
      expect(cellsOf(res.body.round).filter((s) => s.figure !== undefined).length).toBeGreaterThan(0);
      expect(cellsOf(res.body.round).map((s) => s.change)).toEqual(cellsOf(res.body.round).map(() => undefined));
      expect(res.body.items.length).toBeGreaterThan(0);
      expect(res.body.items.map((i: { changeFavourable?: number }) => i.changeFavourable)).toEqual(res.body.items.map(() => undefined));
      const csv = parseCsv((await getAs(app, as('manager'), `/groups/${group('G4').id}/results.csv`, 'csv').expect(200)).text);
      expect(csv.filter((r) => r['period'] === '2026-H1').map((r) => [r['change_from'], r['change'], r['hedges_g'], r['p'], r['direction']].join(''))).toEqual(csv.filter((r) => r['period'] === '2026-H1').map(() => ''));
      const page = textOf((await getAs(app, as('manager'), `/groups/${group('G4').id}/results?round=${w.r1}`).expect(200)).text);
      expect(page).toContain('Geen vergelijking met 2025-H2: toen waren er te weinig reacties.');
      expect(page).not.toMatch(/Beter dan in|Slechter dan in|Ongeveer gelijk aan|verschil \d/);
      expect(page).not.toContain('Het meest veranderd');
    });

    it('the CSVs leave every figure cell empty and say why', async () => {
      for (const c of secretCells()) {
        const period = c.round === w.r0 ? '2025-H2' : '2026-H1';
        const groupCsv = parseCsv((await getAs(app, as('manager'), `/groups/${c.g.id}/results.csv`, 'csv').expect(200)).text).filter((r) => r['period'] === period);
        const overviewCsv = parseCsv((await getAs(app, as('manager'), `/results/overview.csv?round=${c.round}`, 'csv').expect(200)).text).filter((r) => r['group'] === c.g.name);
        expect(groupCsv).toHaveLength(5);
        expect(overviewCsv).toHaveLength(5);
        for (const row of [...groupCsv, ...overviewCsv]) {
          expect({ cell: c.label, values: ['n', 'mean', 'sd', 'ci_low', 'ci_high', 'alpha', 'change', 'hedges_g', 'p'].map((col) => row[col] ?? ''), note: row['note'] }).toEqual({ cell: c.label, values: Array(9).fill(''), note: 'too-few-responses' });
        }
      }
    });

    it('the pages say "Te weinig reacties" and print no number where its figures would be', async () => {
      for (const c of secretCells()) {
        const period = c.round === w.r0 ? '2025-H2' : '2026-H1';
        for (const role of ['administrator', 'manager'] as const) {
          const html = (await getAs(app, as(role), `/groups/${c.g.id}/results?round=${c.round}`).expect(200)).text;
          expect(textOf(sliceOf(html, '<section aria-labelledby="round-h"', '</section>'))).toContain(TOO_FEW_RESPONSES);
          expect([html.includes('score-value'), html.includes('id="cmp-h"'), html.includes('class="distribution"'), html.includes('open-answers'), html.includes('Cronbach')]).toEqual([false, false, false, false, false]);
          for (const scale of ['support', 'growth', 'repression', 'atmosphere', 'open_climate']) {
            const section = sliceOf(html, `<section class="card scale" aria-labelledby="s-${scale}">`, '</section>');
            const row = [...section.matchAll(/<tr><th scope="row">([^<]*)<\/th>([\s\S]*?)<\/tr>/g)].find((m) => m[1] === period)!;
            // Round, response count, the hidden note, and the institution's figure — nothing of the group's own.
            expect(textOf(row[2]!).replace(/\d+ van \d+ plaatsen \(\d+%\)/, 'RESPONS').replace(/\d,\d\d$/, 'INSTELLING')).toMatch(new RegExp(`^RESPONS ${TOO_FEW_RESPONSES.replace(/[().]/g, '\\$&')}( INSTELLING)?$`));
            for (const data of jsonScripts(section)) {
              const chart = JSON.parse(data) as { data: { labels: string[]; datasets: { label: string; data: (number | null)[] }[] } };
              const at = chart.data.labels.indexOf(period);
              expect(chart.data.datasets.filter((d) => d.label !== 'Instelling').map((d) => d.data[at])).toEqual([null, null, null]);
            }
          }
          const overview = (await getAs(app, as(role), `/results?round=${c.round}`).expect(200)).text;
          const row = [...overview.matchAll(/<tr( class="suppressed")?>\s*<td>[^<]*<\/td>\s*<th scope="row"><a href="\/groups\/([^/]+)\/results[^"]*">[^<]*<\/a><\/th>([\s\S]*?)<\/tr>/g)].find((m) => m[2] === c.g.id)!;
          expect(row[1]).toBe(' class="suppressed"');
          expect(textOf(row[3]!.replace(/<script[\s\S]*?<\/script>/g, ''))).toMatch(new RegExp(`^\\d+ van \\d+ plaatsen \\(\\d+%\\) ${TOO_FEW_RESPONSES.replace(/[().]/g, '\\$&')}$`));
          const spark = JSON.parse(jsonScripts(row[3]!)[0]!) as { data: { labels: string[]; datasets: { data: (number | null)[] }[] } };
          expect(spark.data.datasets.map((d) => d.data[spark.data.labels.indexOf(period)])).toEqual([null, null, null, null, null]);
        }
      }
    });

    it('nothing on any route depends on their answers: a twin world with other secret answers gives the same output', async () => {
      // The twin's secrets really are different.
      expect(w.answers.get(key(w.r1, group('G3').id))).not.toEqual(twin.answers.get(key(twin.r1, twin.groups[2]!.id)));
      for (const role of STAFF) {
        const mine = await outputOf(w, role);
        const theirs = await outputOf(twin, role);
        const diff = mine.flatMap((m, i) => {
          const t = theirs[i]!;
          const [a, b] = [normalise(w, m.text), normalise(twin, t.text)];
          if (m.status === t.status && a === b) return [];
          let at = 0;
          while (at < a.length && a[at] === b[at]) at++;
          return [`${role} ${m.url}: ${m.status}/${t.status} …${a.slice(Math.max(0, at - 80), at + 80)}… vs …${b.slice(Math.max(0, at - 80), at + 80)}…`];
        });
        expect(diff).toEqual([]);
        expect(mine.filter((m) => m.status === 200).length).toBeGreaterThan(role === 'group_leader' ? 5 : 50);
      }
    });
  });

  /**
   * (b) Only closed rounds (§4.4). Attack: watch an open (or planned) round's figures move while
   * the young people fill it in, by asking for that round by id.
   */
  describe('(b) an open or planned round with k or more responses shows nothing', () => {
    const notClosed = () => [
      { label: 'open', id: w.openRound, period: '2026-H2' },
      { label: 'planned', id: w.plannedRound, period: '2027-H1' },
    ];

    it('has k or more responses in them', () => {
      expect(w.answers.get(key(w.openRound, group('G1').id))!.length).toBeGreaterThanOrEqual(5);
      expect(w.answers.get(key(w.openRound, group('G2').id))!.length).toBeGreaterThanOrEqual(5);
      expect(w.answers.get(key(w.plannedRound, group('G1').id))!.length).toBeGreaterThanOrEqual(5);
    });

    it('asking for them by id is 404 on the group page, the group API and the overview (page, JSON, CSV)', async () => {
      for (const role of ['administrator', 'manager', 'group_leader'] as const) {
        for (const r of notClosed()) {
          const statuses = [
            (await getAs(app, as(role), `/groups/${group('G1').id}/results?round=${r.id}`)).status,
            (await getAs(app, as(role), `/api/results/groups/${group('G1').id}?round=${r.id}`, 'json')).status,
          ];
          expect({ role, round: r.label, statuses }).toEqual({ role, round: r.label, statuses: [404, 404] });
        }
      }
      for (const r of notClosed()) {
        const statuses = [
          (await getAs(app, as('manager'), `/results?round=${r.id}`)).status,
          (await getAs(app, as('manager'), `/api/results/overview?round=${r.id}`, 'json')).status,
          (await getAs(app, as('manager'), `/results/overview.csv?round=${r.id}`, 'csv')).status,
        ];
        expect({ round: r.label, statuses }).toEqual({ round: r.label, statuses: [404, 404, 404] });
      }
    });

    it('they are in no list of rounds: not in the JSON, not in the CSV, not in the round pickers', async () => {
      const closed = ['2025-H2', '2026-H1'];
      for (const role of ['administrator', 'manager'] as const) {
        const overview = (await getAs(app, as(role), '/api/results/overview', 'json').expect(200)).body;
        expect(overview.rounds.map((r: { period: string }) => r.period)).toEqual(closed);
        expect(overview.round.period).toBe('2026-H1');
        const page = (await getAs(app, as(role), '/results').expect(200)).text;
        expect([...sliceOf(page, '<select id="f-round"', '</select>').matchAll(/<option value="([^"]*)"/g)].map((m) => m[1])).toEqual([w.r0, w.r1]);
        const csv = parseCsv((await getAs(app, as(role), `/groups/${group('G1').id}/results.csv`, 'csv').expect(200)).text);
        expect([...new Set(csv.map((r) => r['period']))]).toEqual(closed);
      }
      for (const role of STAFF) {
        const api = (await getAs(app, as(role), `/api/results/groups/${group('G1').id}`, 'json').expect(200)).body;
        expect(api.rounds.map((r: { period: string }) => r.period)).toEqual(closed);
        expect(api.round.period).toBe('2026-H1');
        const page = (await getAs(app, as(role), `/groups/${group('G1').id}/results`).expect(200)).text;
        expect([...sliceOf(page, '<select id="round-select"', '</select>').matchAll(/<option value="([^"]*)"/g)].map((m) => m[1])).toEqual([w.r0, w.r1]);
      }
      for (const role of STAFF) expect(found(await outputOf(w, role), [w.openRound, w.plannedRound, '2026-H2', '2027-H1'])).toEqual([]);
    });

    it('none of their statistics appears anywhere — and once the round closes, they do (so the search can find them)', async () => {
      const all = [
        figuresOf(group('G1').q, w.answers.get(key(w.openRound, group('G1').id))!),
        figuresOf(group('G2').q, w.answers.get(key(w.openRound, group('G2').id))!),
        figuresOf(group('G1').q, w.answers.get(key(w.plannedRound, group('G1').id))!),
      ];
      const needles = { full: all.flatMap((f) => f.full), printed: all.flatMap((f) => f.printed) };
      for (const role of STAFF) expect(leaks(await outputOf(w, role), await outputOf(twin, role), needles)).toEqual([]);

      // The control, in a world of its own: close the open round as a manager would.
      const closingCtx = await createTestApp();
      try {
        const closing = await buildWorld(closingCtx, 1, 4.6);
        const g1 = closing.groups[0]!;
        const m = closing.org.users.manager;
        // Someone looks while the round is open, and one more young person answers after that: it still counts.
        await getAs(closingCtx.app, m, `/api/results/groups/${g1.id}`, 'json').expect(200);
        await getAs(closingCtx.app, m, '/results').expect(200);
        const late = simulateRespondent(g1.q, createRandom(5), randomLevels(g1.q, createRandom(6)));
        await storeResponses(closingCtx.db, g1.q, closing.openRound, g1.id, [late]);
        await postFormAs(closingCtx.app, m, `/rounds/${closing.openRound}/close`, {}).expect(303);
        const res = await getAs(closingCtx.app, m, `/api/results/groups/${g1.id}?round=${closing.openRound}`, 'json').expect(200);
        expect(res.body.round.responses).toBe(7);
        const expected = expectedScales(g1.q, [...closing.answers.get(key(closing.openRound, g1.id))!, late]).get('support')!;
        expect(res.body.round.scales[0].figure.n).toBe(expected.d.n);
        expect(res.body.round.scales[0].figure.mean).toBeCloseTo(expected.d.mean!, 9);
        const openFigures = figuresOf(g1.q, [...closing.answers.get(key(closing.openRound, g1.id))!, late]).full.filter((n) => n.length >= 9);
        expect(found([{ url: 'closed round', text: res.text }], openFigures).length).toBeGreaterThan(20);
      } finally {
        await closingCtx.cleanup();
      }
    });
  });

  /**
   * (c) No differencing (§4.4). Attack: take a location's or the institution's figure and
   * subtract the groups shown beside it, to get at a group below k; or sort a column and read a
   * hidden group's value from where it lands.
   */
  describe('(c) aggregates hold only groups that meet k, and sorting never places a hidden group by its value', () => {
    it('Locatie 1 in 2026-H1 (Groep 1 meets k, Groep 3 does not) is Groep 1 alone and says 1 left out', async () => {
      const overview = (await getAs(app, as('manager'), `/api/results/overview?round=${w.r1}`, 'json').expect(200)).body;
      const section = overview.sections[0];
      const location = section.locations.find((l: { id: string }) => l.id === group('G1').locationId).aggregate;
      const g1 = section.groups.find((g: { id: string }) => g.id === group('G1').id).round;
      expect([location.groupsMeasured, location.groupsShown]).toEqual([2, 1]);
      for (const cell of location.scales) {
        expect({ scale: cell.scaleId, groups: cell.groups, leftOut: cell.leftOut }).toEqual({ scale: cell.scaleId, groups: 1, leftOut: 1 });
        expect(cell.figure).toEqual(g1.scales.find((s: { scaleId: string }) => s.scaleId === cell.scaleId).figure);
      }
      const csv = parseCsv((await getAs(app, as('manager'), `/results/overview.csv?round=${w.r1}`, 'csv').expect(200)).text);
      const csvG1 = csv.filter((r) => r['level'] === 'group' && r['group'] === 'Groep 1');
      for (const row of csv.filter((r) => r['level'] === 'location' && r['location'] === 'Locatie 1')) {
        const mine = csvG1.find((r) => r['scale_id'] === row['scale_id'])!;
        expect([row['groups_included'], row['groups_left_out'], row['n'], row['mean'], row['sd'], row['ci_low'], row['ci_high']]).toEqual(['1', '1', mine['n'], mine['mean'], mine['sd'], mine['ci_low'], mine['ci_high']]);
      }
      const page = (await getAs(app, as('manager'), `/results?round=${w.r1}`).expect(200)).text;
      const aggregates = sliceOf(page, '<tbody class="aggregates">', '</tbody>');
      expect(textOf(sliceOf(aggregates, '<th scope="row" colspan="2">Locatie 1</th>', '</tr>'))).toMatch(/^Locatie 1 1 groep; 1 groep niet meegeteld \(te weinig reacties\) /);
    });

    it('the institution’s n, Σx and Σx² are exactly those of the groups shown: subtracting them leaves nothing', async () => {
      for (const round of [w.r0, w.r1]) {
        const section = (await getAs(app, as('manager'), `/api/results/overview?round=${round}`, 'json').expect(200)).body.sections[0];
        for (const cell of section.institution.scales) {
          const shown = section.groups.map((g: { round: { scales: { scaleId: string; figure?: { n: number; mean: number; sd: number } }[] } }) => g.round.scales.find((s) => s.scaleId === cell.scaleId)!.figure).filter(Boolean);
          const sums = (f: { n: number; mean: number; sd: number }) => ({ n: f.n, sum: f.n * f.mean, squares: (f.n - 1) * f.sd ** 2 + f.n * f.mean ** 2 });
          const parts = shown.map(sums);
          const whole = sums(cell.figure);
          expect({ scale: cell.scaleId, groups: cell.groups, n: whole.n }).toEqual({ scale: cell.scaleId, groups: shown.length, n: parts.reduce((n: number, p: { n: number }) => n + p.n, 0) });
          expect(Math.abs(whole.sum - parts.reduce((s: number, p: { sum: number }) => s + p.sum, 0))).toBeLessThan(1e-9);
          expect(Math.abs(whole.squares - parts.reduce((s: number, p: { squares: number }) => s + p.squares, 0))).toBeLessThan(1e-8);
          expect(cell.leftOut).toBe(section.groups.length - shown.length);
        }
      }
    });

    it('the location and institution figures do not include a group’s scale that is hidden for too few answers', async () => {
      const section = (await getAs(app, as('manager'), `/api/results/overview?round=${w.r1}`, 'json').expect(200)).body.sections[0];
      const growth = (a: { scales: { scaleId: string; groups?: number; leftOut?: number; figure?: unknown }[] }) => a.scales.find((s) => s.scaleId === 'growth')!;
      const l2 = section.locations.find((l: { id: string }) => l.id === group('G2').locationId).aggregate;
      const g4 = section.groups.find((g: { id: string }) => g.id === group('G4').id).round;
      expect([growth(l2).groups, growth(l2).leftOut]).toEqual([1, 1]);
      expect(growth(l2).figure).toEqual(growth(g4).figure);
      expect([growth(section.institution).groups, growth(section.institution).leftOut]).toEqual([2, 2]);
    });

    it('with every filter and sort, the suppressed group never has a value, and hidden groups come last in (location, name) order', async () => {
      const sorts = ['', 'location', 'group', 'responses', 'scale:support', 'scale:growth', 'scale:repression', 'scale:atmosphere', 'scale:open_climate'];
      const problems: string[] = [];
      for (const round of ['', w.r0]) {
        for (const location of ['', ...w.org.locations]) {
          for (const questionnaire of ['', 'lk-jeugd', 'lk-kind']) {
            for (const sort of sorts) {
              for (const dir of ['', 'asc', 'desc']) {
                const query = new URLSearchParams(Object.entries({ round, location, questionnaire, sort, dir }).filter(([, v]) => v !== '')).toString();
                const body = (await getAs(app, as('manager'), `/api/results/overview?${query}`, 'json')).body;
                const suppressed = round === w.r0 ? [group('G3').id, group('G4').id] : [group('G3').id];
                // A questionnaire none of the chosen location's groups uses has no section there.
                const expectedSections = ['lk-jeugd', 'lk-kind'].filter(
                  (q) => (!questionnaire || q === questionnaire) && (!location || w.groups.some((g) => g.q.id === q && g.locationId === location)),
                );
                if (JSON.stringify(body.sections?.map((s: { instrument: { questionnaireId: string } }) => s.instrument.questionnaireId)) !== JSON.stringify(expectedSections)) problems.push(`${query}: sections`);
                const csv = parseCsv((await getAs(app, as('manager'), `/results/overview.csv?${query}`, 'csv')).text).filter((r) => r['level'] === 'group');
                const page = (await getAs(app, as('manager'), `/results?${query}`)).text;
                const pageIds = [...page.matchAll(/<th scope="row"><a href="\/groups\/([^/]+)\/results/g)].map((m) => m[1]);
                const allIds: string[] = [];
                for (const section of body.sections ?? []) {
                  const groups = section.groups as { id: string; name: string; locationId: string; locationName: string; round: { scales: { scaleId: string; figure?: { mean: number } }[] } }[];
                  allIds.push(...groups.map((g) => g.id));
                  const where = `${query} ${section.instrument.questionnaireId}`;
                  const expectedIds = w.groups.filter((g) => g.q.id === section.instrument.questionnaireId && (!location || g.locationId === location)).map((g) => g.id);
                  if (JSON.stringify([...groups.map((g) => g.id)].sort()) !== JSON.stringify([...expectedIds].sort())) problems.push(`${where}: groups ${groups.map((g) => g.name)}`);
                  for (const g of groups.filter((x) => suppressed.includes(x.id))) {
                    if (g.round.scales.some((s) => s.figure !== undefined)) problems.push(`${where}: ${g.name} has a figure`);
                  }
                  if (!sort.startsWith('scale:')) continue;
                  const scale = sort.slice(6);
                  const valueOf = (g: (typeof groups)[number]) => g.round.scales.find((s) => s.scaleId === scale)?.figure?.mean;
                  const withValue = groups.filter((g) => valueOf(g) !== undefined);
                  const hidden = groups.filter((g) => valueOf(g) === undefined);
                  if (groups.slice(0, withValue.length).some((g) => valueOf(g) === undefined)) problems.push(`${where}: a hidden group before a shown one`);
                  const byName = [...hidden].sort((a, b) => a.locationName.localeCompare(b.locationName) || a.name.localeCompare(b.name));
                  if (JSON.stringify(groups.slice(withValue.length).map((g) => g.id)) !== JSON.stringify(byName.map((g) => g.id))) problems.push(`${where}: hidden groups not in (location, name) order: ${groups.slice(withValue.length).map((g) => g.name)}`);
                  const values = withValue.map((g) => valueOf(g)!);
                  const sorted = [...values].sort((a, b) => (dir === 'desc' ? b - a : a - b));
                  if (JSON.stringify(values) !== JSON.stringify(sorted)) problems.push(`${where}: shown groups not sorted ${dir || 'asc'} by ${scale}`);
                }
                // The CSV and the page list the groups in the same order, and the CSV leaves the suppressed empty.
                const csvIds = [...new Set(csv.map((r) => `${r['location']}/${r['group']}`))];
                const jsonNames = (body.sections ?? []).flatMap((s: { groups: { locationName: string; name: string }[] }) => s.groups.map((g) => `${g.locationName}/${g.name}`));
                if (JSON.stringify(csvIds) !== JSON.stringify(jsonNames)) problems.push(`${query}: CSV order ${csvIds} ≠ JSON ${jsonNames}`);
                for (const row of csv.filter((r) => suppressed.some((id) => w.groups.find((g) => g.id === id)!.name === r['group']))) {
                  if (row['mean'] !== '' || row['n'] !== '' || row['note'] !== 'too-few-responses') problems.push(`${query}: CSV ${row['group']} ${row['scale_id']} has values`);
                }
                if (JSON.stringify(pageIds) !== JSON.stringify(allIds)) problems.push(`${query}: page order differs from JSON`);
                for (const id of suppressed.filter((s) => pageIds.includes(s))) {
                  const row = sliceOf(page, `<th scope="row"><a href="/groups/${id}/results`, '</tr>');
                  if (/\d,\d\d/.test(row.replace(/<script[\s\S]*?<\/script>/g, ''))) problems.push(`${query}: page row of a suppressed group has a number`);
                }
              }
            }
          }
        }
      }
      expect(problems).toEqual([]);
    });
  });

  /**
   * (d) Each figure needs its own n ≥ k (§4.3). Attack: a group meets k in responses, but only a
   * few answered enough of one scale, or one item; that scale's score or that item's answers
   * would describe those few.
   */
  describe('(d) a scale or item with fewer than k answers is hidden, even when the group meets k', () => {
    const g2Growth = () => expectedScales(group('G2').q, w.answers.get(key(w.r1, group('G2').id))!);

    it('has the case: seven responses, four growth scores, three items answered by four', () => {
      const respondents = w.answers.get(key(w.r1, group('G2').id))!;
      expect(respondents).toHaveLength(7);
      expect(g2Growth().get('growth')!.scores).toHaveLength(4);
      const items = expectedItems(group('G2').q, respondents);
      expect(['g01', 'g02', 'g03', 'g04'].map((id) => items.get(id)!.values.length)).toEqual([4, 4, 4, 7]);
    });

    it('growth (and the total that needs it) are hidden as too-few-answers in JSON, CSV and on the pages', async () => {
      const g2 = group('G2');
      for (const role of ['administrator', 'manager'] as const) {
        const api = (await getAs(app, as(role), `/api/results/groups/${g2.id}?round=${w.r1}`, 'json').expect(200)).body;
        expect(api.round.shown).toBe(true);
        expect(cellsOf(api.round).map((s) => [s.scaleId, s.figure === undefined, s.hidden ?? null])).toEqual([
          ['support', false, null],
          ['growth', true, 'too-few-answers'],
          ['repression', false, null],
          ['atmosphere', false, null],
          ['open_climate', true, 'too-few-answers'],
        ]);
        expect(cellsOf(api.round).filter((s) => s.hidden).map((s) => Object.keys(s).sort())).toEqual([['hidden', 'scaleId'], ['hidden', 'scaleId']]);
        const overview = (await getAs(app, as(role), `/api/results/overview?round=${w.r1}`, 'json').expect(200)).body;
        const row = overview.sections[0].groups.find((g: { id: string }) => g.id === g2.id);
        expect(cellsOf(row.round).filter((s) => s.hidden).map((s) => s.scaleId)).toEqual(['growth', 'open_climate']);
        const csv = parseCsv((await getAs(app, as(role), `/groups/${g2.id}/results.csv`, 'csv').expect(200)).text).filter((r) => r['period'] === '2026-H1' && (r['scale_id'] === 'growth' || r['scale_id'] === 'open_climate'));
        expect(csv.map((r) => [r['n'], r['mean'], r['sd'], r['alpha'], r['note']])).toEqual([
          ['', '', '', '', 'too-few-answers'],
          ['', '', '', '', 'too-few-answers'],
        ]);
        const html = (await getAs(app, as(role), `/groups/${g2.id}/results?round=${w.r1}`).expect(200)).text;
        const section = sliceOf(html, '<section class="card scale" aria-labelledby="s-growth">', '</section>');
        expect(textOf(section)).toContain(TOO_FEW_ANSWERS);
        expect(section).not.toContain('score-value');
      }
      // Their true values, where long enough not to be another figure by chance (not a secret of the twin's: same in both).
      const hidden = [g2Growth().get('growth')!, g2Growth().get('open_climate')!];
      const needles = hidden.flatMap((x) => [x.d.mean, x.d.sd, x.d.ci95?.low, x.d.ci95?.high, x.alpha]).filter((v): v is number => v !== undefined).map(String).filter((v) => v.length >= 12);
      expect(needles.length).toBeGreaterThanOrEqual(6);
      for (const role of STAFF) expect(found(await outputOf(w, role), needles)).toEqual([]);
    });

    it('items answered by fewer than k are not among the items (JSON, page), the others are', async () => {
      const g2 = group('G2');
      const api = (await getAs(app, as('manager'), `/api/results/groups/${g2.id}?round=${w.r1}`, 'json').expect(200)).body;
      const growthItems = api.items.filter((i: { scaleId: string }) => i.scaleId === 'growth').map((i: { itemId: string }) => i.itemId);
      expect(growthItems).toEqual(['g04', 'g05', 'g06', 'g07', 'g08']);
      const html = (await getAs(app, as('manager'), `/groups/${g2.id}/results?round=${w.r1}`).expect(200)).text;
      const table = textOf(sliceOf(html, '<summary>Groei</summary>', '</table>'));
      for (const id of ['g01', 'g02', 'g03']) expect(table).not.toContain(g2.q.items.find((i) => i.id === id)!.text['nl']!);
      for (const id of ['g04', 'g05']) expect(table).toContain(g2.q.items.find((i) => i.id === id)!.text['nl']!);
      const standingOut = [...api.standOut.highest, ...api.standOut.lowest, ...api.standOut.changed].map((i: { itemId: string }) => i.itemId);
      expect(standingOut.filter((id: string) => ['g01', 'g02', 'g03'].includes(id))).toEqual([]);
    });
  });

  /**
   * (e) Open answers (§4.5). Attack: read them outside the page (API, CSV), read them for a group
   * below k or a round not closed, or read them in the order they came in to tell who wrote what.
   */
  describe('(e) open answers: on the page only, not below k, in the order of their random ids', () => {
    it('shows Groep 1’s open answers on its page in id order, not in the order they were stored', async () => {
      const expected = [...w.shownOpenAnswers].sort((a, b) => (a.id < b.id ? -1 : 1)).map((a) => a.text);
      expect(expected).not.toEqual(w.shownOpenAnswers.map((a) => a.text));
      for (const role of STAFF) {
        const html = (await getAs(app, as(role), `/groups/${group('G1').id}/results?round=${w.r1}`).expect(200)).text;
        const list = sliceOf(html, '<ul class="open-answers">', '</ul>');
        expect([...list.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => textOf(m[1]!))).toEqual(expected);
      }
    });

    it('never puts an open answer in the JSON or the CSV, for any role', async () => {
      const texts = w.shownOpenAnswers.map((a) => a.text);
      for (const role of STAFF) {
        const bodies = (await outputOf(w, role)).filter((b) => !b.url.startsWith('html'));
        expect(bodies.length).toBeGreaterThan(10);
        expect(found(bodies, texts)).toEqual([]);
        const api = (await getAs(app, as(role), `/api/results/groups/${group('G1').id}?round=${w.r1}`, 'json').expect(200)).body;
        expect('openAnswers' in api).toBe(false);
      }
    });

    it('never shows the open answers of a group below k, of an open or planned round, or of another institution', async () => {
      expect(w.secretOpenAnswers).toHaveLength(5);
      for (const role of STAFF) expect(found(await outputOf(w, role), w.secretOpenAnswers)).toEqual([]);
      const html = (await getAs(app, as('manager'), `/groups/${group('G3').id}/results?round=${w.r1}`).expect(200)).text;
      expect(html).not.toContain('open-answers');
    });
  });

  /**
   * (f) Scope. Attack: a staff member opens results they are not entitled to by editing the
   * group id in the address, or calls the managers' exports directly.
   */
  describe('(f) each role sees only its own scope', () => {
    const groupRoutes = (id: string) => [
      { url: `/groups/${id}/results`, accept: 'html' as const },
      { url: `/groups/${id}/results?round=${w.r1}`, accept: 'html' as const },
      { url: `/api/results/groups/${id}`, accept: 'json' as const },
      { url: `/api/results/groups/${id}?round=${w.r1}`, accept: 'json' as const },
      { url: `/groups/${id}/results.csv`, accept: 'csv' as const },
    ];

    it('a group leader reads only their own group: another group’s page, API and CSV are 404', async () => {
      for (const g of w.groups) {
        for (const r of groupRoutes(g.id)) {
          const res = await getAs(app, as('group_leader'), r.url, r.accept);
          expect({ group: g.key, url: r.url, status: res.status }).toEqual({ group: g.key, url: r.url, status: g.key === 'G1' ? 200 : 404 });
          if (g.key !== 'G1') expect(res.text).not.toContain(g.name);
        }
      }
      const list = (await getAs(app, as('group_leader'), '/results').expect(200)).text;
      expect([...list.matchAll(/href="\/groups\/([^/]+)\/results"/g)].map((m) => m[1])).toEqual([group('G1').id]);
    });

    it('a group leader gets 403 for the overview JSON and CSV', async () => {
      for (const url of ['/api/results/overview', `/api/results/overview?round=${w.r1}`]) expect((await getAs(app, as('group_leader'), url, 'json')).status).toBe(403);
      for (const url of ['/results/overview.csv', `/results/overview.csv?round=${w.r1}`]) expect((await getAs(app, as('group_leader'), url, 'csv')).status).toBe(403);
    });

    it('a manager of institution B cannot read institution A’s groups or rounds', async () => {
      const b = w.other.users.manager;
      for (const g of w.groups) {
        for (const r of groupRoutes(g.id)) expect({ url: r.url, status: (await getAs(app, b, r.url, r.accept)).status }).toEqual({ url: r.url, status: 404 });
      }
      for (const [url, accept] of [[`/results?round=${w.r1}`, 'html'], [`/api/results/overview?round=${w.r1}`, 'json'], [`/results/overview.csv?round=${w.r1}`, 'csv']] as const) {
        expect({ url, status: (await getAs(app, b, url, accept)).status }).toEqual({ url, status: 404 });
      }
      // B's own overview holds B's groups only.
      const own = (await getAs(app, b, '/api/results/overview', 'json').expect(200)).body;
      expect(own.sections.flatMap((s: { groups: { id: string }[] }) => s.groups.map((g) => g.id)).sort()).toEqual([...w.other.groups].sort());
      expect(JSON.stringify(own)).not.toContain(w.org.institutionId);
      for (const g of w.groups) expect(JSON.stringify(own)).not.toContain(g.id);
    });

    it('a municipality viewer gets 403 on every results route, and anonymous visitors are sent to log in', async () => {
      const routes = [
        ...[['/results', 'html'], ['/results/overview.csv', 'csv'], ['/api/results/overview', 'json']] as const,
        ...w.groups.flatMap((g) => groupRoutes(g.id).map((r) => [r.url, r.accept] as const)),
      ];
      for (const [url, accept] of routes) {
        expect({ url, status: (await getAs(app, as('municipality_viewer'), url, accept)).status }).toEqual({ url, status: 403 });
        const anonymous = await getAs(app, undefined, url, accept === 'html' ? 'html' : 'json');
        expect({ url, status: anonymous.status }).toEqual({ url, status: accept === 'html' ? 303 : 401 });
      }
      const before = await actionRows(ctx);
      const post = await postFormAs(app, as('municipality_viewer'), `/groups/${group('G1').id}/actions`, { roundId: w.r1, text: 'Mag niet' });
      expect(post.status).toBe(403);
      expect(await actionRows(ctx)).toEqual(before);
    });
  });

  /**
   * (g) Improvement actions. Attack: write into another group's or institution's results, attach
   * an action to a round that is still open, send malformed bodies, or store markup that runs on
   * the page or a formula that runs in a spreadsheet.
   */
  describe('(g) improvement actions: only for a closed round of a group in scope, and well-formed', () => {
    it('a group leader cannot add or edit an action of another group', async () => {
      const g2 = group('G2');
      await postFormAs(app, as('manager'), `/groups/${g2.id}/actions`, { roundId: w.r1, text: 'Actie van Groep 2' }).expect(303);
      const [action] = await ctx.db.selectFrom('improvement_action').select(['id', 'text']).where('group_id', '=', g2.id).execute();
      expect(action?.text).toBe('Actie van Groep 2');
      const before = await actionRows(ctx);
      const gl = as('group_leader');
      const attempts = [
        await postFormAs(app, gl, `/groups/${g2.id}/actions`, { roundId: w.r1, text: 'Van een ander' }),
        await postFormAs(app, gl, `/groups/${g2.id}/actions/${action!.id}`, { text: 'Overschreven' }),
        // Through their own group's address, with the other group's action id.
        await postFormAs(app, gl, `/groups/${group('G1').id}/actions/${action!.id}`, { text: 'Overschreven' }),
      ];
      expect(attempts.map((r) => r.status)).toEqual([404, 404, 404]);
      expect(await actionRows(ctx)).toEqual(before);
      // Their own group they can.
      await postFormAs(app, gl, `/groups/${group('G1').id}/actions`, { roundId: w.r1, text: 'Eigen actie' }).expect(303);
      expect((await actionRows(ctx)).length).toBe(before.length + 1);
    });

    it('refuses an action for an open or planned round or a round of another institution, and stores nothing', async () => {
      const before = await actionRows(ctx);
      for (const roundId of [w.openRound, w.plannedRound, w.otherClosedRound, w.other.roundId]) {
        for (const who of ['manager', 'group_leader'] as const) {
          const res = await postFormAs(app, as(who), `/groups/${group('G1').id}/actions`, { roundId, text: 'Actie' });
          expect({ roundId, who, status: [400, 404].includes(res.status) }).toEqual({ roundId, who, status: true });
        }
      }
      // A manager of B, for A's group in A's round.
      expect((await postFormAs(app, w.other.users.manager, `/groups/${group('G1').id}/actions`, { roundId: w.r1, text: 'Actie' })).status).toBe(404);
      expect(await actionRows(ctx)).toEqual(before);
      // And an edit of an action that belongs to an open round (stored behind the route's back) is refused too.
      await ctx.db.insertInto('improvement_action').values({ id: 'a0000000-0000-4000-8000-00000000000a', round_id: w.openRound, group_id: group('G1').id, text: 'Open ronde', created_by: null, created_at: '2026-11-01T00:00:00.000Z', updated_at: '2026-11-01T00:00:00.000Z' }).execute();
      const res = await postFormAs(app, as('manager'), `/groups/${group('G1').id}/actions/a0000000-0000-4000-8000-00000000000a`, { text: 'Gewijzigd' });
      expect(res.status).toBe(404);
      expect((await ctx.db.selectFrom('improvement_action').select('text').where('id', '=', 'a0000000-0000-4000-8000-00000000000a').executeTakeFirst())?.text).toBe('Open ronde');
    });

    it('refuses bad bodies with 400 and a clear message, and stores nothing', async () => {
      const g1 = group('G1');
      const m = as('manager');
      const before = await actionRows(ctx);
      const cases: { label: string; send: () => Promise<{ status: number; text: string }>; message: string }[] = [
        { label: 'no text', send: () => postFormAs(app, m, `/groups/${g1.id}/actions`, { roundId: w.r1 }), message: 'verplicht' },
        { label: 'only spaces', send: () => postFormAs(app, m, `/groups/${g1.id}/actions`, { roundId: w.r1, text: '   ' }), message: 'verplicht' },
        { label: '3000 characters', send: () => postFormAs(app, m, `/groups/${g1.id}/actions`, { roundId: w.r1, text: 'x'.repeat(3000) }), message: 'te lang: hoogstens 2000 tekens' },
        { label: 'text twice', send: () => postFormAs(app, m, `/groups/${g1.id}/actions`, { roundId: w.r1, text: ['a', 'b'] }), message: 'ongeldig' },
        { label: 'no round', send: () => postFormAs(app, m, `/groups/${g1.id}/actions`, { text: 'Actie' }), message: 'verplicht' },
        { label: 'round twice', send: () => postFormAs(app, m, `/groups/${g1.id}/actions`, { roundId: [w.r1, w.r0], text: 'Actie' }), message: 'ongeldig' },
        { label: 'JSON text as a number', send: () => postJsonAs(app, m, `/groups/${g1.id}/actions`, { roundId: w.r1, text: 5 }), message: 'ongeldig' },
        { label: 'JSON round as an object', send: () => postJsonAs(app, m, `/groups/${g1.id}/actions`, { roundId: { id: w.r1 }, text: 'Actie' }), message: 'ongeldig' },
        { label: 'unknown round id', send: () => postFormAs(app, m, `/groups/${g1.id}/actions`, { roundId: 'x'.repeat(64), text: 'Actie' }), message: 'Kies een gesloten meetronde van deze groep.' },
        // The same mistake, one character longer: it must not turn into "this page does not exist".
        { label: 'round id of 3000 characters', send: () => postFormAs(app, m, `/groups/${g1.id}/actions`, { roundId: 'x'.repeat(3000), text: 'Actie' }), message: 'te lang: hoogstens 64 tekens' },
      ];
      const outcomes = [];
      for (const c of cases) {
        const res = await c.send();
        outcomes.push({ case: c.label, status: res.status, says: res.text.includes(c.message) });
      }
      expect(outcomes).toEqual(cases.map((c) => ({ case: c.label, status: 400, says: true })));
      expect(await actionRows(ctx)).toEqual(before);
    });

    it('refuses a bad edit with 400 and keeps the text', async () => {
      const g1 = group('G1');
      await postFormAs(app, as('manager'), `/groups/${g1.id}/actions`, { roundId: w.r0, text: 'Te bewerken' }).expect(303);
      const action = (await ctx.db.selectFrom('improvement_action').select(['id', 'text']).where('text', '=', 'Te bewerken').executeTakeFirstOrThrow()).id;
      const before = await actionRows(ctx);
      for (const body of [{}, { text: '' }, { text: 'x'.repeat(3000) }, { text: ['a', 'b'] }]) {
        const res = await postFormAs(app, as('manager'), `/groups/${g1.id}/actions/${action}`, body);
        expect({ body: JSON.stringify(body).slice(0, 40), status: res.status }).toEqual({ body: JSON.stringify(body).slice(0, 40), status: 400 });
        expect(res.text).toMatch(/verplicht|te lang|ongeldig/);
      }
      expect(await actionRows(ctx)).toEqual(before);
    });
  });

  /**
   * (h) k is configuration (§4.3: 5 by default, configurable, never below 3). Attack: none — but
   * a k read from the wrong place would show a group of four where k is 5.
   */
  describe('(h) k comes from the configuration', () => {
    async function smallGroups(env: Record<string, string>) {
      const c = await createTestApp(env);
      const org = await buildInstitution(c.db);
      const q = c.questionnaires.latest('lk-jeugd')!;
      const random = createRandom(7);
      const round = await addRound(c.db, { institutionId: org.institutionId, period: '2026-H1', opensOn: '2026-04-01', closesOn: '2026-04-30', status: 'closed', groups: org.groups.map((id) => ({ id, questionnaireId: 'lk-jeugd' })) });
      const four = Array.from({ length: 4 }, () => simulateRespondent(q, random, randomLevels(q, random)));
      const two = Array.from({ length: 2 }, () => simulateRespondent(q, random, randomLevels(q, random)));
      await storeResponses(c.db, q, round, org.groups[0]!, four);
      await storeResponses(c.db, q, round, org.groups[1]!, two);
      return { c, org, q, four };
    }

    it('with ANONYMITY_K=3 a group of 4 is shown (with the figures its answers give) and a group of 2 is not', async () => {
      const { c, org, q, four } = await smallGroups({ ANONYMITY_K: '3' });
      try {
        const m = org.users.manager;
        const api = (await getAs(c.app, m, `/api/results/groups/${org.groups[0]}`, 'json').expect(200)).body;
        expect([api.k, api.round.shown]).toEqual([3, true]);
        const support = expectedScales(q, four).get('support')!;
        expect(api.round.scales[0].figure.n).toBe(support.d.n);
        expect(api.round.scales[0].figure.mean).toBeCloseTo(support.d.mean!, 9);
        const other = (await getAs(c.app, m, `/api/results/groups/${org.groups[1]}`, 'json').expect(200)).body;
        expect(other.round.shown).toBe(false);
        const page = textOf((await getAs(c.app, m, `/groups/${org.groups[1]}/results`).expect(200)).text);
        expect(page).toContain('Te weinig reacties om resultaten te tonen (minder dan 3).');
        const overview = (await getAs(c.app, m, '/api/results/overview', 'json').expect(200)).body.sections[0];
        expect(overview.institution.scales[0].figure.n).toBe(support.d.n);
      } finally {
        await c.cleanup();
      }
    });

    it('with the default (5) the same group of 4 is not shown', async () => {
      const { c, org, q, four } = await smallGroups({});
      try {
        const m = org.users.manager;
        const api = (await getAs(c.app, m, `/api/results/groups/${org.groups[0]}`, 'json').expect(200));
        expect([api.body.k, api.body.round.shown]).toEqual([5, false]);
        // (Long forms only: this body holds counts such as a response rate of 0.5.)
        expect(found([{ url: 'api', text: api.text }], figuresOf(q, four).full.filter((n) => n.length >= 9))).toEqual([]);
        expect(textOf((await getAs(c.app, m, `/groups/${org.groups[0]}/results`).expect(200)).text)).toContain(TOO_FEW_RESPONSES);
      } finally {
        await c.cleanup();
      }
    });

    it('refuses a k below 3', () => {
      expect(() => loadConfig({ ANONYMITY_K: '2' })).toThrow();
      expect(loadConfig({ ANONYMITY_K: '3' }).anonymityK).toBe(3);
    });
  });

  /**
   * (i) Bad addresses. Attack: fuzz the query string; a 500 would mean an unchecked value reached
   * the service or the database.
   */
  describe('(i) bad query strings get 400 with a message, never 500', () => {
    it('refuses each malformed parameter on the overview (page, JSON, CSV) and the group (page, JSON)', async () => {
      const g1 = group('G1').id;
      // An empty choice (`round=`, `location=`) is "no filter", as the filter form sends it: not here.
      const bad = ['round=' + 'x'.repeat(5000), `round=${w.r0}&round=${w.r1}`, 'sort=scale:<script>', 'sort=scale:SUPPORT', 'sort=name', 'dir=sideways', 'dir=asc&dir=desc', 'location=' + 'y'.repeat(100), 'questionnaire=a&questionnaire=b', 'sort=scale:support&sort=scale:growth'];
      const outcomes: string[] = [];
      for (const role of ['administrator', 'manager'] as const) {
        for (const q of bad) {
          for (const [url, accept] of [[`/results?${q}`, 'html'], [`/api/results/overview?${q}`, 'json'], [`/results/overview.csv?${q}`, 'csv']] as const) {
            const res = await getAs(app, as(role), url, accept);
            const says = accept === 'html' ? textOf(res.text).includes(BAD_ADDRESS) : res.body?.error?.message === BAD_ADDRESS && res.body.error.details.length > 0;
            if (res.status !== 400 || !says) outcomes.push(`${role} ${url.slice(0, 80)}: ${res.status}`);
          }
        }
      }
      for (const role of STAFF) {
        for (const q of ['round=' + 'x'.repeat(5000), `round=${w.r0}&round=${w.r1}`]) {
          for (const [url, accept] of [[`/groups/${g1}/results?${q}`, 'html'], [`/api/results/groups/${g1}?${q}`, 'json']] as const) {
            const res = await getAs(app, as(role), url, accept);
            const says = accept === 'html' ? textOf(res.text).includes(BAD_ADDRESS) : res.body?.error?.message === BAD_ADDRESS;
            if (res.status !== 400 || !says) outcomes.push(`${role} ${url.slice(0, 80)}: ${res.status}`);
          }
        }
      }
      expect(outcomes).toEqual([]);
    });

    it('odd but harmless addresses are not errors: an unknown scale to sort by, an unknown round id, a group id that is not one', async () => {
      expect((await getAs(app, as('manager'), '/api/results/overview?sort=scale:nonexistent', 'json')).status).toBe(200);
      for (const url of [`/api/results/groups/${group('G1').id}?round=unknown`, '/api/results/groups/not-a-group', `/api/results/groups/${'z'.repeat(500)}`]) {
        expect({ url: url.slice(0, 60), status: (await getAs(app, as('manager'), url, 'json')).status }).toEqual({ url: url.slice(0, 60), status: 404 });
      }
    });

    it('the overview’s own filter form, sent with its defaults ("all locations", "all questionnaires"), is not a bad address', async () => {
      const page = (await getAs(app, as('manager'), '/results').expect(200)).text;
      const form = sliceOf(page, '<form method="get" action="/results"', '</form>');
      // What a browser sends for this form: every select with its selected (or first) option.
      const fields = [...form.matchAll(/<select id="[^"]*" name="([^"]*)">([\s\S]*?)<\/select>/g)].map((m) => {
        const options = [...m[2]!.matchAll(/<option value="([^"]*)"( selected)?/g)];
        return [m[1]!, (options.find((o) => o[2]) ?? options[0]!)[1]!] as const;
      });
      expect(fields.map(([name]) => name)).toEqual(['round', 'location', 'questionnaire']);
      const res = await getAs(app, as('manager'), `/results?${new URLSearchParams(fields.map(([n, v]) => [n, v])).toString()}`);
      expect({ status: res.status, error: res.status === 400 ? textOf(res.text).slice(0, 200) : undefined }).toEqual({ status: 200, error: undefined });
    });
  });
});

/**
 * Markup and formulas in names and texts (§7: bad input changes nothing and runs nowhere).
 * Attack: a group named like a script or a spreadsheet formula, an action that is a script.
 */
describe('results anonymity: names and texts cannot run as code', () => {
  const GROUP = 'Groep </script><script>alert("g")</script><img src=x onerror=alert(1)>';
  const FORMULA = '=HYPERLINK("http://evil.example","klik")';
  let ctx: Ctx;
  let w: World;

  beforeAll(async () => {
    ctx = await createTestApp();
    w = await buildWorld(ctx, 1, 4.6, { groupName: GROUP });
    await ctx.db.updateTable('living_group').set({ name: FORMULA }).where('id', '=', w.groups[3]!.id).execute();
    await ctx.db.updateTable('location').set({ name: '@SUM(1+1)' }).where('id', '=', w.org.locations[0]!).execute();
    await ctx.db.updateTable('living_group').set({ name: '-2+3' }).where('id', '=', w.groups[0]!.id).execute();
  });
  afterAll(() => ctx.cleanup());

  function expectInert(html: string, where: string) {
    expect({ where, raw: [html.includes('<script>alert'), html.includes('<img src=x'), html.includes('</script><script>')] }).toEqual({ where, raw: [false, false, false] });
    // Every script element is one of ours: a file of this server, or chart data that parses.
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    for (const attributes of scripts) expect({ where, attributes }).toEqual({ where, attributes: expect.stringMatching(/^ (src="\/static\/[^"]+"( defer)?|type="application\/json" id="[\w-]+")$/) });
    for (const data of jsonScripts(html)) expect(() => JSON.parse(data)).not.toThrow();
  }

  it('renders a script in a group name and an action text as text, and keeps the chart data whole', async () => {
    const m = w.org.users.manager;
    const g2 = w.groups[1]!;
    await postFormAs(ctx.app, m, `/groups/${g2.id}/actions`, { roundId: w.r1, text: '<script>alert("a")</script> en </textarea><b>vet</b>' }).expect(303);
    const page = (await getAs(ctx.app, m, `/groups/${g2.id}/results?round=${w.r1}`).expect(200)).text;
    expectInert(page, 'group page');
    expect(page).toContain('Groep &lt;/script&gt;&lt;script&gt;alert(&quot;g&quot;)&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(page).toContain('&lt;script&gt;alert(&quot;a&quot;)&lt;/script&gt; en &lt;/textarea&gt;&lt;b&gt;vet&lt;/b&gt;');
    expect(jsonScripts(page).length).toBeGreaterThan(3);
    const overview = (await getAs(ctx.app, m, `/results?round=${w.r1}`).expect(200)).text;
    expectInert(overview, 'overview');
    expect(overview).toContain('Groep &lt;/script&gt;');
    expect(jsonScripts(overview).length).toBe(5);
    // The error page after a refused action shows the text back, escaped.
    const refused = await postFormAs(ctx.app, m, `/groups/${g2.id}/actions`, { roundId: w.r1, text: `<script>alert("b")</script>${'x'.repeat(2001)}` });
    expect(refused.status).toBe(400);
    expectInert(refused.text, 'refused action');
  });

  it('neutralises cells a spreadsheet would run as a formula in both CSV exports', async () => {
    const m = w.org.users.manager;
    const overview = parseCsv((await getAs(ctx.app, m, `/results/overview.csv?round=${w.r1}`, 'csv').expect(200)).text);
    const groups = new Set(overview.filter((r) => r['level'] === 'group').map((r) => r['group']));
    expect(groups.has(`'${FORMULA}`)).toBe(true);
    expect(groups.has("'-2+3")).toBe(true);
    expect(new Set(overview.map((r) => r['location'])).has("'@SUM(1+1)")).toBe(true);
    for (const row of overview) for (const [column, value] of Object.entries(row)) if (!/^-?\d/.test(value) || ['group', 'location'].includes(column)) expect({ column, value }).toEqual({ column, value: expect.not.stringMatching(/^[=+\-@\t\r]/) });
    const groupCsv = parseCsv((await getAs(ctx.app, m, `/groups/${w.groups[3]!.id}/results.csv`, 'csv').expect(200)).text);
    expect(groupCsv.every((r) => r['group'] === `'${FORMULA}`)).toBe(true);
    const g1Csv = parseCsv((await getAs(ctx.app, m, `/groups/${w.groups[0]!.id}/results.csv`, 'csv').expect(200)).text);
    expect(g1Csv.every((r) => r['group'] === "'-2+3" && r['location'] === "'@SUM(1+1)")).toBe(true);
  });
});

/** Every improvement action row, in a stable order: for "nothing stored". */
async function actionRows(ctx: Ctx) {
  return (await sql<Record<string, unknown>>`select * from improvement_action order by id`.execute(ctx.db)).rows;
}
