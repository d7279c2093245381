import type { Kysely } from 'kysely';

/**
 * Where a young person can get help, shown on the survey's closing screen (SPEC §5). Per
 * institution, ordered; while an institution has none, the server shows its Dutch defaults.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('help_resource')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('text_nl', 'text', (c) => c.notNull())
    .addColumn('text_en', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('help_resource').execute();
}
