import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewImprovementActionRow } from './improvement-action.table';

export async function insertImprovementAction(db: Kysely<DB>, row: NewImprovementActionRow): Promise<void> {
  await db.insertInto('improvement_action').values(row).execute();
}
