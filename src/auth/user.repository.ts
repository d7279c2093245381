import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewStaffUserRow, StaffUserRow } from './auth.table';

export async function findUserByEmail(db: Kysely<DB>, email: string): Promise<StaffUserRow | undefined> {
  return db.selectFrom('staff_user').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function insertUser(db: Kysely<DB>, row: NewStaffUserRow): Promise<void> {
  await db.insertInto('staff_user').values(row).execute();
}

export async function findUserById(db: Kysely<DB>, id: string): Promise<StaffUserRow | undefined> {
  return db.selectFrom('staff_user').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateUserSecrets(db: Kysely<DB>, id: string, changes: { password_hash?: string; pin_hash?: string }): Promise<void> {
  await db.updateTable('staff_user').set(changes).where('id', '=', id).execute();
}

export async function listUsers(db: Kysely<DB>, institutionId: string): Promise<StaffUserRow[]> {
  return db.selectFrom('staff_user').selectAll().where('institution_id', '=', institutionId).orderBy('display_name').execute();
}

export async function listUserGroupIds(db: Kysely<DB>, userIds: readonly string[]): Promise<{ user_id: string; group_id: string }[]> {
  if (userIds.length === 0) return [];
  return db.selectFrom('staff_user_group').select(['user_id', 'group_id']).where('user_id', 'in', [...userIds]).execute();
}

export async function replaceUserGroups(db: Kysely<DB>, userId: string, groupIds: readonly string[]): Promise<void> {
  await db.deleteFrom('staff_user_group').where('user_id', '=', userId).execute();
  if (groupIds.length > 0) await db.insertInto('staff_user_group').values(groupIds.map((group_id) => ({ user_id: userId, group_id }))).execute();
}

export async function updateUser(
  db: Kysely<DB>,
  id: string,
  changes: { email: string; display_name: string; role: StaffUserRow['role']; active: number; municipality_id: string | null; password_hash?: string },
): Promise<void> {
  await db.updateTable('staff_user').set(changes).where('id', '=', id).execute();
}
