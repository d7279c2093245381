import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import request from 'supertest';
import { hashCode, normaliseCode } from '../../src/access-codes/access-code';
import type { Role } from '../../src/auth/auth.table';
import type { Database } from '../../src/db/database';
import { createTestApp } from '../support/app';
import { everyStoredValue } from '../support/db';
import { buildInstitution } from '../support/staff';

const CODE = /^[ACDEFGHJKMNPQRTUVWXYZ2345679]{4}-[ACDEFGHJKMNPQRTUVWXYZ2345679]{4}$/;

/** The codes printed on a sheet page, in order. */
function printedCodes(html: string): string[] {
  return [...html.matchAll(/<p class="slip-code">([^<]*)<\/p>/g)].map((m) => m[1]!);
}


async function codeRows(db: Database) {
  return db.selectFrom('access_code').selectAll().orderBy('code_hash').execute();
}

const SECRET = Buffer.alloc(32, 7);

describe('a typed code', () => {
  it('treats case, spaces, dashes and look-alike characters as the same code', () => {
    expect(normaliseCode('ut4c cnqa')).toBe('UT4CCNQA');
    expect(hashCode(SECRET, 'ut4c cnqa')).toBe(hashCode(SECRET, 'UT4C-CNQA'));
    expect(hashCode(SECRET, ' ut4c-cnqa ')).toBe(hashCode(SECRET, 'UT4CCNQA'));
    expect(normaliseCode('OoIiLlSsBb')).toBe(normaliseCode('0011115588'));
    expect(hashCode(SECRET, 'AOIL-SB7X')).toBe(hashCode(SECRET, 'a01l-5b7x'));
    expect(hashCode(SECRET, 'A0I1-S8B7')).toBe(hashCode(SECRET, 'AO11-58B7'));
    expect(hashCode(SECRET, 'UT4C-CNQA')).not.toBe(hashCode(SECRET, 'UT4C-CNQE'));
    expect(hashCode(SECRET, 'UT4C-CNQA')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is hashed with the server key, so the database alone does not reveal which codes exist', () => {
    expect(hashCode(Buffer.alloc(32, 8), 'UT4C-CNQA')).not.toBe(hashCode(SECRET, 'UT4C-CNQA'));
    expect(hashCode(SECRET, 'UT4C-CNQA')).not.toBe(createHash('sha256').update('UT4CCNQA').digest('hex'));
  });
});

describe('code sheets', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let org: Awaited<ReturnType<typeof buildInstitution>>;
  beforeEach(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
  });
  afterEach(() => ctx.cleanup());

  const generate = (role: Role, groupId: string, spares = '2', roundId = org.roundId) =>
    request(ctx.app)
      .post(`/rounds/${roundId}/codes`)
      .set('Cookie', org.users[role].cookie)
      .type('form')
      .send({ _csrf: org.users[role].csrf, groupId, spares });

  const voidSheet = (role: Role, sheetId: string) =>
    request(ctx.app).post(`/rounds/${org.roundId}/codes/${sheetId}/void`).set('Cookie', org.users[role].cookie).type('form').send({ _csrf: org.users[role].csrf });

  const codesPage = (role: Role) => request(ctx.app).get(`/rounds/${org.roundId}/codes`).set('Cookie', org.users[role].cookie);

  it('prints places + spares distinct codes once and stores only their hashes', async () => {
    const res = await generate('manager', org.groups[0]!).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const codes = printedCodes(res.text);
    expect(codes).toHaveLength(8 + 2);
    for (const code of codes) expect(code).toMatch(CODE);
    expect(new Set(codes).size).toBe(codes.length);

    const rows = await codeRows(ctx.db);
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.code_hash).sort()).toEqual(codes.map((c) => hashCode(ctx.secret, c)).sort());
    expect(new Set(rows.map((r) => r.sheet_id)).size).toBe(1);
    for (const row of rows) expect(row).toMatchObject({ round_id: org.roundId, group_id: org.groups[0], used: 0 });

    const forms = codes.flatMap((c) => [c, c.replace('-', ''), normaliseCode(c)]);
    const leaks = (await everyStoredValue(ctx.db)).filter(({ value }) => forms.some((form) => value.toUpperCase().includes(form)));
    expect(leaks).toEqual([]);

    // Nor in the SQLite file itself: the database and its write-ahead log.
    const files = (ctx.file === undefined ? [] : [ctx.file, `${ctx.file}-wal`]).filter(existsSync).map((f) => readFileSync(f).toString('latin1'));
    for (const content of files) for (const form of forms) expect(content.includes(form)).toBe(false);
  });

  it('prints the address young people type: PUBLIC_URL when set, whatever Host the request came with; else the one the sheet was made at', async () => {
    const slipAddress = (html: string) => /<p class="slip-how">[^<]*<strong>([^<]*)<\/strong>/.exec(html)?.[1];
    const printed = await generate('manager', org.groups[0]!).set('Host', 'tablets.example.nl:8443').expect(200);
    expect(slipAddress(printed.text)).toBe('http://tablets.example.nl:8443/code');

    const configured = await createTestApp({ PUBLIC_URL: 'https://leefklimaat.example.nl/' });
    try {
      const other = await buildInstitution(configured.db);
      const res = await request(configured.app)
        .post(`/rounds/${other.roundId}/codes`)
        .set('Cookie', other.users.manager.cookie)
        .set('Host', 'evil.example.com')
        .type('form')
        .send({ _csrf: other.users.manager.csrf, groupId: other.groups[0]!, spares: '0' })
        .expect(200);
      expect(slipAddress(res.text)).toBe('https://leefklimaat.example.nl/code');
      expect(res.text).not.toContain('evil.example.com');
    } finally {
      await configured.cleanup();
    }
  });

  it('never shows per-sheet or per-code usage on the codes page', async () => {
    await generate('manager', org.groups[0]!).expect(200);
    await generate('manager', org.groups[0]!).expect(200);
    await generate('manager', org.groups[1]!).expect(200);
    const withoutCsrf = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf"');
    const before = withoutCsrf((await codesPage('manager').expect(200)).text);

    const [first] = await ctx.db.selectFrom('access_code').select('sheet_id').where('group_id', '=', org.groups[0]!).limit(1).execute();
    const someOfOneSheet = (await ctx.db.selectFrom('access_code').select('code_hash').where('sheet_id', '=', first!.sheet_id).limit(4).execute()).map((r) => r.code_hash);
    await ctx.db.updateTable('access_code').set({ used: 1 }).where('code_hash', 'in', someOfOneSheet).execute();
    await ctx.db.updateTable('access_code').set({ used: 1 }).where('group_id', '=', org.groups[1]!).execute();

    const after = withoutCsrf((await codesPage('manager').expect(200)).text);
    expect(after).toBe(before);
  });

  it('voids a sheet by deleting all its codes, leaving no trace of how many were used, and audits without codes', async () => {
    const kept = printedCodes((await generate('manager', org.groups[0]!).expect(200)).text);
    const lost = printedCodes((await generate('manager', org.groups[0]!).expect(200)).text);
    const sheetOf = async (code: string) => (await ctx.db.selectFrom('access_code').select('sheet_id').where('code_hash', '=', hashCode(ctx.secret, code)).executeTakeFirstOrThrow()).sheet_id;
    const lostSheet = await sheetOf(lost[0]!);
    const usedHashes = lost.slice(0, 3).map((c) => hashCode(ctx.secret, c));
    await ctx.db.updateTable('access_code').set({ used: 1 }).where('code_hash', 'in', usedHashes).execute();

    await voidSheet('manager', lostSheet).expect(303).expect('location', `/rounds/${org.roundId}/codes?voided`);

    expect(await ctx.db.selectFrom('access_code').select(['code_hash', 'used']).where('sheet_id', '=', lostSheet).execute()).toEqual([]);
    expect(await ctx.db.selectFrom('access_code').select('code_hash').where('sheet_id', '=', await sheetOf(kept[0]!)).execute()).toHaveLength(10);

    const audit = await ctx.db.selectFrom('audit_log').select(['action', 'details', 'actor_user_id']).where('action', 'in', ['codes-generated', 'codes-voided']).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['codes-generated', 'codes-generated', 'codes-voided']);
    expect(audit.every((a) => a.actor_user_id === org.users.manager.id)).toBe(true);
    // No count on the void entry: with the generated count it would tell how many were used.
    expect(audit.find((a) => a.action === 'codes-voided')!.details).toBeNull();
    const details = audit.map((a) => a.details ?? '').join('\n').toUpperCase();
    for (const code of [...kept, ...lost]) {
      expect(details).not.toContain(code);
      expect(details).not.toContain(normaliseCode(code));
      expect(details).not.toContain(hashCode(ctx.secret, code).toUpperCase());
    }
  });

  it('lets a group leader make sheets for their own group only', async () => {
    const own = await generate('group_leader', org.groups[0]!).expect(200);
    expect(printedCodes(own.text)).toHaveLength(10);
    const stored = await codeRows(ctx.db);
    expect(stored).toHaveLength(10);

    await generate('group_leader', org.groups[1]!).expect(403);
    expect(await codeRows(ctx.db)).toEqual(stored);
  });

  it("refuses a group leader voiding another group's sheet and keeps its codes", async () => {
    await generate('manager', org.groups[1]!).expect(200);
    const stored = await codeRows(ctx.db);
    const sheetId = stored[0]!.sheet_id;

    await voidSheet('group_leader', sheetId).expect(403);
    expect(await codeRows(ctx.db)).toEqual(stored);
    // The other group's sheet is not even listed for them.
    const page = await codesPage('group_leader').expect(200);
    expect(page.text).not.toContain(sheetId);
    expect(page.text).not.toContain('Groep 2');
  });

  it('refuses a municipality viewer the codes page and new sheets', async () => {
    await codesPage('municipality_viewer').expect(403);
    await generate('municipality_viewer', org.groups[0]!).expect(403);
    expect(await codeRows(ctx.db)).toEqual([]);
  });

  it('refuses new sheets for a closed round with a clear 400', async () => {
    await request(ctx.app).post(`/rounds/${org.roundId}/close`).set('Cookie', org.users.manager.cookie).type('form').send({ _csrf: org.users.manager.csrf }).expect(303);
    const res = await generate('manager', org.groups[0]!).expect(400);
    expect(res.text).toContain('Deze ronde is gesloten.');
    expect(printedCodes(res.text)).toEqual([]);
    expect(await codeRows(ctx.db)).toEqual([]);
    expect(await ctx.db.selectFrom('audit_log').select('id').where('action', '=', 'codes-generated').execute()).toEqual([]);
  });

  it('refuses a sheet for a group that is not in the round, or with too many spares, and stores nothing', async () => {
    const stranger = await generate('manager', 'no-such-group').expect(400);
    expect(stranger.text).toContain('deze groep doet niet mee aan deze ronde');
    await generate('manager', org.groups[0]!, '99').expect(400);
    await generate('manager', org.groups[0]!, '-1').expect(400);
    expect(await codeRows(ctx.db)).toEqual([]);
  });
});
