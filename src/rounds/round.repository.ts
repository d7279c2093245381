import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewRoundGroupRow, NewRoundRow } from './round.table';

export async function insertRound(db: Kysely<DB>, row: NewRoundRow): Promise<void> {
  await db.insertInto('round').values(row).execute();
}

export async function insertRoundGroups(db: Kysely<DB>, rows: readonly NewRoundGroupRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('round_group').values([...rows]).execute();
}
