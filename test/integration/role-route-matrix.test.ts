import type { Express } from 'express';
import request from 'supertest';
import { createTestApp } from '../support/app';
import { buildInstitution } from '../support/staff';

type Who = 'anonymous' | 'administrator' | 'manager' | 'group_leader' | 'municipality_viewer';
const WHO: Who[] = ['anonymous', 'administrator', 'manager', 'group_leader', 'municipality_viewer'];

const everyone = 'anonymous administrator manager group_leader municipality_viewer';
const signedIn = 'administrator manager group_leader municipality_viewer';
const staff = 'administrator manager group_leader';
const managers = 'administrator manager';
const admins = 'administrator';
/**
 * The survey's ticket routes: what opens them is a signed ticket in a cookie (a one-time code, a
 * tablet, or "just sent"), never a role. Without one, everybody — staff included — is refused.
 */
const ticketOnly = '';

/**
 * Who may use each route. A route added without an entry here fails the first test, so every new
 * route is a decision about roles. `deny` is 401/403 (or a redirect to the login page for a
 * page); `allow` is anything else — a validation error or a 404 for a made-up id still shows the
 * role got through.
 */
const MATRIX: Record<string, string> = {
  'GET /healthz': everyone,
  'GET /': everyone,
  'GET /login': everyone,
  'POST /login': everyone,
  'POST /logout': signedIn,
  'GET /setup/:token': everyone,
  'POST /setup/:token': everyone,
  'GET /account': signedIn,
  'POST /account/password': signedIn,
  'POST /account/pin': signedIn,
  'GET /staff': signedIn,
  'GET /organisation': managers,
  'POST /organisation/cadence': managers,
  'GET /organisation/locations/new': managers,
  'GET /organisation/locations/:id': managers,
  'POST /organisation/locations': managers,
  'POST /organisation/locations/:id': managers,
  'GET /organisation/groups/new': managers,
  'GET /organisation/groups/:id': managers,
  'POST /organisation/groups': managers,
  'POST /organisation/groups/:id': managers,
  'GET /organisation/municipalities/new': managers,
  'GET /organisation/municipalities/:id': managers,
  'POST /organisation/municipalities': managers,
  'POST /organisation/municipalities/:id': managers,
  'GET /organisation/help': managers,
  'POST /organisation/help': managers,
  'GET /rounds': managers,
  'POST /rounds': managers,
  'POST /rounds/:id/dates': managers,
  'POST /rounds/:id/open': managers,
  'POST /rounds/:id/close': managers,
  'GET /rounds/:id/codes': staff,
  'POST /rounds/:id/codes': staff,
  'POST /rounds/:id/codes/:sheetId/void': staff,
  'GET /users': admins,
  'GET /users/new': admins,
  'GET /users/:id': admins,
  'POST /users': admins,
  'POST /users/:id': admins,
  'GET /audit': admins,
  // The young people's pages: open to anyone (a page without a ticket sends them to the code entry).
  'GET /code': everyone,
  'POST /code': everyone,
  'GET /survey': everyone,
  'GET /survey/questions': everyone,
  'POST /survey/submit': ticketOnly,
  'GET /survey/thanks': everyone,
  'GET /survey/talk': everyone,
  'POST /survey/talk': ticketOnly,
  // Tablet mode: started by staff for a group; left by whoever holds the tablet (PIN or login).
  'POST /tablet/start': staff,
  'GET /tablet/leave': everyone,
  'POST /tablet/leave': everyone,
  'POST /talk-requests/:id/handled': staff,
  // Results (SPEC §6): group pages for their staff, the overview for managers; the same in JSON and CSV.
  'GET /results': staff,
  'GET /results/overview.csv': managers,
  'GET /api/results/overview': managers,
  'GET /groups/:id/results': staff,
  'GET /groups/:id/results.csv': staff,
  'GET /api/results/groups/:id': staff,
  'POST /groups/:id/actions': staff,
  'POST /groups/:id/actions/:actionId': staff,
  'GET /static/vendor/chart.js': everyone,
  // Reports (SPEC §6): everyone signed in has an archive (what is in it depends on the role).
  'GET /reports': signedIn,
  'GET /reports/:id/:format': signedIn,
  'POST /reports/period': managers,
};

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method + path the app routes, read from Express's own router. */
function routesOf(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of [layer.route.path].flat()) {
          for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${path}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...new Set(found)].sort();
}

describe('the role × route matrix', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let org: Awaited<ReturnType<typeof buildInstitution>>;

  beforeAll(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
  });
  afterAll(() => ctx.cleanup());

  it('has an entry for every route the app serves, and no entry for a route it does not', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(routesOf(ctx.app));
  });

  /** Real ids where the route needs them, so an allowed role reaches the handler itself. */
  const concrete = (pattern: string) =>
    pattern
      .replace('/locations/:id', `/locations/${org.locations[0]}`)
      .replace('/groups/:id', `/groups/${org.groups[0]}`)
      .replace('/municipalities/:id', `/municipalities/${org.municipalityId}`)
      .replace('/users/:id', `/users/${org.users.manager.id}`)
      .replace('/rounds/:id', `/rounds/${org.roundId}`)
      .replace('/talk-requests/:id', '/talk-requests/no-such-request')
      .replace(':sheetId', 'no-such-sheet')
      .replace(':actionId', 'no-such-action')
      .replace('/reports/:id/:format', '/reports/no-such-report/pdf')
      .replace(':token', 'no-such-token');

  // Logout last: it ends the session the other cases share.
  const routes = Object.entries(MATRIX).sort(([a], [b]) => Number(a === 'POST /logout') - Number(b === 'POST /logout'));
  const cases = routes.flatMap(([route, allowed]) => WHO.map((who) => [route, who, allowed.split(' ').includes(who)] as const));

  it.each(cases)('%s as %s: allowed=%s', async (route, who, allowed) => {
    const [method, pattern] = route.split(' ') as [string, string];
    const url = concrete(pattern);
    const user = who === 'anonymous' ? undefined : org.users[who];
    let req = method === 'GET' ? request(ctx.app).get(url) : request(ctx.app).post(url).type('form');
    req = req.set('Accept', 'text/html');
    // A valid CSRF token — the session's, or for anonymous visitors a matching double-submit
    // cookie — so that a refusal can only come from the role check.
    req = req.set('Cookie', user ? user.cookie : 'lk_csrf=anonymous-token');
    const body = { _csrf: user?.csrf ?? 'anonymous-token' };
    // Logout as a signed-in role would end the shared session: it goes last, on its own session.
    const res = method === 'GET' ? await req : await req.send(body);

    const refused = res.status === 401 || res.status === 403 || (res.status === 303 && String(res.headers['location']).startsWith('/login?next='));
    expect({ route, who, status: res.status, refused }).toEqual({ route, who, status: res.status, refused: !allowed });
  });
});
