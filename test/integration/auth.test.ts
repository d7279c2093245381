import request from 'supertest';
import { AttemptLimiter } from '../../src/auth/login-limiter';
import { purgeExpiredSessions } from '../../src/auth/session.service';
import { issueSetupTokenIfNeeded } from '../../src/auth/setup.service';
import { createUser } from '../../src/auth/user.service';
import { createTestApp } from '../support/app';
import { csrfFrom, signInAgent } from '../support/staff';

const PASSWORD = 'een heel goed wachtwoord';

async function withUser(env: NodeJS.ProcessEnv = {}) {
  const ctx = await createTestApp(env);
  await createUser(ctx.db, { email: 'leider@test.nl', displayName: 'Leider', role: 'manager', password: PASSWORD, newInstitutionName: 'Stichting Test' }, ctx.clock);
  return ctx;
}

/** Sign-in events in the audit log (account creation by the test itself left out). */
const auditActions = async (ctx: Awaited<ReturnType<typeof createTestApp>>) =>
  (await ctx.db.selectFrom('audit_log').select('action').where('action', '!=', 'user-created').orderBy('at').execute()).map((r) => r.action);

describe('signing in', () => {
  it('sets an HttpOnly, SameSite session cookie and lands on the staff home', async () => {
    const ctx = await withUser();
    try {
      const { agent, res } = await signInAgent(ctx.app, 'Leider@Test.nl ', PASSWORD);
      expect(res.status).toBe(303);
      expect(res.headers['location']).toBe('/staff');
      const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('lk_session='))!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).not.toMatch(/Secure/);
      const home = await agent.get('/staff').expect(200);
      expect(home.text).toContain('Welkom, Leider');
      expect(await auditActions(ctx)).toEqual(['login']);
    } finally {
      await ctx.cleanup();
    }
  });

  it('marks the session cookie Secure when the server is reached over https', async () => {
    const ctx = await withUser({ PUBLIC_URL: 'https://leefklimaat.example.nl' });
    try {
      // A browser sends the Secure CSRF cookie back over https; here it is set by hand.
      const res = await request(ctx.app).post('/login').set('Cookie', 'lk_csrf=t').type('form').send({ email: 'leider@test.nl', password: PASSWORD, _csrf: 't' });
      const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('lk_session='))!;
      expect(cookie).toMatch(/Secure/);
      expect(cookie).toMatch(/HttpOnly/);
    } finally {
      await ctx.cleanup();
    }
  });

  it('refuses a wrong password with the same message as an unknown email, and logs it', async () => {
    const ctx = await withUser();
    try {
      const wrong = await signInAgent(ctx.app, 'leider@test.nl', 'niet het wachtwoord');
      const unknown = await signInAgent(ctx.app, 'niemand@test.nl', 'niet het wachtwoord');
      expect(wrong.res.status).toBe(401);
      expect(unknown.res.status).toBe(401);
      const message = 'E-mailadres of wachtwoord klopt niet.';
      expect(wrong.res.text).toContain(message);
      expect(unknown.res.text).toContain(message);
      expect([wrong.res.headers['set-cookie']].flat().some((c) => String(c).startsWith('lk_session='))).toBe(false);
      expect(await auditActions(ctx)).toEqual(['login-failed', 'login-failed']);
    } finally {
      await ctx.cleanup();
    }
  });

  it('slows brute force: after five failures even the right password must wait', async () => {
    const ctx = await withUser();
    try {
      for (let i = 0; i < 5; i++) expect((await signInAgent(ctx.app, 'leider@test.nl', `fout ${i}`)).res.status).toBe(401);
      const blocked = await signInAgent(ctx.app, 'leider@test.nl', PASSWORD);
      expect(blocked.res.status).toBe(429);
      expect(Number(blocked.res.headers['retry-after'])).toBeGreaterThan(0);
      expect(blocked.res.text).toContain('Te veel pogingen');
    } finally {
      await ctx.cleanup();
    }
  });

  it('lets an account in again once the wait is over, and doubles the wait on each further failure', () => {
    let now = 0;
    const limiter = new AttemptLimiter({ now: () => new Date(now) });
    for (let i = 0; i < 5; i++) limiter.fail(['k']);
    const first = limiter.retryAfter(['k']);
    expect(first).toBe(2000);
    now += first;
    expect(limiter.retryAfter(['k'])).toBe(0);
    limiter.fail(['k']);
    expect(limiter.retryAfter(['k'])).toBe(4000);
    limiter.succeed(['k']);
    expect(limiter.retryAfter(['k'])).toBe(0);
  });

  it('never redirects to another site after signing in', async () => {
    const ctx = await withUser();
    try {
      const agent = request.agent(ctx.app);
      const page = await agent.get('/login?next=//evil.example');
      const res = await agent.post('/login').type('form').send({ email: 'leider@test.nl', password: PASSWORD, next: '//evil.example', _csrf: csrfFrom(page.text) });
      expect(res.headers['location']).toBe('/staff');
    } finally {
      await ctx.cleanup();
    }
  });

  it('goes back only to a local address of a sensible length, without control characters', async () => {
    const ctx = await withUser();
    try {
      const signIn = async (next: string) => {
        const agent = request.agent(ctx.app);
        const page = await agent.get('/login');
        return String((await agent.post('/login').type('form').send({ email: 'leider@test.nl', password: PASSWORD, next, _csrf: csrfFrom(page.text) })).headers['location']);
      };
      expect(await signIn('/organisation?tab=2')).toBe('/organisation?tab=2');
      const long = `/organisation?x=${'a'.repeat(3_000)}`;
      expect(await signIn(long)).toBe('/staff');
      expect(await signIn('/organisation\r\nSet-Cookie: x=1')).toBe('/staff');
      expect(await signIn('/\\evil.example')).toBe('/staff');

      // A page address too long to carry along: to the login page without it, not a huge Location.
      const res = await request(ctx.app).get(long).set('Accept', 'text/html').expect(303);
      expect(res.headers['location']).toBe('/login');
    } finally {
      await ctx.cleanup();
    }
  });

  it('sends a page request without a session to the login page and back', async () => {
    const ctx = await withUser();
    try {
      const res = await request(ctx.app).get('/organisation').set('Accept', 'text/html').expect(303);
      expect(res.headers['location']).toBe('/login?next=%2Forganisation');
      const json = await request(ctx.app).get('/organisation').set('Accept', 'application/json').expect(401);
      expect(json.body.error.code).toBe('not-signed-in');
    } finally {
      await ctx.cleanup();
    }
  });
});

describe('CSRF protection', () => {
  it('refuses a state-changing request without a valid token and changes nothing', async () => {
    const ctx = await withUser();
    try {
      const { agent } = await signInAgent(ctx.app, 'leider@test.nl', PASSWORD);
      const before = await ctx.db.selectFrom('staff_user').select('pin_hash').executeTakeFirstOrThrow();
      const missing = await agent.post('/account/pin').type('form').send({ pin: '4821' });
      expect(missing.status).toBe(403);
      expect(missing.text).toContain('Dit formulier is verlopen');
      const forged = await agent.post('/account/pin').type('form').send({ pin: '4821', _csrf: 'guessed' });
      expect(forged.status).toBe(403);
      expect(await ctx.db.selectFrom('staff_user').select('pin_hash').executeTakeFirstOrThrow()).toEqual(before);
      // With the page's own token it works.
      const page = await agent.get('/account');
      await agent.post('/account/pin').type('form').send({ pin: '4821', _csrf: csrfFrom(page.text) }).expect(303);
      expect((await ctx.db.selectFrom('staff_user').select('pin_hash').executeTakeFirstOrThrow()).pin_hash).toMatch(/^scrypt\$/);
    } finally {
      await ctx.cleanup();
    }
  });

  it('refuses a login form posted from another site (no matching token cookie)', async () => {
    const ctx = await withUser();
    try {
      const res = await request(ctx.app).post('/login').type('form').send({ email: 'leider@test.nl', password: PASSWORD, _csrf: 'x' });
      expect(res.status).toBe(403);
      expect(await auditActions(ctx)).toEqual([]);
    } finally {
      await ctx.cleanup();
    }
  });
});

describe('the account', () => {
  it('signs out: the old session cookie no longer works', async () => {
    const ctx = await withUser();
    try {
      const { agent } = await signInAgent(ctx.app, 'leider@test.nl', PASSWORD);
      const page = await agent.get('/staff');
      await agent.post('/logout').type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);
      await agent.get('/staff').set('Accept', 'text/html').expect(303);
      expect(await ctx.db.selectFrom('staff_session').selectAll().execute()).toEqual([]);
    } finally {
      await ctx.cleanup();
    }
  });

  it('refuses an expired session and purges it', async () => {
    const ctx = await withUser();
    try {
      const { agent } = await signInAgent(ctx.app, 'leider@test.nl', PASSWORD);
      await agent.get('/staff').expect(200);
      ctx.clock.set('2026-11-23T10:00:01.000Z'); // 24 h later: past the 12-hour session
      await agent.get('/staff').set('Accept', 'text/html').expect(303);
      expect(await ctx.db.selectFrom('staff_session').selectAll().execute()).toHaveLength(1);
      await purgeExpiredSessions(ctx.db, ctx.clock);
      expect(await ctx.db.selectFrom('staff_session').selectAll().execute()).toEqual([]);
    } finally {
      await ctx.cleanup();
    }
  });

  it('changes the password only with the current one, and ends the other sessions', async () => {
    const ctx = await withUser();
    try {
      const first = await signInAgent(ctx.app, 'leider@test.nl', PASSWORD);
      const second = await signInAgent(ctx.app, 'leider@test.nl', PASSWORD);
      const page = await first.agent.get('/account');
      const wrong = await first.agent.post('/account/password').type('form').send({ currentPassword: 'fout', newPassword: 'een nieuw wachtwoord', _csrf: csrfFrom(page.text) });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain('Het huidige wachtwoord klopt niet.');
      const ok = await first.agent.post('/account/password').type('form').send({ currentPassword: PASSWORD, newPassword: 'een nieuw wachtwoord', _csrf: csrfFrom(page.text) });
      expect(ok.status).toBe(200);
      await first.agent.get('/staff').expect(200);
      await second.agent.get('/staff').set('Accept', 'text/html').expect(303);
      expect((await signInAgent(ctx.app, 'leider@test.nl', 'een nieuw wachtwoord')).res.status).toBe(303);
    } finally {
      await ctx.cleanup();
    }
  });

  it('refuses a PIN that is not 4 to 8 digits, saying why', async () => {
    const ctx = await withUser();
    try {
      const { agent } = await signInAgent(ctx.app, 'leider@test.nl', PASSWORD);
      const page = await agent.get('/account');
      const res = await agent.post('/account/pin').type('form').send({ pin: '12a', _csrf: csrfFrom(page.text) });
      expect(res.status).toBe(400);
      expect(res.text).toContain('4 tot 8 cijfers');
      expect(res.text).not.toContain('4 to 8 digits');
      expect((await ctx.db.selectFrom('staff_user').select('pin_hash').executeTakeFirstOrThrow()).pin_hash).toBeNull();
    } finally {
      await ctx.cleanup();
    }
  });
});

describe('the first administrator', () => {
  it('is created once through the one-time link, with the institution', async () => {
    const ctx = await createTestApp();
    try {
      const token = (await issueSetupTokenIfNeeded(ctx.db, ctx.clock))!;
      const agent = request.agent(ctx.app);
      const page = await agent.get(`/setup/${token}`).expect(200);
      const form = { institution: 'Stichting Test', displayName: 'Beheer', email: 'beheer@test.nl', password: PASSWORD, _csrf: csrfFrom(page.text) };
      await agent.post(`/setup/${token}`).type('form').send(form).expect(303);
      const again = await agent.post(`/setup/${token}`).type('form').send({ ...form, email: 'tweede@test.nl' });
      expect(again.status).toBe(404);
      expect(await ctx.db.selectFrom('staff_user').select(['email', 'role']).execute()).toEqual([{ email: 'beheer@test.nl', role: 'administrator' }]);
      expect(await ctx.db.selectFrom('institution').select('name').execute()).toEqual([{ name: 'Stichting Test' }]);
      await agent.get(`/setup/${token}`).expect(404);
      expect(await issueSetupTokenIfNeeded(ctx.db, ctx.clock)).toBeUndefined();
    } finally {
      await ctx.cleanup();
    }
  });

  it('refuses an invalid setup form, says why beside the field, and creates nothing', async () => {
    const ctx = await createTestApp();
    try {
      const token = (await issueSetupTokenIfNeeded(ctx.db, ctx.clock))!;
      const agent = request.agent(ctx.app);
      const page = await agent.get(`/setup/${token}`);
      const res = await agent.post(`/setup/${token}`).type('form').send({ institution: '', displayName: 'B', email: 'geen-email', password: 'kort', _csrf: csrfFrom(page.text) });
      expect(res.status).toBe(400);
      expect(res.text).toContain('minstens 12 tekens');
      expect(res.text).toMatch(/id="f-email-error"/);
      expect(res.text).toMatch(/id="f-institution-error"/);
      expect(await ctx.db.selectFrom('staff_user').selectAll().execute()).toEqual([]);
      expect(await ctx.db.selectFrom('institution').selectAll().execute()).toEqual([]);
      // The link still works after a mistake.
      await agent.get(`/setup/${token}`).expect(200);
    } finally {
      await ctx.cleanup();
    }
  });
});
