import { createRandom } from '../../src/demo/random';
import { createTestApp } from '../support/app';
import { addGroup, addRound, getAs, parseCsv, randomLevels, simulateRespondent, storeResponses } from '../support/results';
import { buildInstitution } from '../support/staff';

/**
 * Rules found by a review of the results service, each tried as the attack or fault it guards
 * against: alpha over fewer than k complete answers; an institution figure a group leader could
 * subtract their own group from; one broken group summary taking every results page down; a CSV
 * that names the wrong questionnaire.
 */
describe('results: rules from the review', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let org: Awaited<ReturnType<typeof buildInstitution>>;
  let roundId: string;
  const random = createRandom(7);

  beforeAll(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
    const q = ctx.questionnaires.latest('lk-jeugd')!;
    const groups = org.groups.map((id) => ({ id, questionnaireId: 'lk-jeugd' }));
    roundId = await addRound(ctx.db, { institutionId: org.institutionId, period: '2026-H1', opensOn: '2026-04-01', closesOn: '2026-04-30', status: 'closed', groups });
    const supportItems = q.items.filter((i) => i.scale === 'support').map((i) => i.id);
    // Group 1 (the group leader's): 5 responses, two of them skip one support item — support has
    // n = 5 (enough answered) but only 3 complete rows for alpha.
    const levels = randomLevels(q, random);
    await storeResponses(ctx.db, q, roundId, org.groups[0]!, [
      ...Array.from({ length: 3 }, () => simulateRespondent(q, random, levels)),
      ...Array.from({ length: 2 }, () => simulateRespondent(q, random, levels, { skip: [supportItems[0]!] })),
    ]);
    // Group 2: one other group that meets k.
    await storeResponses(ctx.db, q, roundId, org.groups[1]!, Array.from({ length: 7 }, () => simulateRespondent(q, random, randomLevels(q, random))));
  });
  afterAll(() => ctx.cleanup());

  const groupJson = async (who: 'manager' | 'group_leader', groupId = org.groups[0]!) =>
    (await getAs(ctx.app, org.users[who], `/api/results/groups/${groupId}`, 'json').expect(200)).body;

  it('shows alpha only when the respondents who answered every item of the scale meet k', async () => {
    const round = (await groupJson('manager')).round;
    const support = round.scales.find((s: { scaleId: string }) => s.scaleId === 'support');
    expect(support.figure.n).toBe(5);
    expect(support).not.toHaveProperty('alpha');
    const growth = round.scales.find((s: { scaleId: string }) => s.scaleId === 'growth');
    expect(typeof growth.alpha).toBe('number');
  });

  it('withholds from a group leader an institution figure with only one other group in it', async () => {
    const leader = await groupJson('group_leader');
    const cell = leader.institutionRound.scales.find((s: { scaleId: string }) => s.scaleId === 'growth');
    expect(cell).toMatchObject({ groups: 2, withheld: 'too-few-other-groups' });
    expect(cell).not.toHaveProperty('figure');
    const page = (await getAs(ctx.app, org.users.group_leader, `/groups/${org.groups[0]}/results`).expect(200)).text;
    expect(page).toContain('Het cijfer van de instelling staat hier niet');
    // A manager may see both groups anyway: for them the figure is there.
    const manager = await groupJson('manager');
    expect(manager.institutionRound.scales.find((s: { scaleId: string }) => s.scaleId === 'growth').figure.n).toBeGreaterThanOrEqual(12);
  });

  it('keeps serving results when another group cannot be summarised', async () => {
    const other = await buildInstitution(ctx.db, { name: 'Elders' });
    const broken = await addRound(ctx.db, { institutionId: other.institutionId, period: '2026-H1', opensOn: '2026-04-01', closesOn: '2026-04-30', status: 'closed', groups: [{ id: other.groups[0]!, questionnaireId: 'lk-jeugd' }] });
    const q = ctx.questionnaires.latest('lk-jeugd')!;
    // An answer outside the scale: scoring refuses it, so this group's summary fails.
    await storeResponses(ctx.db, q, broken, other.groups[0]!, [{ [q.items[0]!.id]: 9 }]);
    await getAs(ctx.app, org.users.manager, `/groups/${org.groups[0]}/results`).expect(200);
    await getAs(ctx.app, org.users.manager, '/results').expect(200);
    expect(await ctx.db.selectFrom('group_result').select('round_id').where('round_id', '=', broken).execute()).toEqual([]);
  });

  it('names in the CSV the questionnaire the rounds were measured with, not the group’s current one', async () => {
    const extra = await addGroup(ctx.db, { locationId: org.locations[0]!, name: 'Gewisseld', questionnaireId: 'lk-jeugd' });
    const q = ctx.questionnaires.latest('lk-jeugd')!;
    const r = await addRound(ctx.db, { institutionId: org.institutionId, period: '2025-H2', opensOn: '2025-10-01', closesOn: '2025-10-31', status: 'closed', groups: [{ id: extra, questionnaireId: 'lk-jeugd' }] });
    await storeResponses(ctx.db, q, r, extra, Array.from({ length: 5 }, () => simulateRespondent(q, random, randomLevels(q, random))));
    await ctx.db.updateTable('living_group').set({ questionnaire_id: 'lk-kind' }).where('id', '=', extra).execute();
    const rows = parseCsv((await getAs(ctx.app, org.users.manager, `/groups/${extra}/results.csv`, 'csv').expect(200)).text);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row['questionnaire']))).toEqual(new Set(['lk-jeugd']));
  });
});
