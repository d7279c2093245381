import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashCode } from '../access-codes/access-code';
import { audit } from '../audit/audit.service';
import type { CurrentUser } from '../auth/current-user';
import type { AttemptLimiter } from '../auth/login-limiter';
import { verifySecret } from '../auth/password';
import { TooManyAttempts } from '../auth/session.service';
import { hashToken } from '../auth/setup.service';
import { ownGroupIds } from '../auth/user.service';
import type { DB } from '../db/schema';
import { AppError, ValidationError } from '../errors';
import { institutionOf } from '../organisation/organisation.service';
import type { Questionnaire } from '../questionnaires/questionnaire';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import { keyedHash } from '../secret';
import { isoDay, type Clock } from '../system';
import type { SubmissionBody } from './submission.schema';
import type { AnswerWriter } from './submission.writer';
import {
  deleteTabletSession,
  findAccessCode,
  findOpenRoundOf,
  findTabletTarget,
  findTarget,
  hasReceipt,
  insertTabletSession,
  insertTalkRequest,
  pinHoldersFor,
  type SurveyTarget,
} from './survey.repository';
import { readTicket, signTicket, type Ticket } from './ticket';

export const TABLET_COOKIE = 'lk_tablet';
export const CODE_COOKIE = 'lk_code';
export const DONE_COOKIE = 'lk_done';

/** A typed code stays good for starting the questionnaire this long (it is used up only on sending). */
export const CODE_TICKET_MS = 4 * 3600_000;
/** After sending, "I would like to talk to someone" can be pressed for this long. */
export const DONE_TICKET_MS = 30 * 60_000;

export class NoSurveyAccess extends AppError {
  constructor() {
    super(403, 'survey-no-access', 's.no-access');
  }
}
export class RoundNotOpen extends AppError {
  constructor() {
    super(409, 'round-not-open', 's.round-not-open');
  }
}
export class WrongGroup extends AppError {
  constructor() {
    super(409, 'wrong-group', 's.wrong-group');
  }
}
export class CodeUsed extends AppError {
  constructor() {
    super(409, 'code-used', 's.code-used');
  }
}
export class AlreadyReceived extends AppError {
  constructor() {
    super(409, 'already-received', 's.already-received');
  }
}
export class WrongCode extends AppError {
  constructor() {
    super(400, 'code-unknown', 's.code-unknown');
  }
}
export class NotYourTablet extends AppError {
  constructor() {
    super(403, 'not-your-tablet', 's.not-your-tablet');
  }
}
export class WrongPin extends AppError {
  constructor() {
    super(401, 'pin-wrong', 's.pin-wrong');
  }
}

/** How this browser may answer: as the group's tablet, or with a typed one-time code. */
export type SurveyAccess =
  | { readonly mode: 'tablet'; readonly tokenHash: string; readonly target: SurveyTarget & { readonly startedBy: string } }
  | { readonly mode: 'code'; readonly codeHash: string; readonly target: SurveyTarget };

export interface SurveyDeps {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly secret: Buffer;
  readonly limiter: AttemptLimiter;
  readonly questionnaires: QuestionnaireCatalog;
}

type TabletTarget = NonNullable<Awaited<ReturnType<typeof findTabletTarget>>>;

/**
 * Every page and every answer of a tablet is checked here, and the lookup shares the connection
 * with the rest of the server: what a tablet serves is remembered for a moment. Safe to be a little stale — the
 * writer checks again, inside its transaction, that the round is open — and forgotten at once when
 * a tablet is stopped here.
 */
const TABLET_CACHE_MS = 2_000;
const tabletCache = new WeakMap<Kysely<DB>, Map<string, { target: TabletTarget; until: number }>>();

async function tabletTarget(db: Kysely<DB>, tokenHash: string): Promise<TabletTarget | undefined> {
  let cache = tabletCache.get(db);
  if (!cache) tabletCache.set(db, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(tokenHash);
  if (hit && hit.until > now) return hit.target;
  const target = await findTabletTarget(db, tokenHash);
  if (cache.size > 1_000) for (const [key, entry] of cache) if (entry.until <= now) cache.delete(key);
  if (target) cache.set(tokenHash, { target, until: now + TABLET_CACHE_MS });
  else cache.delete(tokenHash);
  return target;
}

export async function resolveAccess(deps: Pick<SurveyDeps, 'db' | 'secret' | 'clock'>, cookies: Record<string, string | undefined>): Promise<SurveyAccess | undefined> {
  const tablet = cookies[TABLET_COOKIE];
  if (tablet) {
    const tokenHash = hashToken(tablet);
    const target = await tabletTarget(deps.db, tokenHash);
    if (target) return { mode: 'tablet', tokenHash, target };
  }
  const ticket = readTicket(deps.secret, cookies[CODE_COOKIE], 'code', deps.clock.now());
  if (ticket?.codeHash) {
    const target = await findTarget(deps.db, ticket.round, ticket.group);
    if (target) return { mode: 'code', codeHash: ticket.codeHash, target };
  }
  return undefined;
}

/** The questionnaire of an open round's group; refuses when the round is not open. */
export function openQuestionnaire(catalog: QuestionnaireCatalog, target: SurveyTarget): Questionnaire {
  if (target.status !== 'open' || target.questionnaireVersion === null) throw new RoundNotOpen();
  const q = catalog.get(target.questionnaireId, target.questionnaireVersion);
  if (!q) throw new RoundNotOpen();
  return q;
}

/**
 * A typed code: when it exists, is unused and its round is open, a signed ticket to start with. The
 * code is not used up yet — only when the answers are stored. Wrong codes are counted per client
 * (in memory) and slowed down; the client address is never stored.
 */
export async function redeemCode(deps: SurveyDeps, code: string, clientKey: string): Promise<string> {
  const keys = [`code-client:${clientKey}`];
  const wait = deps.limiter.retryAfter(keys);
  if (wait > 0) throw new TooManyAttempts(Math.ceil(wait / 1000));
  const codeHash = hashCode(deps.secret, code);
  const row = await findAccessCode(deps.db, codeHash);
  if (!row) {
    deps.limiter.fail(keys);
    throw new WrongCode();
  }
  if (row.used === 1) {
    deps.limiter.fail(keys);
    throw new CodeUsed();
  }
  const target = await findTarget(deps.db, row.round_id, row.group_id);
  if (!target || target.status !== 'open') throw new RoundNotOpen();
  return signTicket(deps.secret, { kind: 'code', round: row.round_id, group: row.group_id, codeHash, expires: deps.clock.now().getTime() + CODE_TICKET_MS });
}

/**
 * Stores one response. The round and group come from the tablet or the code, never from the page;
 * the page's own round and group must match them (a page left open from another group or round is
 * refused rather than counted for the wrong group).
 */
export async function submitAnswers(deps: SurveyDeps & { writer: AnswerWriter }, access: SurveyAccess, body: SubmissionBody): Promise<void> {
  const { target } = access;
  if (body.roundId !== target.roundId || body.groupId !== target.groupId) throw new WrongGroup();
  const q = openQuestionnaire(deps.questionnaires, target);
  const outcome = await deps.writer.submit({
    submissionId: body.submissionId,
    roundId: target.roundId,
    groupId: target.groupId,
    questionnaireId: q.id,
    questionnaireVersion: q.version,
    answers: q.items.flatMap((item) => (body.answers[item.id] === undefined ? [] : [{ itemId: item.id, value: body.answers[item.id]! }])),
    openAnswers: q.openQuestions.flatMap((o) => (body.open[o.id] ? [{ questionId: o.id, text: body.open[o.id]! }] : [])),
    codeHash: access.mode === 'code' ? access.codeHash : undefined,
  });
  if (outcome === 'already-received') throw new AlreadyReceived();
  if (outcome === 'round-closed') throw new RoundNotOpen();
  if (outcome === 'code-used') throw new CodeUsed();
}

/** A retry whose first attempt was stored, even when the code's ticket is gone by now. */
export async function wasReceived(db: Kysely<DB>, submissionId: unknown): Promise<boolean> {
  return typeof submissionId === 'string' && submissionId.length <= 100 && (await hasReceipt(db, submissionId));
}

/**
 * After sending: a ticket whose id becomes the talk request's id. Derived from the submission id
 * (keyed, so the id does not show it), so a replay or a retry of the same answers adds nothing.
 */
export function doneTicket(deps: Pick<SurveyDeps, 'secret' | 'clock'>, target: Pick<SurveyTarget, 'roundId' | 'groupId'>, submissionId: string, lang: string): string {
  const id = keyedHash(deps.secret, 'talk-request', submissionId).slice(0, 32);
  return signTicket(deps.secret, { kind: 'done', id, round: target.roundId, group: target.groupId, lang, expires: deps.clock.now().getTime() + DONE_TICKET_MS });
}

export function talkedTicket(deps: Pick<SurveyDeps, 'secret'>, done: Ticket): string {
  return signTicket(deps.secret, { ...done, talked: true });
}

export function readDone(deps: Pick<SurveyDeps, 'secret' | 'clock'>, cookies: Record<string, string | undefined>): Ticket | undefined {
  return readTicket(deps.secret, cookies[DONE_COOKIE], 'done', deps.clock.now());
}

/**
 * "I would like to talk to someone": records for the group's staff that someone in the group asked
 * in this round, on this day — nothing else, and no link to any answer. Once per sent response.
 */
export async function requestTalk(deps: Pick<SurveyDeps, 'db' | 'clock'>, done: Ticket): Promise<void> {
  if (!done.id) return;
  await insertTalkRequest(deps.db, { id: done.id, round_id: done.round, group_id: done.group, requested_on: isoDay(deps.clock.now()) });
}

/**
 * Puts this browser in tablet mode for a group's open round. Group leaders only for their own
 * groups. The caller ends the staff member's session in this browser: a young person must not
 * land in the staff pages.
 */
export async function startTablet(deps: Pick<SurveyDeps, 'db' | 'clock'>, user: CurrentUser, groupId: string): Promise<string> {
  const target = await findOpenRoundOf(deps.db, groupId);
  const allowed =
    target !== undefined &&
    target.institutionId === institutionOf(user) &&
    (user.role !== 'group_leader' || (await ownGroupIds(deps.db, user.id)).includes(groupId));
  if (!allowed) throw new ValidationError({ message: 's.no-open-round-for-group' });
  const token = randomBytes(32).toString('base64url');
  await deps.db.transaction().execute(async (trx) => {
    await insertTabletSession(trx, { token_hash: hashToken(token), round_id: target.roundId, group_id: groupId, started_by: user.id });
    await audit(trx, deps.clock, { actorId: user.id, action: 'tablet-started', subject: target.groupName });
  });
  return token;
}

/**
 * Leaves tablet mode with the PIN of whoever started it or of one of the group's group leaders.
 * PINs are short, so attempts are limited per tablet and per client.
 */
export async function leaveTablet(deps: SurveyDeps, access: Extract<SurveyAccess, { mode: 'tablet' }>, pin: string, clientKey: string): Promise<void> {
  const keys = [`tablet:${access.tokenHash}`, `pin-client:${clientKey}`];
  const wait = deps.limiter.retryAfter(keys);
  if (wait > 0) throw new TooManyAttempts(Math.ceil(wait / 1000));
  const holders = await pinHoldersFor(deps.db, access.target.startedBy, access.target.groupId);
  const checks = await Promise.all(holders.map(async (h) => ((await verifySecret(pin, h.pin_hash!)) ? h.id : undefined)));
  const who = checks.find((id) => id !== undefined);
  if (!who) {
    deps.limiter.fail(keys);
    throw new WrongPin();
  }
  deps.limiter.succeed(keys);
  await endTablet(deps, access, who);
}

/** Staff of the tablet's institution who work with groups; a group leader only for their own groups. */
export async function mayEndTablet(deps: Pick<SurveyDeps, 'db'>, user: Pick<CurrentUser, 'id' | 'role' | 'institutionId'>, access: Extract<SurveyAccess, { mode: 'tablet' }>): Promise<boolean> {
  if (user.institutionId !== access.target.institutionId) return false;
  if (user.role === 'administrator' || user.role === 'manager') return true;
  return user.role === 'group_leader' && (await ownGroupIds(deps.db, user.id)).includes(access.target.groupId);
}

export async function endTablet(deps: Pick<SurveyDeps, 'db' | 'clock'>, access: Extract<SurveyAccess, { mode: 'tablet' }>, actorId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await deleteTabletSession(trx, access.tokenHash);
    await audit(trx, deps.clock, { actorId, action: 'tablet-stopped', subject: access.target.groupName });
  });
  // After the commit: a lookup already under way cannot put the stopped tablet back.
  tabletCache.get(deps.db)?.delete(access.tokenHash);
}
