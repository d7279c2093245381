import type { Express } from 'express';
import request from 'supertest';
import { generateSheet } from '../../src/access-codes/access-code.service';
import type { CurrentUser } from '../../src/auth/current-user';
import type { Database } from '../../src/db/database';
import { insertGroup, insertInstitution, insertLocation } from '../../src/organisation/organisation.repository';
import { insertResponse } from '../../src/responses/response.repository';
import { defaultWindow } from '../../src/rounds/period';
import { runSchedule } from '../../src/rounds/round.service';
import { randomId } from '../../src/system';
import { createTestApp } from '../support/app';
import { buildInstitution } from '../support/staff';

type Ctx = Awaited<ReturnType<typeof createTestApp>>;

/** An institution with one location and one group per entry of `active`. */
async function buildOrganisation(db: Database, active: readonly boolean[]) {
  const institutionId = randomId();
  const locationId = randomId();
  await insertInstitution(db, { id: institutionId, name: `Instelling ${institutionId.slice(0, 4)}`, cadence_months: 6, created_at: '2026-01-01T00:00:00.000Z' });
  await insertLocation(db, { id: locationId, institution_id: institutionId, name: 'Locatie' });
  const groupIds: string[] = [];
  for (const [i, isActive] of active.entries()) {
    const id = randomId();
    await insertGroup(db, { id, location_id: locationId, name: `Groep ${i + 1}`, places: 8, questionnaire_id: 'lk-jeugd', active: isActive ? 1 : 0 });
    groupIds.push(id);
  }
  return { institutionId, locationId, groupIds };
}

/** Every round and round-group row, in a stable order, to compare before and after. */
async function roundState(db: Database) {
  const rounds = await db.selectFrom('round').selectAll().orderBy('institution_id').orderBy('period').execute();
  const groups = await db.selectFrom('round_group').selectAll().orderBy('round_id').orderBy('group_id').execute();
  return { rounds, groups };
}

async function roundByPeriod(db: Database, institutionId: string, period: string) {
  return db.selectFrom('round').selectAll().where('institution_id', '=', institutionId).where('period', '=', period).executeTakeFirstOrThrow();
}

async function roundGroups(db: Database, roundId: string) {
  return db.selectFrom('round_group').selectAll().where('round_id', '=', roundId).orderBy('group_id').execute();
}

async function findRound(db: Database, roundId: string) {
  return db.selectFrom('round').selectAll().where('id', '=', roundId).executeTakeFirstOrThrow();
}

const NOTHING = { opened: 0, closed: 0, planned: 0 };

describe('the round scheduler', () => {
  let ctx: Ctx;
  beforeEach(async () => {
    ctx = await createTestApp();
  });
  afterEach(() => ctx.cleanup());

  const step = () => runSchedule(ctx.db, ctx.questionnaires, ctx.clock);

  it('plans the next two half-years ahead with the default windows (April and October)', async () => {
    const { institutionId, groupIds } = await buildOrganisation(ctx.db, [true]);
    ctx.clock.set('2026-11-22T10:00:00.000Z');

    expect(await step()).toEqual({ opened: 0, closed: 0, planned: 2 });

    const rounds = await ctx.db.selectFrom('round').selectAll().where('institution_id', '=', institutionId).orderBy('period').execute();
    expect(rounds.map((r) => [r.period, r.opens_on, r.closes_on, r.status])).toEqual([
      ['2027-H1', '2027-04-01', '2027-04-30', 'planned'],
      ['2027-H2', '2027-10-01', '2027-10-31', 'planned'],
    ]);
    expect(defaultWindow({ year: 2027, index: 1, months: 6 })).toEqual({ opensOn: '2027-04-01', closesOn: '2027-04-30' });
    for (const round of rounds) {
      expect((await roundGroups(ctx.db, round.id)).map((g) => [g.group_id, g.questionnaire_id, g.questionnaire_version])).toEqual([[groupIds[0], 'lk-jeugd', null]]);
    }
  });

  it('plans the current half-year too while its window is still ahead', async () => {
    const { institutionId } = await buildOrganisation(ctx.db, [true]);
    ctx.clock.set('2026-09-15T10:00:00.000Z');

    expect(await step()).toEqual({ opened: 0, closed: 0, planned: 3 });
    const periods = await ctx.db.selectFrom('round').select('period').where('institution_id', '=', institutionId).orderBy('period').execute();
    expect(periods.map((p) => p.period)).toEqual(['2026-H2', '2027-H1', '2027-H2']);
  });

  it('does nothing for an institution without active groups', async () => {
    await buildOrganisation(ctx.db, [false]);
    await insertInstitution(ctx.db, { id: randomId(), name: 'Nog leeg', cadence_months: 6, created_at: '2026-01-01T00:00:00.000Z' });
    ctx.clock.set('2026-09-15T10:00:00.000Z');

    expect(await step()).toEqual(NOTHING);
    expect(await ctx.db.selectFrom('round').selectAll().execute()).toEqual([]);

    // The same step still plans for an institution that does have an active group.
    const active = await buildOrganisation(ctx.db, [true]);
    expect(await step()).toEqual({ opened: 0, closed: 0, planned: 3 });
    const owners = await ctx.db.selectFrom('round').select('institution_id').distinct().execute();
    expect(owners).toEqual([{ institution_id: active.institutionId }]);
  });

  it('opens a planned round on its opening day and fixes each group to the latest questionnaire version', async () => {
    const { institutionId, groupIds } = await buildOrganisation(ctx.db, [true, true]);
    ctx.clock.set('2026-11-22T10:00:00.000Z');
    await step();

    ctx.clock.set('2027-03-31T23:59:59.000Z');
    expect(await step()).toEqual({ opened: 0, closed: 0, planned: 1 }); // 2028-H1 comes into view
    expect((await roundByPeriod(ctx.db, institutionId, '2027-H1')).status).toBe('planned');

    ctx.clock.set('2027-04-01T00:00:00.000Z');
    expect(await step()).toEqual({ opened: 1, closed: 0, planned: 0 });
    const round = await roundByPeriod(ctx.db, institutionId, '2027-H1');
    expect(round.status).toBe('open');
    const latest = ctx.questionnaires.latest('lk-jeugd');
    expect(latest).toBeDefined();
    const groups = await roundGroups(ctx.db, round.id);
    expect(groups.map((g) => g.group_id).sort()).toEqual([...groupIds].sort());
    for (const g of groups) {
      expect(g.questionnaire_version).not.toBeNull();
      expect(g.questionnaire_version).toBe(latest!.version);
    }
    // The next round keeps its version open until it opens itself.
    const next = await roundByPeriod(ctx.db, institutionId, '2027-H2');
    expect((await roundGroups(ctx.db, next.id)).map((g) => g.questionnaire_version)).toEqual([null, null]);
    const audit = await ctx.db.selectFrom('audit_log').select(['action', 'subject', 'actor_user_id']).where('action', '=', 'round-opened').execute();
    expect(audit).toEqual([{ action: 'round-opened', subject: '2027-H1', actor_user_id: null }]);
  });

  it('closes an open round on the day after its last day', async () => {
    const { institutionId } = await buildOrganisation(ctx.db, [true]);
    ctx.clock.set('2027-04-01T08:00:00.000Z');
    await step();
    await step();
    expect((await roundByPeriod(ctx.db, institutionId, '2027-H1')).status).toBe('open');

    ctx.clock.set('2027-04-30T23:59:59.000Z');
    expect((await step()).closed).toBe(0);
    expect((await roundByPeriod(ctx.db, institutionId, '2027-H1')).status).toBe('open');

    ctx.clock.set('2027-05-01T00:00:00.000Z');
    expect(await step()).toEqual({ opened: 0, closed: 1, planned: 0 });
    const round = await roundByPeriod(ctx.db, institutionId, '2027-H1');
    expect(round).toMatchObject({ status: 'closed', opens_on: '2027-04-01', closes_on: '2027-04-30' });
  });

  it('changes nothing when run a second time at the same moment', async () => {
    await buildOrganisation(ctx.db, [true, false]);
    for (const moment of ['2026-11-22T10:00:00.000Z', '2027-04-01T06:00:00.000Z', '2027-05-01T06:00:00.000Z', '2027-10-15T06:00:00.000Z']) {
      ctx.clock.set(moment);
      const first = await step();
      expect(first).not.toEqual(NOTHING);
      const before = await roundState(ctx.db);
      expect(await step()).toEqual(NOTHING);
      expect(await roundState(ctx.db)).toEqual(before);
    }
  });

  it('changes nothing the second time, even when the first run planned a round whose window has begun', async () => {
    const { institutionId } = await buildOrganisation(ctx.db, [true]);
    ctx.clock.set('2026-10-15T10:00:00.000Z');

    const first = await step();
    expect(first.planned).toBe(3);
    const before = await roundState(ctx.db);
    expect(await step()).toEqual(NOTHING);
    expect(await roundState(ctx.db)).toEqual(before);
    // The round whose window is under way is open after that one step, not a step later.
    expect((await roundByPeriod(ctx.db, institutionId, '2026-H2')).status).toBe('open');
  });

  it('opens a round for which code sheets were printed while it was planned', async () => {
    const { institutionId, groupIds } = await buildOrganisation(ctx.db, [true]);
    ctx.clock.set('2027-03-01T10:00:00.000Z');
    await step();
    const round = await roundByPeriod(ctx.db, institutionId, '2027-H1');
    const sheet = await generateSheet(ctx.db, ctx.clock, Buffer.alloc(32, 1), await insertManager(ctx.db, institutionId), round.id, groupIds[0]!, 2);
    expect(sheet.codes).toHaveLength(10);

    ctx.clock.set('2027-04-01T06:00:00.000Z');
    expect((await step()).opened).toBe(1);
    expect((await findRound(ctx.db, round.id)).status).toBe('open');
    expect((await roundGroups(ctx.db, round.id)).map((g) => g.questionnaire_version)).toEqual([1]);
    // The printed codes still work in the opened round.
    expect(await ctx.db.selectFrom('access_code').select('code_hash').where('round_id', '=', round.id).where('group_id', '=', groupIds[0]!).execute()).toHaveLength(10);
  });
});

/** A manager as the services see one; the audit log needs the user to exist. */
async function insertManager(db: Database, institutionId: string): Promise<CurrentUser> {
  const id = randomId();
  const email = `manager.${id.slice(0, 6)}@test.nl`;
  await db
    .insertInto('staff_user')
    .values({ id, institution_id: institutionId, municipality_id: null, email, display_name: 'Manager', role: 'manager', password_hash: 'scrypt$1$1$1$x$x', pin_hash: null, active: 1, created_at: '2026-01-01T00:00:00.000Z' })
    .execute();
  return { id, email, displayName: 'Manager', role: 'manager', institutionId, municipalityId: null, hasPin: false, csrfToken: 'unused', sessionHash: 'unused' };
}

describe('which groups a round measures', () => {
  let ctx: Ctx;
  let org: Awaited<ReturnType<typeof buildInstitution>>;
  beforeEach(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
  });
  afterEach(() => ctx.cleanup());

  const saveGroup = (app: Express, groupId: string, locationId: string, active: boolean) =>
    request(app)
      .post(`/organisation/groups/${groupId}`)
      .set('Cookie', org.users.manager.cookie)
      .type('form')
      .send({ _csrf: org.users.manager.csrf, name: 'Groep 2', locationId, places: '8', questionnaireId: 'lk-jeugd', ...(active ? { active: 'on' } : {}) })
      .expect(303);

  it('leaves an inactive group out of a newly opened round', async () => {
    await saveGroup(ctx.app, org.groups[1]!, org.locations[1]!, false);
    await runSchedule(ctx.db, ctx.questionnaires, ctx.clock);
    const planned = await roundByPeriod(ctx.db, org.institutionId, '2027-H1');
    expect((await roundGroups(ctx.db, planned.id)).map((g) => g.group_id)).toEqual([org.groups[0]]);

    ctx.clock.set('2027-04-01T06:00:00.000Z');
    await runSchedule(ctx.db, ctx.questionnaires, ctx.clock);
    expect((await findRound(ctx.db, planned.id)).status).toBe('open');
    expect((await roundGroups(ctx.db, planned.id)).map((g) => [g.group_id, g.questionnaire_version])).toEqual([[org.groups[0], 1]]);
  });

  it('adds a group made active later to the planned rounds only, and drops it again when deactivated', async () => {
    await saveGroup(ctx.app, org.groups[1]!, org.locations[1]!, false);
    ctx.clock.set('2027-04-01T06:00:00.000Z');
    await runSchedule(ctx.db, ctx.questionnaires, ctx.clock);
    const open = await roundByPeriod(ctx.db, org.institutionId, '2027-H1');
    const planned = await roundByPeriod(ctx.db, org.institutionId, '2027-H2');
    expect([open.status, planned.status]).toEqual(['open', 'planned']);
    const closedBefore = await roundGroups(ctx.db, org.roundId);

    await saveGroup(ctx.app, org.groups[1]!, org.locations[1]!, true);
    const added = (await roundGroups(ctx.db, planned.id)).find((g) => g.group_id === org.groups[1]);
    expect(added).toEqual({ round_id: planned.id, group_id: org.groups[1], questionnaire_id: 'lk-jeugd', questionnaire_version: null });
    // An open round's groups were fixed when it opened; a closed one's never change.
    expect((await roundGroups(ctx.db, open.id)).map((g) => g.group_id)).toEqual([org.groups[0]]);
    expect(await roundGroups(ctx.db, org.roundId)).toEqual(closedBefore);

    await saveGroup(ctx.app, org.groups[1]!, org.locations[1]!, false);
    expect((await roundGroups(ctx.db, planned.id)).map((g) => g.group_id)).toEqual([org.groups[0]]);
  });

  it('leaves out of an opening round a group deactivated after its codes were printed, with its unused codes', async () => {
    await runSchedule(ctx.db, ctx.questionnaires, ctx.clock);
    const planned = await roundByPeriod(ctx.db, org.institutionId, '2027-H1');
    for (const groupId of org.groups) {
      await request(ctx.app)
        .post(`/rounds/${planned.id}/codes`)
        .set('Cookie', org.users.manager.cookie)
        .type('form')
        .send({ _csrf: org.users.manager.csrf, groupId, spares: '0' })
        .expect(200);
    }
    await saveGroup(ctx.app, org.groups[1]!, org.locations[1]!, false);
    // While the round is planned, a group with a printed sheet stays in it (syncPlannedRoundGroups).
    expect(await roundGroups(ctx.db, planned.id)).toHaveLength(2);

    ctx.clock.set('2027-04-01T06:00:00.000Z');
    expect((await runSchedule(ctx.db, ctx.questionnaires, ctx.clock)).opened).toBe(1);
    expect((await roundGroups(ctx.db, planned.id)).map((g) => [g.group_id, g.questionnaire_version])).toEqual([[org.groups[0], 1]]);
    const codes = await ctx.db.selectFrom('access_code').select('group_id').where('round_id', '=', planned.id).execute();
    expect(codes.map((c) => c.group_id)).toEqual(Array(8).fill(org.groups[0]));
  });
});

describe('opening and closing a round by hand', () => {
  let ctx: Ctx;
  let org: Awaited<ReturnType<typeof buildInstitution>>;
  beforeEach(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
  });
  afterEach(() => ctx.cleanup());

  const post = (url: string, form: Record<string, string> = {}) =>
    request(ctx.app).post(url).set('Cookie', org.users.manager.cookie).type('form').send({ _csrf: org.users.manager.csrf, ...form });

  it('closes an open round now and ends its window today', async () => {
    await post(`/rounds/${org.roundId}/close`).expect(303).expect('location', '/rounds?saved');
    expect(await findRound(ctx.db, org.roundId)).toMatchObject({ status: 'closed', opens_on: '2026-11-01', closes_on: '2026-11-22' });
  });

  it('opens a planned round now, starting its window today and fixing the questionnaire versions', async () => {
    await runSchedule(ctx.db, ctx.questionnaires, ctx.clock);
    const planned = await roundByPeriod(ctx.db, org.institutionId, '2027-H1');
    await post(`/rounds/${planned.id}/open`).expect(303);
    expect(await findRound(ctx.db, planned.id)).toMatchObject({ status: 'open', opens_on: '2026-11-22', closes_on: '2027-04-30' });
    expect((await roundGroups(ctx.db, planned.id)).map((g) => g.questionnaire_version)).toEqual([1, 1]);
    const audit = await ctx.db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('action', '=', 'round-opened').execute();
    expect(audit).toEqual([{ action: 'round-opened', actor_user_id: org.users.manager.id }]);
  });

  it('refuses to close a round that is not open with a clear 409 page and changes nothing', async () => {
    await runSchedule(ctx.db, ctx.questionnaires, ctx.clock);
    const planned = await roundByPeriod(ctx.db, org.institutionId, '2027-H1');
    await post(`/rounds/${org.roundId}/close`).expect(303);
    const before = await roundState(ctx.db);

    for (const id of [planned.id, org.roundId]) {
      const res = await post(`/rounds/${id}/close`).expect(409);
      expect(res.text).toContain('Deze ronde is niet open.');
    }
    const reopen = await post(`/rounds/${org.roundId}/open`).expect(409);
    expect(reopen.text).toContain('Deze ronde is niet gepland.');
    expect(await roundState(ctx.db)).toEqual(before);
  });

  it('refuses to open by hand a planned round whose window has passed, until its dates change', async () => {
    await post('/rounds', { period: '2026-Q3', opensOn: '2026-08-01', closesOn: '2026-08-31' }).expect(303);
    const late = await roundByPeriod(ctx.db, org.institutionId, '2026-Q3');
    const before = await roundState(ctx.db);
    const res = await post(`/rounds/${late.id}/open`).expect(400);
    expect(res.text).toContain('De periode van deze ronde is al voorbij. Pas eerst de data aan.');
    expect(await roundState(ctx.db)).toEqual(before);
    await post(`/rounds/${late.id}/dates`, { opensOn: '2026-11-22', closesOn: '2026-12-10' }).expect(303);
    await post(`/rounds/${late.id}/open`).expect(303);
    expect(await findRound(ctx.db, late.id)).toMatchObject({ status: 'open', closes_on: '2026-12-10' });
  });

  it('lets an open round be extended but refuses to move its opening date, changing nothing', async () => {
    const before = await roundState(ctx.db);
    const res = await post(`/rounds/${org.roundId}/dates`, { opensOn: '2026-11-05', closesOn: '2026-11-30' }).expect(400);
    expect(res.text).toContain('deze datum ligt al vast');
    expect(await roundState(ctx.db)).toEqual(before);

    await post(`/rounds/${org.roundId}/dates`, { opensOn: '2026-11-01', closesOn: '2026-12-15' }).expect(303);
    expect(await findRound(ctx.db, org.roundId)).toMatchObject({ opens_on: '2026-11-01', closes_on: '2026-12-15', status: 'open' });
  });

  it('refuses dates that close before they open, or are no dates at all, and changes nothing', async () => {
    await runSchedule(ctx.db, ctx.questionnaires, ctx.clock);
    const planned = await roundByPeriod(ctx.db, org.institutionId, '2027-H1');
    const before = await roundState(ctx.db);

    const backwards = await post(`/rounds/${planned.id}/dates`, { opensOn: '2027-04-10', closesOn: '2027-04-01' }).expect(400);
    expect(backwards.text).toContain('sluit niet vóór de opening');
    const nonsense = await post(`/rounds/${planned.id}/dates`, { opensOn: '32-13-2026', closesOn: '2027-04-30' }).expect(400);
    expect(nonsense.text).toContain('gebruik een datum als 2026-10-01');
    const impossible = await post(`/rounds/${planned.id}/dates`, { opensOn: '2027-04-01', closesOn: '2027-02-30' }).expect(400);
    expect(impossible.text).toContain('alert-error');

    expect(await roundState(ctx.db)).toEqual(before);
  });
});

describe('an open round shows counts, never values', () => {
  let ctx: Ctx;
  let org: Awaited<ReturnType<typeof buildInstitution>>;
  beforeEach(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
    const itemIds = ['s01', 's02', 'g01', 'g02', 'r01', 'r02', 'a01', 'a02'];
    for (let n = 0; n < 6; n++) {
      // Values chosen so that every item mean is a fraction (e.g. 3.5): shown anywhere, it would be seen.
      const answers = itemIds.map((item_id, i) => ({ item_id, value: ((n + i) % 2) + 3 }));
      await insertResponse(ctx.db, { id: randomId(), round_id: org.roundId, group_id: org.groups[0]!, questionnaire_id: 'lk-jeugd', questionnaire_version: 1 }, answers);
    }
  });
  afterEach(() => ctx.cleanup());

  const SCALE_NAMES = /Ondersteuning|Groei|Repressie|Sfeer|Support|Growth|Repression|Atmosphere/i;

  /** The rows of every table on the page. */
  const tableRows = (html: string) => [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].map((m) => m[1]!).join('\n');

  it.each([
    ['the rounds page', '/rounds', 'manager'],
    ['the staff home of a manager', '/staff', 'manager'],
    ['the staff home of a group leader', '/staff', 'group_leader'],
  ] as const)('%s shows the response count per group only', async (_name, url, role) => {
    for (const lang of ['nl', 'en']) {
      const res = await request(ctx.app).get(`${url}?lang=${lang}`).set('Cookie', org.users[role].cookie).expect(200);
      const rows = tableRows(res.text);
      expect(rows).toContain('6 / 8');
      expect(rows).not.toMatch(/\d[.,]\d/);
      expect(res.text).not.toMatch(SCALE_NAMES);
      expect(res.text.match(/<main[\s\S]*<\/main>/)![0]).not.toMatch(/\d[.,]\d/);
    }
  });

  it('shows a group leader the count of their own group only', async () => {
    const res = await request(ctx.app).get('/staff').set('Cookie', org.users.group_leader.cookie).expect(200);
    expect(res.text).toContain('Groep 1');
    expect(res.text).not.toContain('Groep 2');
  });
});
