import { sql } from 'kysely';
import type { Database } from '../../src/db/database';
import { insertResponse } from '../../src/responses/response.repository';
import { randomId } from '../../src/system';
import { buildGroupInRound } from '../support/builders';
import { createTestDatabase } from '../support/db';

describe('the sqlite3 Kysely driver', () => {
  let db: Database;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ db, cleanup } = await createTestDatabase());
    await sql`create table counter (id integer primary key, n integer not null)`.execute(db);
    await sql`insert into counter (id, n) values (1, 0)`.execute(db);
  });
  afterEach(() => cleanup());

  const count = async () => Number((await sql<{ n: number }>`select n from counter where id = 1`.execute(db)).rows[0]!.n);

  it('opens the database in WAL mode with synchronous=FULL and foreign keys on', async () => {
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2); // 2 = FULL
    expect(await pragma('foreign_keys')).toBe(1);
  });

  it('reports the number of changed rows and the insert id of a write', async () => {
    const insert = await db.insertInto('audit_log').values({ id: 'a', at: 'now', actor_user_id: null, action: 'x', subject: null, details: null }).executeTakeFirst();
    expect(insert.numInsertedOrUpdatedRows).toBe(1n);
    const update = await db.updateTable('audit_log').set({ action: 'y' }).where('id', '=', 'a').executeTakeFirst();
    expect(update.numUpdatedRows).toBe(1n);
    const none = await db.deleteFrom('audit_log').where('id', '=', 'nope').executeTakeFirst();
    expect(none.numDeletedRows).toBe(0n);
  });

  it('returns rows from insert … returning', async () => {
    const row = await db
      .insertInto('audit_log')
      .values({ id: 'r', at: 'now', actor_user_id: null, action: 'x', subject: null, details: null })
      .returning(['id', 'action'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ id: 'r', action: 'x' });
  });

  it('commits a transaction', async () => {
    await db.transaction().execute(async (trx) => {
      await sql`update counter set n = n + 1`.execute(trx);
      await sql`update counter set n = n + 1`.execute(trx);
    });
    expect(await count()).toBe(2);
  });

  it('rolls a failed transaction back entirely', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`update counter set n = n + 1`.execute(trx);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await count()).toBe(0);
  });

  it('rolls back to a savepoint and keeps what came before it', async () => {
    const trx = await db.startTransaction().execute();
    await sql`update counter set n = 10`.execute(trx);
    const sp = await trx.savepoint('before_mistake').execute();
    await sql`update counter set n = 99`.execute(sp);
    await sp.rollbackToSavepoint('before_mistake').execute();
    await sp.releaseSavepoint('before_mistake').execute();
    await sp.commit().execute();
    expect(await count()).toBe(10);
  });

  it('serialises concurrent transactions so none sees another half-done', async () => {
    // Read-modify-write in each transaction: a lost update would show if two interleaved.
    await Promise.all(
      Array.from({ length: 50 }, () =>
        db.transaction().execute(async (trx) => {
          const n = Number((await sql<{ n: number }>`select n from counter where id = 1`.execute(trx)).rows[0]!.n);
          await new Promise((resolve) => setImmediate(resolve));
          await sql`update counter set n = ${n + 1} where id = 1`.execute(trx);
        }),
      ),
    );
    expect(await count()).toBe(50);
  });

  it('keeps other callers working when one transaction fails among many', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await sql`update counter set n = n + 1`.execute(trx);
          if (i % 4 === 0) throw new Error(`fail ${i}`);
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(5);
    expect(await count()).toBe(15);
  });

  it('streams a large result in chunks', async () => {
    await sql`create table numbers (n integer primary key)`.execute(db);
    await sql`with recursive seq(n) as (select 1 union all select n + 1 from seq where n < 1000) insert into numbers select n from seq`.execute(db);
    let seen = 0;
    let sum = 0;
    for await (const row of db.selectFrom('numbers' as never).select(sql<number>`n`.as('n')).stream(64)) {
      seen += 1;
      sum += (row as { n: number }).n;
    }
    expect(seen).toBe(1000);
    expect(sum).toBe(500500);
  });

  it('passes a streaming error on to the caller', async () => {
    const stream = db.selectFrom('no_such_table' as never).selectAll().stream();
    await expect(
      (async () => {
        for await (const _row of stream) {
          // never reached
        }
      })(),
    ).rejects.toThrow(/no such table/);
    // The connection is released: the database still answers.
    expect(await count()).toBe(0);
  });

  it('writes a response and its answers atomically', async () => {
    const { roundId, groupId, questionnaireId, version } = await buildGroupInRound(db);
    const id = randomId();
    await expect(
      db.transaction().execute(async (trx) => {
        await insertResponse(trx, { id, round_id: roundId, group_id: groupId, questionnaire_id: questionnaireId, questionnaire_version: version }, [
          { item_id: 's01', value: 3 },
          { item_id: 's01', value: 4 }, // duplicate key: the whole response must go
        ]);
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(await db.selectFrom('response').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('response_answer').selectAll().execute()).toEqual([]);
  });

  it('enforces foreign keys', async () => {
    await expect(
      db.insertInto('response').values({ id: randomId(), round_id: 'nope', group_id: 'nope', questionnaire_id: 'x', questionnaire_version: 1 }).execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('waits for a running transaction before closing', async () => {
    let committed = false;
    const work = db.transaction().execute(async (trx) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await sql`update counter set n = 7`.execute(trx);
      committed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    await db.destroy();
    await work;
    expect(committed).toBe(true);
    ({ db, cleanup } = await reopen(cleanup));
  });
});

/** After a test closed the database itself, give afterEach something to close. */
async function reopen(previous: () => Promise<void>) {
  await previous().catch(() => undefined);
  return createTestDatabase();
}

describe('raw statements through the driver', () => {
  it('returns rows from a raw select that starts with a comment', async () => {
    const { db, cleanup } = await createTestDatabase({ migrate: false });
    try {
      expect((await sql.raw('/* why */ select 1 as one').execute(db)).rows).toEqual([{ one: 1 }]);
      expect((await sql.raw('-- why\nselect 2 as two').execute(db)).rows).toEqual([{ two: 2 }]);
    } finally {
      await cleanup();
    }
  });

  it('keeps working past the statement cache size, evicting and re-preparing statements', async () => {
    const { db, cleanup } = await createTestDatabase({ migrate: false });
    try {
      // 100 distinct statements: more than the cache holds, so the first ones are evicted.
      for (let i = 0; i < 100; i++) expect((await db.selectNoFrom(sql<number>`${sql.lit(i)}`.as(`v${i}`)).executeTakeFirstOrThrow())[`v${i}`]).toBe(i);
      expect((await db.selectNoFrom(sql<number>`${sql.lit(0)}`.as('v0')).executeTakeFirstOrThrow()).v0).toBe(0);
    } finally {
      await cleanup(); // closing finalises the cached statements first
    }
  });

  it('reuses prepared statements without mixing up their parameters', async () => {
    const { db, cleanup } = await createTestDatabase();
    try {
      const ids = Array.from({ length: 200 }, (_, i) => `id-${i}`);
      for (const id of ids) await db.insertInto('audit_log').values({ id, at: 'x', actor_user_id: null, action: id, subject: null, details: null }).execute();
      const found = await Promise.all(ids.map((id) => db.selectFrom('audit_log').select('action').where('id', '=', id).executeTakeFirstOrThrow()));
      expect(found.map((r) => r.action)).toEqual(ids);
    } finally {
      await cleanup();
    }
  });
});
