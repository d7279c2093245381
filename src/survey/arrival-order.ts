import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../db/database';
import type { DB } from '../db/schema';

/**
 * No order (SPEC §4.2) below the application, too.
 *
 * On SQLite the anonymous tables are WITHOUT ROWID: rows live in the order of their random keys
 * and nothing records when they came. PostgreSQL keeps, beside every row, the transaction that
 * wrote it (`xmin`) and its place in the table's file (`ctid`); both follow the order in which
 * young people sent their answers, and the transaction of a used code or a talk request matches
 * that of the response written with it. So when a round closes, in the transaction that closes
 * it, its rows are written anew in the order of their random keys: afterwards every row of the
 * round carries the same transaction and a place that says nothing about its arrival. The old row
 * versions are dead from then on and VACUUM clears them (`vacuumAnonymousTables`).
 *
 * While a round is open, the order is still in PostgreSQL's row headers; only someone reading the
 * database server's files or its system columns could see it, not staff through the server.
 */
export async function forgetArrivalOrder(trx: Kysely<DB>, roundId: string): Promise<void> {
  if (!isPostgres(trx)) return;
  // Answers go with their response (cascade), so they are kept aside first.
  await sql`create temporary table lk_round_answers on commit drop as
    select a.* from response_answer a join response r on r.id = a.response_id where r.round_id = ${roundId}`.execute(trx);
  await sql`create temporary table lk_round_responses on commit drop as select * from response where round_id = ${roundId}`.execute(trx);
  await sql`delete from response where round_id = ${roundId}`.execute(trx);
  await sql`insert into response select * from lk_round_responses order by id`.execute(trx);
  await sql`insert into response_answer select * from lk_round_answers order by response_id, item_id`.execute(trx);
  await sql`drop table lk_round_answers, lk_round_responses`.execute(trx);
  for (const [table, key] of [
    ['open_answer', 'id'],
    ['submission_receipt', 'submission_id'],
    ['talk_request', 'id'],
  ] as const) {
    await sql`with gone as (delete from ${sql.table(table)} where round_id = ${roundId} returning *)
      insert into ${sql.table(table)} select * from gone order by ${sql.ref(key)}`.execute(trx);
  }
  // A code's row was last written with the response it let in.
  await sql`update access_code set used = used where round_id = ${roundId}`.execute(trx);
}

/** Clears the row versions `forgetArrivalOrder` left dead; outside any transaction. */
export async function vacuumAnonymousTables(db: Kysely<DB>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`vacuum response, response_answer, open_answer, submission_receipt, talk_request, access_code`.execute(db);
}
