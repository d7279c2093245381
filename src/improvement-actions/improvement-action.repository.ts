import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewImprovementActionRow } from './improvement-action.table';

export async function insertImprovementAction(db: Kysely<DB>, row: NewImprovementActionRow): Promise<void> {
  await db.insertInto('improvement_action').values(row).execute();
}

export async function updateImprovementAction(db: Kysely<DB>, id: string, text: string, updatedAt: string): Promise<void> {
  await db.updateTable('improvement_action').set({ text, updated_at: updatedAt }).where('id', '=', id).execute();
}

export async function findImprovementAction(db: Kysely<DB>, groupId: string, id: string) {
  return db.selectFrom('improvement_action').select(['id', 'round_id']).where('id', '=', id).where('group_id', '=', groupId).executeTakeFirst();
}
