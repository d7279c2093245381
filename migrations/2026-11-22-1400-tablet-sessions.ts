import type { Kysely } from 'kysely';

/**
 * Tablet mode (SPEC §5): a group leader turns a browser into the group's survey tablet for one open
 * round. Only the token's hash is kept, with who started it (for the audit trail and for leaving by
 * PIN). Nothing here refers to a response, and no response refers to it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tablet_session')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull().references('staff_user.id').onDelete('cascade'))
    .addForeignKeyConstraint('tablet_session_round_group_fk', ['round_id', 'group_id'], 'round_group', ['round_id', 'group_id'], (fk) => fk.onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tablet_session').execute();
}
