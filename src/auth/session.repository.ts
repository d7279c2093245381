import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { StaffUserRow } from './auth.table';

export async function insertSession(
  db: Kysely<DB>,
  row: { token_hash: string; user_id: string; csrf_token: string; created_at: string; expires_at: string },
): Promise<void> {
  await db.insertInto('staff_session').values(row).execute();
}

/** The session and its (active) user, when the session has not expired. */
export async function findLiveSession(
  db: Kysely<DB>,
  tokenHash: string,
  now: string,
): Promise<(StaffUserRow & { csrf_token: string; token_hash: string }) | undefined> {
  return db
    .selectFrom('staff_session')
    .innerJoin('staff_user', 'staff_user.id', 'staff_session.user_id')
    .selectAll('staff_user')
    .select(['staff_session.csrf_token', 'staff_session.token_hash'])
    .where('staff_session.token_hash', '=', tokenHash)
    .where('staff_session.expires_at', '>', now)
    .where('staff_user.active', '=', 1)
    .executeTakeFirst();
}

export async function deleteSession(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.deleteFrom('staff_session').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of a user but one (after a password change), or all of them. */
export async function deleteUserSessions(db: Kysely<DB>, userId: string, except?: string): Promise<void> {
  let query = db.deleteFrom('staff_session').where('user_id', '=', userId);
  if (except) query = query.where('token_hash', '!=', except);
  await query.execute();
}

export async function deleteExpiredSessions(db: Kysely<DB>, now: string): Promise<void> {
  await db.deleteFrom('staff_session').where('expires_at', '<=', now).execute();
}
