import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { Role } from '../../src/auth/auth.table';
import { SESSION_COOKIE } from '../../src/auth/session.service';
import { hashToken } from '../../src/auth/setup.service';
import type { Database } from '../../src/db/database';
import { insertUser, replaceUserGroups } from '../../src/auth/user.repository';
import { insertGroup, insertInstitution, insertLocation, insertMunicipality, replaceMunicipalityLocations } from '../../src/organisation/organisation.repository';
import { insertRound, insertRoundGroups } from '../../src/rounds/round.repository';
import { randomId } from '../../src/system';

/**
 * An institution with two locations, a group in each, a municipality, an open round, and a
 * signed-in session for every role (the group leader assigned to the first group only).
 * Sessions are inserted directly: tests of authorisation should not pay for scrypt each time.
 */
export async function buildInstitution(db: Database, options: { name?: string } = {}) {
  const institutionId = randomId();
  const now = '2026-11-22T10:00:00.000Z';
  await insertInstitution(db, { id: institutionId, name: options.name ?? 'Stichting Test', cadence_months: 6, created_at: now });
  const locations = [randomId(), randomId()];
  const groups = [randomId(), randomId()];
  for (const [i, id] of locations.entries()) {
    await insertLocation(db, { id, institution_id: institutionId, name: `Locatie ${i + 1}` });
    await insertGroup(db, { id: groups[i]!, location_id: id, name: `Groep ${i + 1}`, places: 8, questionnaire_id: 'lk-jeugd', active: 1 });
  }
  const municipalityId = randomId();
  await insertMunicipality(db, { id: municipalityId, institution_id: institutionId, name: 'Gemeente Test' });
  await replaceMunicipalityLocations(db, municipalityId, [locations[0]!]);
  const roundId = randomId();
  await insertRound(db, { id: roundId, institution_id: institutionId, period: '2026-H2', opens_on: '2026-11-01', closes_on: '2026-11-30', status: 'open' });
  await insertRoundGroups(db, groups.map((g) => ({ round_id: roundId, group_id: g, questionnaire_id: 'lk-jeugd', questionnaire_version: 1 })));

  const users = {} as Record<Role, { id: string; email: string; cookie: string; csrf: string }>;
  for (const role of ['administrator', 'manager', 'group_leader', 'municipality_viewer'] as const) {
    const id = randomId();
    const email = `${role}.${id.slice(0, 6)}@test.nl`;
    await insertUser(db, {
      id,
      institution_id: institutionId,
      municipality_id: role === 'municipality_viewer' ? municipalityId : null,
      email,
      display_name: role,
      role,
      password_hash: 'scrypt$1$1$1$x$x',
      pin_hash: null,
      active: 1,
      created_at: now,
    });
    if (role === 'group_leader') await replaceUserGroups(db, id, [groups[0]!]);
    users[role] = { id, email, ...(await sessionFor(db, id)) };
  }
  return { institutionId, locations, groups, municipalityId, roundId, users };
}

export async function sessionFor(db: Database, userId: string): Promise<{ cookie: string; csrf: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  await db
    .insertInto('staff_session')
    .values({ token_hash: hashToken(token), user_id: userId, csrf_token: csrf, created_at: '2026-11-22T10:00:00.000Z', expires_at: '2099-01-01T00:00:00.000Z' })
    .execute();
  return { cookie: `${SESSION_COOKIE}=${token}`, csrf };
}

/** The CSRF token a page's form carries. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1]!;
}

/** Signs in through the real login form, as a browser would; returns the agent. */
export async function signInAgent(app: Express, email: string, password: string) {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const res = await agent.post('/login').type('form').send({ email, password, _csrf: csrfFrom(page.text) });
  return { agent, res };
}
