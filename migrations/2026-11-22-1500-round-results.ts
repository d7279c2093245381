import type { Kysely } from 'kysely';

/**
 * Results of closed rounds, summarised once per group when the round closes (SPEC §6). A closed
 * round never changes, so pages, exports and reports read these sums instead of every answer:
 * a location or the institution adds the sums of the groups that meet k on their own.
 *
 * Nothing here is shown directly: the results service decides, with k, what may be seen.
 * - `group_result`: responses, and the group's places when the summary was made (normally
 *   minutes after the round closed; for rounds closed before this version, at the upgrade).
 * - `scale_result`: per scale (and the instrument's total) the respondents' scale scores as
 *   n, Σ score and Σ score², and Cronbach's alpha over the respondents who answered every item
 *   of the scale (`alpha_n` of them: alpha is shown only when that number meets k too).
 * - `item_result`: how often each answer was given to each item.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('group_result')
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('questionnaire_id', 'text', (c) => c.notNull())
    .addColumn('questionnaire_version', 'integer', (c) => c.notNull())
    .addColumn('responses', 'integer', (c) => c.notNull())
    .addColumn('places', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_result_pk', ['round_id', 'group_id'])
    .addForeignKeyConstraint('group_result_round_group_fk', ['round_id', 'group_id'], 'round_group', ['round_id', 'group_id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('group_result_group').on('group_result').columns(['group_id', 'round_id']).execute();

  await db.schema
    .createTable('scale_result')
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('scale_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('sum', 'real', (c) => c.notNull())
    .addColumn('sum_squares', 'real', (c) => c.notNull())
    .addColumn('alpha', 'real')
    .addColumn('alpha_n', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('scale_result_pk', ['round_id', 'group_id', 'scale_id'])
    .addForeignKeyConstraint('scale_result_group_fk', ['round_id', 'group_id'], 'group_result', ['round_id', 'group_id'], (fk) => fk.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('item_result')
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('value', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('item_result_pk', ['round_id', 'group_id', 'item_id', 'value'])
    .addForeignKeyConstraint('item_result_group_fk', ['round_id', 'group_id'], 'group_result', ['round_id', 'group_id'], (fk) => fk.onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('item_result').execute();
  await db.schema.dropTable('scale_result').execute();
  await db.schema.dropTable('group_result').execute();
}
