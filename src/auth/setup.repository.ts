import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

/** Active administrators: of the whole installation, or of one institution. */
export async function countAdministrators(db: Kysely<DB>, institutionId?: string): Promise<number> {
  let query = db
    .selectFrom('staff_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'administrator')
    .where('active', '=', 1);
  if (institutionId) query = query.where('institution_id', '=', institutionId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function replaceSetupToken(db: Kysely<DB>, tokenHash: string, createdAt: string): Promise<void> {
  await db.deleteFrom('setup_token').execute();
  await db.insertInto('setup_token').values({ token_hash: tokenHash, created_at: createdAt, used: 0 }).execute();
}

/** Marks the token used, only if it is still unused: the affected-row count says who won. */
export async function claimSetupToken(db: Kysely<DB>, tokenHash: string): Promise<boolean> {
  const result = await db.updateTable('setup_token').set({ used: 1 }).where('token_hash', '=', tokenHash).where('used', '=', 0).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function isSetupTokenUsable(db: Kysely<DB>, tokenHash: string): Promise<boolean> {
  const row = await db.selectFrom('setup_token').select('used').where('token_hash', '=', tokenHash).executeTakeFirst();
  return row?.used === 0;
}
