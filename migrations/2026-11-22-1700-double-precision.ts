import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * `real` is SQLite's 8-byte floating point but PostgreSQL's 4-byte one: about seven digits, so
 * sums of squares over many responses (and the means, intervals and alphas made from them) would
 * drift. On PostgreSQL the summary's floating-point columns become `double precision`, the same
 * as SQLite's `real`; on SQLite nothing changes.
 */
function isPostgres(db: Kysely<any>): boolean {
  for (let p = Object.getPrototypeOf(db.getExecutor().adapter); p; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === PostgresAdapter.name) return true;
  }
  return false;
}

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`alter table scale_result alter column sum type double precision, alter column sum_squares type double precision, alter column alpha type double precision`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`alter table scale_result alter column sum type real, alter column sum_squares type real, alter column alpha type real`.execute(db);
}
