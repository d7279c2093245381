import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashCode } from '../../src/access-codes/access-code';
import { hashSecret } from '../../src/auth/password';
import type { Role } from '../../src/auth/auth.table';
import { createHttpServer } from '../../src/http/server';
import { insertImprovementAction } from '../../src/improvement-actions/improvement-action.repository';
import { silentLogger, type Logger } from '../../src/logger';
import { PdfRenderer } from '../../src/reports/pdf-renderer';
import { archiveReport } from '../../src/reports/report.service';
import { summarizeClosedRounds } from '../../src/results/round-summary';
import { doneTicket } from '../../src/survey/survey.service';
import { insertTalkRequest } from '../../src/survey/survey.repository';
import { randomId } from '../../src/system';
import { createTestApp } from './app';
import { storedState, send, type StoredState } from './hostile-http';
import type { IdName } from './hostile';
import { addRound, storeResponses } from './results';
import { buildInstitution } from './staff';
import { issueCodes, tabletCookie } from './survey';

/**
 * The world the hostile-input suite attacks: one institution with everything a route can be
 * about — groups, locations, a municipality, an open and a closed round with results, an
 * improvement action, code sheets, a talk request, archived reports — served on a real port, and
 * a signed-in caller of every kind.
 */

export const CALLERS = ['anonymous', 'tablet', 'code', 'done', 'administrator', 'manager', 'group_leader', 'municipality_viewer'] as const;
export type Caller = (typeof CALLERS)[number];

/** The password every staff member has here; sometimes sent, so a hostile body can sign in. */
export const PASSWORD = 'een lang wachtwoord';
const ANONYMOUS_CSRF = 'hostile-suite-anonymous-token';

/** Chromium is a side effect this suite is not about: a valid period report gets a tiny PDF at once. */
class PaperRenderer extends PdfRenderer {
  override async render(): Promise<Buffer> {
    return Buffer.from('%PDF-1.4\n% hostile-input suite\n');
  }
}

export interface World {
  readonly ctx: Awaited<ReturnType<typeof createTestApp>>;
  readonly port: number;
  readonly ids: Record<IdName, string>;
  readonly codes: { readonly code: string; readonly usedCode: string };
  readonly emails: readonly string[];
  readonly callers: Record<Caller, { readonly cookie: string; readonly csrf: string }>;
  /** Errors the app logged (an unhandled error is logged before the user sees a 500). */
  readonly logged: string[];
  /** Everything stored after the last request. */
  state: StoredState;
  /** Set when a request changed the world in a way later cases should not inherit. */
  dirty: boolean;
  close(): Promise<void>;
}

function capturingLogger(logged: string[]): Logger {
  return { ...silentLogger, error: (message, fields) => logged.push(`${message} ${JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v))}`) };
}

export async function buildWorld(): Promise<World> {
  const logged: string[] = [];
  const ctx = await createTestApp({}, { renderer: new PaperRenderer(), logger: capturingLogger(logged) });
  const { db, clock, secret } = ctx;
  const org = await buildInstitution(ctx.db);
  const [group0, group1] = org.groups as [string, string];
  // A real (cheap) hash: the fixture's placeholder hash is not one scrypt can check.
  await db.updateTable('staff_user').set({ password_hash: await hashSecret(PASSWORD, { N: 1024, r: 8, p: 1 }) }).execute();

  const q = ctx.questionnaires.get('lk-jeugd', 1)!;
  const closedRound = await addRound(db, {
    institutionId: org.institutionId,
    period: '2026-H1',
    opensOn: '2026-03-01',
    closesOn: '2026-03-31',
    status: 'closed',
    groups: [group0, group1].map((id) => ({ id, questionnaireId: 'lk-jeugd' })),
  });
  const answers = [1, 2, 3, 4, 5, 3].map((v) => Object.fromEntries(q.items.map((item, i) => [item.id, ((v + i) % 5) + 1])));
  await storeResponses(db, q, closedRound, group0, answers);
  await summarizeClosedRounds(db, ctx.questionnaires);
  const action = randomId();
  await insertImprovementAction(db, { id: action, round_id: closedRound, group_id: group0, text: 'We praten erover', created_by: org.users.manager.id, created_at: '2026-04-01T10:00:00.000Z', updated_at: '2026-04-01T10:00:00.000Z' });

  const [code, , usedCode] = await issueCodes(db, secret, org.roundId, group0, 3);
  const sheet = (await db.selectFrom('access_code').select('sheet_id').executeTakeFirstOrThrow()).sheet_id;
  await db.updateTable('access_code').set({ used: 1 }).where('code_hash', '=', hashCode(secret, usedCode!)).execute();
  const talkRequest = randomId();
  // From an earlier day: staff see (and may mark handled) only requests of days before today.
  await insertTalkRequest(db, { id: talkRequest, round_id: org.roundId, group_id: group0, requested_on: '2026-11-20' });

  const rendered = { title: 'Rapport', pdf: Buffer.from('%PDF-1.4 rapport'), json: '{}', csv: 'a,b\r\n' };
  const report = (await archiveReport(db, clock, rendered, { institutionId: org.institutionId, kind: 'period', periodFrom: '2026-01-01', periodTo: '2026-12-31', audience: 'municipality', municipalityId: org.municipalityId, lang: 'nl', generatedBy: org.users.manager.id }))!;
  const groupReport = (await archiveReport(db, clock, rendered, { institutionId: org.institutionId, kind: 'group', periodFrom: '2026-03-01', periodTo: '2026-03-31', audience: 'team', groupId: group0, roundId: closedRound, lang: 'nl', generatedBy: 'system' }))!;

  const server: Server = createHttpServer(ctx.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const anonymous = `lk_csrf=${ANONYMOUS_CSRF}`;
  const tablet = await tabletCookie(db, org.roundId, group0, org.users.group_leader.id);
  // A young person who typed a code: the ticket cookie the real code entry sets.
  const entered = await send(port, { method: 'POST', target: '/code', headers: [['Cookie', anonymous], ['Content-Type', 'application/x-www-form-urlencoded']], body: Buffer.from(`_csrf=${ANONYMOUS_CSRF}&code=${code}`) });
  const codeTicket = [String(entered.headers['set-cookie'] ?? '')].flat().map((c) => /lk_code=([^;]+)/.exec(c)?.[1]).find(Boolean);
  if (entered.status !== 303 || !codeTicket) throw new Error(`code entry failed: ${entered.status}`);
  const done = doneTicket({ secret, clock }, { roundId: org.roundId, groupId: group0 }, randomId(), 'nl');

  const staff = (role: Role) => ({ cookie: `${anonymous}; ${org.users[role].cookie}`, csrf: org.users[role].csrf });
  const world: World = {
    ctx,
    port,
    ids: {
      group0,
      group1,
      location0: org.locations[0]!,
      location1: org.locations[1]!,
      municipality: org.municipalityId,
      round: org.roundId,
      closedRound,
      report,
      groupReport,
      sheet,
      action,
      talkRequest,
      administrator: org.users.administrator.id,
      manager: org.users.manager.id,
      groupLeader: org.users.group_leader.id,
      viewer: org.users.municipality_viewer.id,
    },
    codes: { code: code!, usedCode: usedCode! },
    emails: Object.values(org.users).map((u) => u.email),
    callers: {
      anonymous: { cookie: anonymous, csrf: ANONYMOUS_CSRF },
      tablet: { cookie: `${anonymous}; ${tablet}`, csrf: ANONYMOUS_CSRF },
      code: { cookie: `${anonymous}; lk_code=${codeTicket}`, csrf: ANONYMOUS_CSRF },
      done: { cookie: `${anonymous}; lk_done=${done}`, csrf: ANONYMOUS_CSRF },
      administrator: staff('administrator'),
      manager: staff('manager'),
      group_leader: staff('group_leader'),
      municipality_viewer: staff('municipality_viewer'),
    },
    logged,
    state: await storedState(db),
    dirty: false,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await ctx.cleanup();
    },
  };
  return world;
}

/** Fills the `⟦name⟧` placeholders the generators use with this world's ids. */
export function fill(world: World, text: string): string {
  return text.replace(/⟦(\w+)⟧/g, (whole, name: string) => {
    if (name === 'code') return world.codes.code;
    if (name === 'usedCode') return world.codes.usedCode;
    if (name === 'email') return world.emails[text.length % world.emails.length]!;
    if (name === 'submissionId') return randomId();
    return (world.ids as Record<string, string>)[name] ?? whole;
  });
}
