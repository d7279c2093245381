import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { audit } from '../audit/audit.service';
import type { DB } from '../db/schema';
import { AppError } from '../errors';
import type { Clock } from '../system';
import type { CurrentUser } from './current-user';
import type { AttemptLimiter } from './login-limiter';
import { hashSecret, verifySecret } from './password';
import { deleteExpiredSessions, deleteSession, findLiveSession, insertSession } from './session.repository';
import { hashToken } from './setup.service';
import { findUserByEmail } from './user.repository';

export const SESSION_COOKIE = 'lk_session';
const SESSION_HOURS = 12;

export class LoginFailed extends AppError {
  constructor() {
    super(401, 'login-failed', 'v.email-address-or-password-is-wrong');
  }
}

export class TooManyAttempts extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too-many-attempts', 'v.too-many-attempts', { params: { seconds: retryAfterSeconds } });
  }
}

/**
 * A hash to compare against when the email is unknown, so a wrong email costs as much time as a
 * wrong password and response times do not tell which accounts exist.
 */
let dummyHash: Promise<string> | undefined;

/**
 * Checks an e-mail address and password — attempt limits, a failed attempt in the audit log — and
 * opens nothing: for signing in, and for proving who stops a tablet.
 */
export async function verifyCredentials(
  db: Kysely<DB>,
  deps: { clock: Clock; limiter: AttemptLimiter },
  input: { email: string; password: string; clientKey: string },
) {
  const email = input.email.trim().toLowerCase();
  const keys = [`email:${email}`, `client:${input.clientKey}`];
  const wait = deps.limiter.retryAfter(keys);
  if (wait > 0) throw new TooManyAttempts(Math.ceil(wait / 1000));

  const user = await findUserByEmail(db, email);
  dummyHash ??= hashSecret('not a password');
  const ok = await verifySecret(input.password, user?.password_hash ?? (await dummyHash));
  if (!user || !ok || user.active !== 1) {
    deps.limiter.fail(keys);
    await audit(db, deps.clock, { actorId: user?.id ?? null, action: 'login-failed', subject: email });
    throw new LoginFailed();
  }
  deps.limiter.succeed(keys);
  return user;
}

/**
 * Checks email and password and opens a session. Failures are limited per email address and per
 * client, and audit-logged; the client key is used in memory only.
 */
export async function login(
  db: Kysely<DB>,
  deps: { clock: Clock; limiter: AttemptLimiter },
  input: { email: string; password: string; clientKey: string },
): Promise<{ token: string; user: CurrentUser }> {
  const user = await verifyCredentials(db, deps, input);

  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = deps.clock.now();
  await db.transaction().execute(async (trx) => {
    await insertSession(trx, {
      token_hash: hashToken(token),
      user_id: user.id,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
    });
    await audit(trx, deps.clock, { actorId: user.id, action: 'login', subject: user.email });
  });
  return { token, user: toCurrentUser({ ...user, csrf_token: csrfToken, token_hash: hashToken(token) }) };
}

export async function authenticate(db: Kysely<DB>, clock: Clock, token: string | undefined): Promise<CurrentUser | undefined> {
  if (!token) return undefined;
  const row = await findLiveSession(db, hashToken(token), clock.now().toISOString());
  return row ? toCurrentUser(row) : undefined;
}

export async function logout(db: Kysely<DB>, clock: Clock, user: CurrentUser): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await deleteSession(trx, user.sessionHash);
    await audit(trx, clock, { actorId: user.id, action: 'logout', subject: user.email });
  });
}

/** Expired sessions are refused anyway; this keeps them from piling up in the table. */
export async function purgeExpiredSessions(db: Kysely<DB>, clock: Clock): Promise<void> {
  await deleteExpiredSessions(db, clock.now().toISOString());
}

function toCurrentUser(row: NonNullable<Awaited<ReturnType<typeof findLiveSession>>>): CurrentUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    institutionId: row.institution_id,
    municipalityId: row.municipality_id,
    hasPin: row.pin_hash !== null,
    csrfToken: row.csrf_token,
    sessionHash: row.token_hash,
  };
}
