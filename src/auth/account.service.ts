import type { Kysely } from 'kysely';
import { audit } from '../audit/audit.service';
import type { DB } from '../db/schema';
import { ValidationError } from '../errors';
import type { Clock } from '../system';
import type { CurrentUser } from './current-user';
import { hashSecret, verifySecret } from './password';
import { deleteUserSessions } from './session.repository';
import { findUserById, updateUserSecrets } from './user.repository';

export class WrongPassword extends ValidationError {
  constructor() {
    super({ details: [{ path: 'currentPassword', message: 'v.the-current-password-is-wrong' }] });
  }
}

/** A new password needs the current one; other sessions end, this one stays. */
export async function changePassword(db: Kysely<DB>, clock: Clock, user: CurrentUser, current: string, next: string): Promise<void> {
  const row = await findUserById(db, user.id);
  if (!row || !(await verifySecret(current, row.password_hash))) throw new WrongPassword();
  const hash = await hashSecret(next);
  await db.transaction().execute(async (trx) => {
    await updateUserSecrets(trx, user.id, { password_hash: hash });
    await deleteUserSessions(trx, user.id, user.sessionHash);
    await audit(trx, clock, { actorId: user.id, action: 'password-changed', subject: user.email });
  });
}

export async function setPin(db: Kysely<DB>, clock: Clock, user: CurrentUser, pin: string): Promise<void> {
  const hash = await hashSecret(pin);
  await db.transaction().execute(async (trx) => {
    await updateUserSecrets(trx, user.id, { pin_hash: hash });
    await audit(trx, clock, { actorId: user.id, action: 'pin-changed', subject: user.email });
  });
}
