import { sql } from 'kysely';
import request from 'supertest';
import { audit } from '../../src/audit/audit.service';
import { insertUser, replaceUserGroups } from '../../src/auth/user.repository';
import { loadDemo } from '../../src/demo/demo.service';
import { summarizeClosedRounds } from '../../src/results/round-summary';
import { insertReport } from '../../src/reports/report.repository';
import { insertTalkRequest } from '../../src/survey/survey.repository';
import { randomId } from '../../src/system';
import { createTestApp } from '../support/app';
import { tableNames } from '../support/db';
import { routesOf, type Route } from '../support/hostile';
import { buildInstitution, sessionFor } from '../support/staff';

/**
 * Several institutions on one host (SPEC §7): the staff of one never reach the other's data —
 * not by its ids in the address, the query or a form, not in a list, an export or the audit log.
 *
 * "Theirs" is a whole demo institution (closed rounds with results, municipalities, improvement
 * actions, a talk request, an archived report, an audit trail); "ours" is a small institution
 * with a user of every role. Every route the app has is tried by every one of our roles with
 * every kind of their ids; nothing of theirs may come back, and nothing of theirs may change.
 */
type Ctx = Awaited<ReturnType<typeof createTestApp>>;
type Ours = Awaited<ReturnType<typeof buildInstitution>>;
type Role = keyof Ours['users'];
const ROLES: Role[] = ['administrator', 'manager', 'group_leader', 'municipality_viewer'];

/** Routes that are not about an institution's data: the young people's pages, set-up, files. */
const NOT_INSTITUTION_DATA = /^\/(static|setup|survey|code|healthz|favicon)|^\/tablet\/leave|^\/login|^\/logout/;

interface Theirs {
  institutionId: string;
  /** Their ids by kind, to put wherever an id goes. */
  ids: Record<string, string>;
  /** Words and ids that must never reach one of our pages. */
  secrets: string[];
}

async function buildTheirs(ctx: Ctx): Promise<Theirs> {
  await loadDemo(ctx.db, ctx.questionnaires, ctx.clock);
  await summarizeClosedRounds(ctx.db, ctx.questionnaires);
  const institution = await ctx.db.selectFrom('institution').select(['id', 'name']).executeTakeFirstOrThrow();
  const locations = await ctx.db.selectFrom('location').select(['id', 'name']).where('institution_id', '=', institution.id).execute();
  const groups = await ctx.db.selectFrom('living_group').innerJoin('location', 'location.id', 'living_group.location_id').select(['living_group.id', 'living_group.name']).where('location.institution_id', '=', institution.id).execute();
  const rounds = await ctx.db.selectFrom('round').select(['id', 'status']).where('institution_id', '=', institution.id).orderBy('opens_on').execute();
  const municipalities = await ctx.db.selectFrom('municipality').select(['id', 'name']).where('institution_id', '=', institution.id).execute();
  const actions = await ctx.db.selectFrom('improvement_action').select(['id', 'text', 'round_id', 'group_id']).execute();
  expect({ locations: locations.length > 0, groups: groups.length > 0, closed: rounds.some((r) => r.status === 'closed'), municipalities: municipalities.length > 0, actions: actions.length > 0 }).toEqual({
    locations: true,
    groups: true,
    closed: true,
    municipalities: true,
    actions: true,
  });
  const closed = rounds.filter((r) => r.status === 'closed').at(-1)!;

  // Their staff, with an audit trail, and what their staff make: a talk request, a report.
  const users: Record<string, string> = {};
  for (const role of ROLES) {
    const id = randomId();
    users[role] = id;
    await insertUser(ctx.db, {
      id,
      institution_id: institution.id,
      municipality_id: role === 'municipality_viewer' ? municipalities[0]!.id : null,
      email: `${role}.hunnie@hunnie-instelling.nl`,
      display_name: `Hunnie ${role}`,
      role,
      password_hash: 'scrypt$1$1$1$x$x',
      pin_hash: null,
      active: 1,
      created_at: '2026-11-01T10:00:00.000Z',
    });
    await audit(ctx.db, ctx.clock, { actorId: id, action: 'login', subject: `${role}.hunnie@hunnie-instelling.nl` });
  }
  await replaceUserGroups(ctx.db, users['group_leader']!, [groups[0]!.id]);
  const talkId = randomId();
  await insertTalkRequest(ctx.db, { id: talkId, round_id: actions[0]!.round_id, group_id: actions[0]!.group_id, requested_on: '2026-11-20' });
  const reportId = randomId();
  await insertReport(ctx.db, {
    id: reportId,
    institution_id: institution.id,
    kind: 'period',
    title: 'Hunnie-rapportage',
    period_from: '2026-01-01',
    period_to: '2026-12-31',
    audience: 'municipality',
    municipality_id: municipalities[0]!.id,
    group_id: null,
    round_id: null,
    language: 'nl',
    generated_by: users['manager']!,
    generated_at: '2026-11-21T10:00:00.000Z',
    automatic_key: null,
    sha256: '0'.repeat(64),
    pdf_base64: Buffer.from('%PDF-1.7 hunnie').toString('base64'),
    json: '{"hunnie":true}',
    csv: 'hunnie\n',
  });
  const sheet = randomId();
  await ctx.db.insertInto('access_code').values({ code_hash: randomId(), round_id: actions[0]!.round_id, group_id: actions[0]!.group_id, sheet_id: sheet, used: 0 }).execute();

  const ids = {
    institution: institution.id,
    location: locations[0]!.id,
    group: groups[0]!.id,
    round: closed.id,
    municipality: municipalities[0]!.id,
    user: users['manager']!,
    report: reportId,
    action: actions[0]!.id,
    talkRequest: talkId,
    sheet,
  };
  const secrets = [
    institution.name,
    ...locations.map((l) => l.name),
    ...groups.map((g) => g.name),
    ...municipalities.map((m) => m.name),
    ...actions.map((a) => a.text.slice(0, 40)),
    'hunnie',
    'Hunnie',
    ...Object.values(ids),
    ...groups.map((g) => g.id),
    ...rounds.map((r) => r.id),
  ];
  return { institutionId: institution.id, ids, secrets };
}

/** Every row of every table but the log of requests themselves (audit entries, session times). */
async function snapshot(ctx: Ctx): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await tableNames(ctx.db)) {
    if (table === 'audit_log' || table === 'staff_session' || table.startsWith('kysely_')) continue;
    out[table] = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(ctx.db)).rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

function leaked(body: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => body.includes(s));
}

/** A form with a plausible value for every field our forms have, every id one of theirs. */
function formWith(ids: Record<string, string>): Record<string, string | string[]> {
  return {
    name: 'Nieuwe naam',
    places: '6',
    questionnaireId: 'lk-jeugd',
    active: 'on',
    locationId: ids['location']!,
    locationIds: [ids['location']!],
    groupId: ids['group']!,
    groupIds: [ids['group']!],
    groups: [ids['group']!],
    roundId: ids['round']!,
    municipalityId: ids['municipality']!,
    institutionId: ids['institution']!,
    reportEveryMonths: '12',
    reportLanguage: 'nl',
    text: 'Een nieuwe afspraak',
    opensOn: '2027-01-01',
    closesOn: '2027-01-31',
    period: '2027-H1',
    from: '2026-01-01',
    to: '2026-12-31',
    language: 'nl',
    email: 'nieuw@onze-instelling.nl',
    displayName: 'Nieuw',
    role: 'manager',
    password: 'een lang wachtwoord',
    spares: '2',
    count: '2',
  };
}

function pathWith(route: Route, value: (param: string) => string): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(value(name)));
}

describe('several institutions on one host', () => {
  let ctx: Ctx;
  let theirs: Theirs;
  let ours: Ours;
  let routes: Route[];

  beforeAll(async () => {
    ctx = await createTestApp();
    theirs = await buildTheirs(ctx);
    ours = await buildInstitution(ctx.db, { name: 'Stichting Eigen Huis' });
    routes = routesOf(ctx.app).filter((r) => !NOT_INSTITUTION_DATA.test(r.path));
    expect(routes.length).toBeGreaterThan(30);
  }, 60_000);
  afterAll(() => ctx.cleanup());

  const get = (role: Role, url: string) => request(ctx.app).get(url).set('Cookie', ours.users[role].cookie);
  const post = (role: Role, url: string, body: object) =>
    request(ctx.app).post(url).set('Cookie', ours.users[role].cookie).type('form').send({ ...body, _csrf: ours.users[role].csrf });

  it('shows none of their data on any page, list or export of ours, with or without their ids in the query', async () => {
    const problems: string[] = [];
    let answered = 0;
    const query = `?round=${theirs.ids['round']}&location=${theirs.ids['location']}&group=${theirs.ids['group']}&municipality=${theirs.ids['municipality']}`;
    for (const role of ROLES) {
      for (const route of routes.filter((r) => r.method === 'GET')) {
        // Our own ids where the address needs one: a page of ours must not show theirs either.
        const own = pathWith(route, (param) => (param === 'format' ? 'json' : /group/i.test(param) || route.path.startsWith('/groups') ? ours.groups[0]! : ours.roundId));
        for (const url of [own, `${own}${query}`]) {
          const res = await get(role, url);
          if (res.status >= 500) problems.push(`${role} GET ${url}: ${res.status}`);
          if (res.status === 200) answered++;
          const found = leaked(res.text ?? '', theirs.secrets);
          if (found.length > 0) problems.push(`${role} GET ${url}: shows ${found.join(', ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The walk reached real pages, not only refusals.
    expect(answered).toBeGreaterThan(40);
  }, 120_000);

  it('refuses every address that holds one of their ids, for every role of ours, and says nothing of theirs', async () => {
    const problems: string[] = [];
    let tried = 0;
    for (const role of ROLES) {
      for (const route of routes.filter((r) => r.method === 'GET' && r.path.includes(':'))) {
        for (const [kind, id] of Object.entries(theirs.ids)) {
          const url = pathWith(route, (param) => (param === 'format' ? 'pdf' : id));
          const res = await get(role, url);
          tried++;
          if (![400, 403, 404].includes(res.status)) problems.push(`${role} GET ${route.path} with their ${kind}: ${res.status}`);
          const found = leaked(res.text ?? '', theirs.secrets.filter((s) => s !== id));
          if (found.length > 0) problems.push(`${role} GET ${route.path} with their ${kind}: shows ${found.join(', ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(tried).toBeGreaterThan(100);
  }, 120_000);

  it('changes nothing of theirs through any form of ours, whichever of their ids it carries', async () => {
    const before = await snapshot(ctx);
    const problems: string[] = [];
    for (const role of ROLES) {
      for (const route of routes.filter((r) => r.method === 'POST')) {
        for (const [kind, id] of Object.entries(theirs.ids)) {
          // Their id in the address (where there is one) and in every id field of the form.
          const url = pathWith(route, () => id);
          const res = await post(role, url, formWith(theirs.ids));
          if (res.status >= 500 || (res.status >= 200 && res.status < 400 && route.path.includes(':'))) problems.push(`${role} POST ${route.path} with their ${kind}: ${res.status}`);
          const found = leaked(res.text ?? '', theirs.secrets.filter((s) => s !== id));
          if (found.length > 0) problems.push(`${role} POST ${route.path} with their ${kind}: shows ${found.join(', ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // Forms without an id in the address may succeed for our own institution (a new location of
    // ours, say), but never touch a row of theirs: compare their rows only.
    const after = await snapshot(ctx);
    const theirRows = (rows: Record<string, string[]>) =>
      Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, list.filter((row) => Object.values(theirs.ids).some((id) => row.includes(id)) || row.includes(theirs.institutionId))]));
    expect(theirRows(after)).toEqual(theirRows(before));
  }, 180_000);

  it('keeps their audit trail out of our administrator’s log', async () => {
    await audit(ctx.db, ctx.clock, { actorId: ours.users.administrator.id, action: 'login', subject: ours.users.administrator.email });
    const ourLog = await get('administrator', '/audit').expect(200);
    expect(ourLog.text).toContain(ours.users.administrator.email);
    expect(leaked(ourLog.text, theirs.secrets)).toEqual([]);
    // Their log exists and holds their entries (the filter is not "show nothing").
    const theirAdmin = await ctx.db.selectFrom('staff_user').select('id').where('email', '=', 'administrator.hunnie@hunnie-instelling.nl').executeTakeFirstOrThrow();
    const theirSession = await sessionFor(ctx.db, theirAdmin.id);
    const theirLog = await request(ctx.app).get('/audit').set('Cookie', theirSession.cookie).expect(200);
    expect(theirLog.text).toContain('administrator.hunnie@hunnie-instelling.nl');
    expect(theirLog.text).not.toContain(ours.users.administrator.email);
  });
});
