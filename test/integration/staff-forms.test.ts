import request from 'supertest';
import { sql } from 'kysely';
import { audit } from '../../src/audit/audit.service';
import { createTestApp } from '../support/app';
import { tableNames } from '../support/db';
import { buildInstitution } from '../support/staff';

const PAYLOAD = `<script>alert("x")</script><img src=x onerror=alert(1)>"'&`;

/** Every row of every table, for "nothing changed" checks. */
async function snapshot(db: Awaited<ReturnType<typeof createTestApp>>['db']): Promise<Record<string, unknown[]>> {
  const tables = (await tableNames(db)).filter((name) => !name.startsWith('kysely_'));
  const out: Record<string, unknown[]> = {};
  for (const name of tables) {
    // Audit entries of the request itself are allowed to differ; everything else must not.
    if (name === 'audit_log' || name === 'staff_session') continue;
    out[name] = (await sql.raw(`select * from ${name} order by 1`).execute(db)).rows;
  }
  return out;
}

describe('staff forms', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let org: Awaited<ReturnType<typeof buildInstitution>>;
  const post = (url: string, who: keyof typeof org.users, body: Record<string, unknown>) =>
    request(ctx.app).post(url).set('Cookie', org.users[who].cookie).set('Accept', 'text/html').type('form').send({ _csrf: org.users[who].csrf, ...body });
  const get = (url: string, who: keyof typeof org.users) => request(ctx.app).get(url).set('Cookie', org.users[who].cookie).set('Accept', 'text/html');

  beforeEach(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db, { name: PAYLOAD });
  });
  afterEach(() => ctx.cleanup());

  it('shows a script in every name field as plain text on every page', async () => {
    await post('/organisation/locations', 'manager', { name: `Locatie ${PAYLOAD}` }).expect(303);
    await post(`/organisation/groups/${org.groups[0]}`, 'manager', { name: `Groep ${PAYLOAD}`, locationId: org.locations[0], places: '8', questionnaireId: 'lk-jeugd', active: 'on' }).expect(303);
    await post('/organisation/municipalities', 'manager', { name: `Gemeente ${PAYLOAD}`, locationIds: org.locations[0] }).expect(303);
    await post('/organisation/help', 'manager', { name_0: `Hulp ${PAYLOAD}`, contact_0: PAYLOAD, textNl_0: PAYLOAD, textEn_0: PAYLOAD }).expect(303);
    await post('/users', 'administrator', { displayName: `Naam ${PAYLOAD}`, email: 'x@test.nl', role: 'group_leader', groupIds: org.groups[0], active: 'on', password: 'een lang wachtwoord' }).expect(303);
    await ctx.db.updateTable('staff_user').set({ display_name: `Beheer ${PAYLOAD}` }).where('id', '=', org.users.administrator.id).execute();
    const users = await ctx.db.selectFrom('staff_user').select('id').execute();

    const pages: [string, keyof typeof org.users][] = [
      ['/staff', 'administrator'],
      ['/staff', 'group_leader'],
      ['/staff', 'municipality_viewer'],
      ['/organisation', 'manager'],
      [`/organisation/locations/${org.locations[0]}`, 'manager'],
      [`/organisation/groups/${org.groups[0]}`, 'manager'],
      ['/organisation/groups/new', 'manager'],
      ['/organisation/municipalities/new', 'manager'],
      ['/organisation/help', 'manager'],
      ['/rounds', 'manager'],
      [`/rounds/${org.roundId}/codes`, 'manager'],
      ['/users', 'administrator'],
      ...users.map((u) => [`/users/${u.id}`, 'administrator'] as [string, 'administrator']),
      ['/audit', 'administrator'],
      ['/account', 'administrator'],
    ];
    for (const [url, who] of pages) {
      const res = await get(url, who);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      expect({ url, raw: res.text.includes('<script>alert') || res.text.includes('<img src=x') }).toEqual({ url, raw: false });
    }
    // And the text is there, escaped, where it belongs.
    expect((await get('/organisation', 'manager')).text).toContain('Locatie &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect((await get('/users', 'administrator')).text).toContain('Naam &lt;script&gt;');
  });

  it('shows audit times on the institution’s clock (TIME_ZONE), with the instant for machines', async () => {
    await audit(ctx.db, ctx.clock, { actorId: org.users.manager.id, action: 'login', subject: 'tijd@test.nl' });
    const at = (await ctx.db.selectFrom('audit_log').select('at').orderBy('at', 'desc').executeTakeFirstOrThrow()).at;
    expect(at).toBe('2026-11-22T10:00:00.000Z');
    expect((await get('/audit', 'administrator')).text).toContain(`<time datetime="${at}">2026-11-22 11:00</time>`);

    const elsewhere = await createTestApp({ TIME_ZONE: 'America/Paramaribo' });
    try {
      const their = await buildInstitution(elsewhere.db);
      await audit(elsewhere.db, elsewhere.clock, { actorId: their.users.manager.id, action: 'login', subject: 'tijd@test.nl' });
      const page = await request(elsewhere.app).get('/audit').set('Cookie', their.users.administrator.cookie).expect(200);
      expect(page.text).toContain(`<time datetime="${at}">2026-11-22 07:00</time>`);
    } finally {
      await elsewhere.cleanup();
    }
  });

  it('shows a form that has no problems without the "not everything is filled in right" banner', async () => {
    const { municipalityId } = org;
    const pages: [string, keyof typeof org.users][] = [
      [`/organisation/locations/${org.locations[0]}`, 'manager'],
      [`/organisation/groups/${org.groups[0]}`, 'manager'],
      ['/organisation/groups/new', 'manager'],
      ['/organisation/municipalities/new', 'manager'],
      [`/organisation/municipalities/${municipalityId}`, 'manager'],
      ['/organisation/help', 'manager'],
      ['/users/new', 'administrator'],
      ['/account', 'administrator'],
      ['/reports', 'manager'],
    ];
    for (const [url, who] of pages) {
      const res = await get(url, who);
      expect([url, res.status]).toEqual([url, 200]);
      expect([url, res.text.includes('Niet alles is goed ingevuld')]).toEqual([url, false]);
    }
  });

  it('refuses an invalid group form, says why beside each field, and changes nothing', async () => {
    const before = await snapshot(ctx.db);
    const res = await post('/organisation/groups', 'manager', { name: '', locationId: org.locations[0], places: '0', questionnaireId: 'lk-jeugd' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Niet alles is goed ingevuld');
    expect(res.text).toMatch(/id="f-name-error"/);
    expect(res.text).toMatch(/id="f-places-error"/);
    expect(res.text).toMatch(/aria-invalid="true"/);
    // In plain Dutch, without English mixed in.
    expect(res.text).toContain('moet minstens 1 zijn');
    expect(res.text).toContain('verplicht');
    const shown = [...res.text.matchAll(/<p class="error"[^>]*>([^<]*)<\/p>/g)].map((m) => m[1]);
    expect(shown.length).toBeGreaterThanOrEqual(2);
    for (const message of shown) expect(message).not.toMatch(/expected|must be|required|invalid/i);
    expect(await snapshot(ctx.db)).toEqual(before);
  });

  it.each([
    ['a location of another institution', { locationId: 'not-ours' }, 'onbekende locatie'],
    ['a questionnaire that does not exist', { questionnaireId: 'nope' }, 'onbekende vragenlijst'],
    ['a name the location already has', { name: 'Groep 1' }, 'deze naam bestaat al'],
    ['more places than a group can have', { places: '400' }, '40'],
  ])('refuses %s and changes nothing', async (_what, change, message) => {
    const before = await snapshot(ctx.db);
    const res = await post('/organisation/groups', 'manager', { name: 'Nieuw', locationId: org.locations[0], places: '8', questionnaireId: 'lk-jeugd', ...change });
    expect([400, 409]).toContain(res.status);
    expect(res.text).toContain(message);
    expect(await snapshot(ctx.db)).toEqual(before);
  });

  it('keeps the last active administrator an administrator, whatever other institutions have', async () => {
    await buildInstitution(ctx.db, { name: 'Andere instelling' });
    const before = await snapshot(ctx.db);
    const res = await post(`/users/${org.users.administrator.id}`, 'administrator', { displayName: 'Beheer', email: org.users.administrator.email, role: 'manager', active: 'on' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('minstens één actieve beheerder');
    expect(await snapshot(ctx.db)).toEqual(before);
  });

  it('refuses a municipality account without a municipality, and groups of another institution', async () => {
    const other = await buildInstitution(ctx.db, { name: 'Andere instelling' });
    const before = await snapshot(ctx.db);
    const viewer = await post('/users', 'administrator', { displayName: 'G', email: 'g@test.nl', role: 'municipality_viewer', active: 'on', password: 'een lang wachtwoord' });
    expect(viewer.status).toBe(400);
    expect(viewer.text).toContain('kies de gemeente');
    const leader = await post('/users', 'administrator', { displayName: 'L', email: 'l@test.nl', role: 'group_leader', groupIds: other.groups[0], active: 'on', password: 'een lang wachtwoord' });
    expect(leader.status).toBe(400);
    expect(leader.text).toContain('onbekende groep');
    expect(await snapshot(ctx.db)).toEqual(before);
  });

  it("never shows or changes another institution's organisation", async () => {
    const other = await buildInstitution(ctx.db, { name: 'Andere instelling' });
    await get(`/organisation/groups/${other.groups[0]}`, 'manager').expect(404);
    await get(`/organisation/locations/${other.locations[0]}`, 'manager').expect(404);
    await get(`/users/${other.users.manager.id}`, 'administrator').expect(404);
    const before = await snapshot(ctx.db);
    await post(`/organisation/locations/${other.locations[0]}`, 'manager', { name: 'Overgenomen' }).expect(404);
    await post(`/rounds/${other.roundId}/close`, 'manager', {}).expect(404);
    expect(await snapshot(ctx.db)).toEqual(before);
    const page = await get('/organisation', 'manager');
    expect(page.text).not.toContain('Andere instelling');
  });
});
