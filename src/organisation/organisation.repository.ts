import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewInstitutionRow, NewLivingGroupRow, NewLocationRow } from './organisation.table';

export async function insertInstitution(db: Kysely<DB>, row: NewInstitutionRow): Promise<void> {
  await db.insertInto('institution').values(row).execute();
}

export async function insertLocation(db: Kysely<DB>, row: NewLocationRow): Promise<void> {
  await db.insertInto('location').values(row).execute();
}

export async function insertGroup(db: Kysely<DB>, row: NewLivingGroupRow): Promise<void> {
  await db.insertInto('living_group').values(row).execute();
}

export async function countInstitutions(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('institution')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
