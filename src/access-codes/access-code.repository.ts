import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

export async function insertCodes(db: Kysely<DB>, rows: readonly { code_hash: string; round_id: string; group_id: string; sheet_id: string }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await db.insertInto('access_code').values(rows.slice(i, i + 200).map((r) => ({ ...r, used: 0 }))).execute();
  }
}

/**
 * Per sheet: how many codes are still valid or used. Not how many were used per sheet: staff who
 * handed out sheets per person could otherwise learn who took part.
 */
export async function sheetCounts(db: Kysely<DB>, roundId: string) {
  return db
    .selectFrom('access_code')
    .select(['group_id', 'sheet_id', (eb) => eb.fn.countAll<number>().as('codes')])
    .where('round_id', '=', roundId)
    .groupBy(['group_id', 'sheet_id'])
    .execute();
}

/**
 * Voids a sheet (a lost sheet): all its codes go. Used ones could not be used again anyway, and
 * keeping them would let the page or a count show how many of that sheet's codes were used.
 */
export async function voidSheet(db: Kysely<DB>, roundId: string, sheetId: string): Promise<void> {
  await db.deleteFrom('access_code').where('round_id', '=', roundId).where('sheet_id', '=', sheetId).execute();
}
