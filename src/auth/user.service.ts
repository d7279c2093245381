import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { ConflictError, fromZodError } from '../errors';
import { randomId, type Clock } from '../system';
import type { Role } from './auth.table';
import { hashSecret } from './password';
import { findUserByEmail, insertUser } from './user.repository';
import { newUserSchema, type NewUser } from './user.schema';

export interface StaffUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
}

export async function createUser(db: Kysely<DB>, input: NewUser, clock: Clock): Promise<StaffUser> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const user = parsed.data;
  // Hash before the transaction: scrypt takes tens of milliseconds and must not hold the lock.
  const passwordHash = await hashSecret(user.password);
  return db.transaction().execute(async (trx) => {
    if (await findUserByEmail(trx, user.email)) {
      throw new ConflictError({ details: [{ path: 'email', message: 'dit e-mailadres is al in gebruik / this email address is already in use' }] });
    }
    const id = randomId();
    await insertUser(trx, {
      id,
      institution_id: user.institutionId ?? null,
      municipality_id: user.municipalityId ?? null,
      email: user.email,
      display_name: user.displayName,
      role: user.role,
      password_hash: passwordHash,
      pin_hash: null,
      active: 1,
      created_at: clock.now().toISOString(),
    });
    return { id, email: user.email, displayName: user.displayName, role: user.role };
  });
}
