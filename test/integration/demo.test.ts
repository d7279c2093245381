import type { Database } from '../../src/db/database';
import { closedPeriods, loadDemo } from '../../src/demo/demo.service';
import { periodLabel } from '../../src/rounds/period';
import { mean } from '../../src/results/statistics';
import { respondentScores } from '../../src/results/scoring';
import { createTestApp } from '../support/app';

/** Mean open-climate total per round (oldest first) for one demo group, via the pure scoring. */
async function totalsPerRound(db: Database, ctx: Awaited<ReturnType<typeof createTestApp>>, groupName: string): Promise<number[]> {
  const rows = await db
    .selectFrom('response_answer')
    .innerJoin('response', 'response.id', 'response_answer.response_id')
    .innerJoin('living_group', 'living_group.id', 'response.group_id')
    .innerJoin('round', 'round.id', 'response.round_id')
    .select(['round.period', 'response.id', 'response.questionnaire_id', 'response.questionnaire_version', 'response_answer.item_id', 'response_answer.value'])
    .where('living_group.name', '=', groupName)
    .execute();
  const byRound = new Map<string, Map<string, Record<string, number>>>();
  for (const r of rows) {
    const responses = byRound.get(r.period) ?? new Map<string, Record<string, number>>();
    byRound.set(r.period, responses);
    responses.set(r.id, { ...responses.get(r.id), [r.item_id]: r.value });
  }
  const q = ctx.questionnaires.get(rows[0]!.questionnaire_id, rows[0]!.questionnaire_version)!;
  return [...byRound.keys()].sort().map((period) => {
    const totals = [...byRound.get(period)!.values()].map((answers) => respondentScores(q, answers).total).filter((t): t is number => t !== undefined);
    return mean(totals)!;
  });
}

describe('the demo institution', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    ctx = await createTestApp();
    await loadDemo(ctx.db, ctx.questionnaires, ctx.clock);
  });
  afterAll(() => ctx.cleanup());

  it('has 3 locations and 8 groups of 6 to 12 places', async () => {
    expect(await ctx.db.selectFrom('location').select('name').execute()).toHaveLength(3);
    const groups = await ctx.db.selectFrom('living_group').select(['places']).execute();
    expect(groups).toHaveLength(8);
    for (const g of groups) expect(g.places >= 6 && g.places <= 12).toBe(true);
  });

  it('has two years of closed half-yearly rounds and the next one planned', async () => {
    const rounds = await ctx.db.selectFrom('round').select(['period', 'status', 'closes_on']).orderBy('period').execute();
    expect(rounds.map((r) => `${r.period}:${r.status}`)).toEqual(['2025-H1:closed', '2025-H2:closed', '2026-H1:closed', '2026-H2:closed', '2027-H1:planned']);
    for (const r of rounds.filter((r) => r.status === 'closed')) expect(r.closes_on < '2026-11-22').toBe(true);
  });

  it('stores only answers the questionnaire allows', async () => {
    const rows = await ctx.db
      .selectFrom('response_answer')
      .innerJoin('response', 'response.id', 'response_answer.response_id')
      .select(['response.questionnaire_id', 'response.questionnaire_version', 'item_id', 'value'])
      .execute();
    expect(rows.length).toBeGreaterThan(1000);
    const wrong = rows.filter((r) => {
      const q = ctx.questionnaires.get(r.questionnaire_id, r.questionnaire_version);
      const item = q?.items.find((i) => i.id === r.item_id);
      return !q || !item || r.value < q.responseScale.min || r.value > q.responseScale.max;
    });
    expect(wrong).toEqual([]);
  });

  it('has one group below any allowed k in the latest round, and all others at or above 5', async () => {
    const counts = await ctx.db
      .selectFrom('response')
      .innerJoin('round', 'round.id', 'response.round_id')
      .innerJoin('living_group', 'living_group.id', 'response.group_id')
      .select(['living_group.name', (eb) => eb.fn.countAll<number>().as('n')])
      .where('round.period', '=', '2026-H2')
      .groupBy('living_group.name')
      .execute();
    const below = counts.filter((c) => Number(c.n) < 3);
    expect(below.map((c) => c.name)).toEqual(['De Zonnebloem']);
    expect(counts.filter((c) => c.name !== 'De Zonnebloem').every((c) => Number(c.n) >= 5)).toBe(true);
  });

  it('has one group that clearly improves and one that clearly worsens', async () => {
    const improving = await totalsPerRound(ctx.db, ctx, 'De Linde');
    const worsening = await totalsPerRound(ctx.db, ctx, 'De Haven');
    expect(improving).toHaveLength(4);
    expect(improving[3]! - improving[0]!).toBeGreaterThan(0.8);
    expect(worsening[0]! - worsening[3]!).toBeGreaterThan(0.8);
  });

  it('has answers that hang together: scales correlate as real answers do', async () => {
    const rows = await ctx.db
      .selectFrom('response_answer')
      .innerJoin('response', 'response.id', 'response_answer.response_id')
      .select(['response.id', 'response_answer.item_id', 'response_answer.value'])
      .where('response.questionnaire_id', '=', 'lk-jeugd')
      .execute();
    const answers = new Map<string, Record<string, number>>();
    for (const r of rows) answers.set(r.id, { ...answers.get(r.id), [r.item_id]: r.value });
    const q = ctx.questionnaires.latest('lk-jeugd')!;
    const pairs = [...answers.values()]
      .map((a) => respondentScores(q, a).scales)
      .filter((s) => s['support'] !== undefined && s['atmosphere'] !== undefined && s['repression'] !== undefined);
    const r = (x: number[], y: number[]) => {
      const mx = mean(x)!;
      const my = mean(y)!;
      const sxy = x.reduce((sum, xi, i) => sum + (xi - mx) * (y[i]! - my), 0);
      const sxx = x.reduce((sum, xi) => sum + (xi - mx) ** 2, 0);
      const syy = y.reduce((sum, yi) => sum + (yi - my) ** 2, 0);
      return sxy / Math.sqrt(sxx * syy);
    };
    const support = pairs.map((s) => s['support']!);
    expect(pairs.length).toBeGreaterThan(100);
    expect(r(support, pairs.map((s) => s['atmosphere']!))).toBeGreaterThan(0.4);
    expect(r(support, pairs.map((s) => s['repression']!))).toBeLessThan(-0.4);
  });

  it('picks the last four closed half-years from any date', () => {
    expect(closedPeriods(new Date('2026-03-15T00:00:00Z'), 2).map((p) => periodLabel(p))).toEqual(['2025-H1', '2025-H2']);
    expect(closedPeriods(new Date('2026-05-01T00:00:00Z'), 1).map((p) => periodLabel(p))).toEqual(['2026-H1']);
  });
});
