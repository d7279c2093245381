import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The report archive and the municipalities' report schedules (SPEC §6).
 * - `report.title`: what the archive lists; `report.round_id`: a group report's round.
 * - `report.automatic_key`: set on reports the server makes by itself (a group's report for a
 *   closed round, a municipality's scheduled period report), unique, so two processes — or a
 *   scheduler run and a manual close — never make the same one twice.
 * - `municipality.report_every_months` (6, 12, or none) and `report_language`: the municipality's
 *   period-report schedule.
 * - Reports are never changed or deleted: the database refuses it, not only the code.
 */
/**
 * By the adapter's class name along its prototype chain, not `instanceof`: a second copy of Kysely
 * (a test runner's module registry) has its own PostgresAdapter class, and a silent `false` would
 * run SQLite's triggers on PostgreSQL.
 */
function isPostgres(db: Kysely<any>): boolean {
  for (let p = Object.getPrototypeOf(db.getExecutor().adapter); p; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === PostgresAdapter.name) return true;
  }
  return false;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('report').addColumn('title', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('report').addColumn('round_id', 'text', (c) => c.references('round.id')).execute();
  await db.schema.alterTable('report').addColumn('automatic_key', 'text').execute();
  await db.schema.createIndex('report_automatic_key').unique().on('report').column('automatic_key').execute();
  await db.schema.createIndex('report_institution_time').on('report').columns(['institution_id', 'generated_at']).execute();
  await db.schema.createIndex('report_municipality').on('report').columns(['municipality_id', 'generated_at']).execute();

  await db.schema.alterTable('municipality').addColumn('report_every_months', 'integer').execute();
  await db.schema.alterTable('municipality').addColumn('report_language', 'text', (c) => c.notNull().defaultTo('nl')).execute();

  if (isPostgres(db)) {
    await sql`create function report_immutable() returns trigger language plpgsql as $$ begin raise exception 'reports are never changed'; end $$`.execute(db);
    await sql`create trigger report_never_changed before update or delete on report for each row execute function report_immutable()`.execute(db);
  } else {
    await sql`create trigger report_never_updated before update on report begin select raise(abort, 'reports are never changed'); end`.execute(db);
    await sql`create trigger report_never_deleted before delete on report begin select raise(abort, 'reports are never changed'); end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger report_never_changed on report`.execute(db);
    await sql`drop function report_immutable()`.execute(db);
  } else {
    await sql`drop trigger report_never_updated`.execute(db);
    await sql`drop trigger report_never_deleted`.execute(db);
  }
  await db.schema.alterTable('municipality').dropColumn('report_language').execute();
  await db.schema.alterTable('municipality').dropColumn('report_every_months').execute();
  await db.schema.dropIndex('report_municipality').execute();
  await db.schema.dropIndex('report_institution_time').execute();
  await db.schema.dropIndex('report_automatic_key').execute();
  await db.schema.alterTable('report').dropColumn('automatic_key').execute();
  await db.schema.alterTable('report').dropColumn('round_id').execute();
  await db.schema.alterTable('report').dropColumn('title').execute();
}
