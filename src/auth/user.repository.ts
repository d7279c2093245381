import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewStaffUserRow, StaffUserRow } from './auth.table';

export async function findUserByEmail(db: Kysely<DB>, email: string): Promise<StaffUserRow | undefined> {
  return db.selectFrom('staff_user').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function insertUser(db: Kysely<DB>, row: NewStaffUserRow): Promise<void> {
  await db.insertInto('staff_user').values(row).execute();
}
