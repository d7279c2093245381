import fs from 'node:fs';
import { sql } from 'kysely';
import { checkpointInBackground, type Database } from '../../src/db/database';
import { createTestDatabase } from '../support/db';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 20 rows of 4 kB committed to the WAL only; returns the database file's size before any checkpoint. */
async function fillWal(db: Database, file: string): Promise<number> {
  await sql`create table filler (x text)`.execute(db);
  await sql`pragma wal_checkpoint(truncate)`.execute(db);
  await sql`pragma wal_autocheckpoint = 0`.execute(db);
  for (let i = 0; i < 20; i++) await sql`insert into filler values (${'x'.repeat(4000)})`.execute(db);
  return fs.statSync(file).size;
}

/**
 * Committed pages wait in the WAL until a checkpoint copies them into the database file. That copy
 * slows the commits beside it, so the server waits for a quiet moment — but not for ever.
 */
describe('background checkpoints', () => {
  it('wait while answers come in, and copy the WAL into the database file once it is quiet', async () => {
    const { db, file: sqliteFile, cleanup } = await createTestDatabase({ migrate: false });
    const file = sqliteFile!;
    try {
      const before = await fillWal(db, file);

      let quiet = false;
      const timer = checkpointInBackground(db, { quiet: () => quiet, everyMs: 20, atMostMs: 60_000 });
      try {
        await sleep(200);
        expect(fs.statSync(file).size).toBe(before);
        quiet = true;
        await sleep(200);
        expect(fs.statSync(file).size).toBeGreaterThan(before + 20 * 4000);
      } finally {
        clearInterval(timer);
      }
    } finally {
      await cleanup();
    }
  });

  it('do not wait longer than the limit while it stays busy', async () => {
    const { db, file: sqliteFile, cleanup } = await createTestDatabase({ migrate: false });
    const file = sqliteFile!;
    try {
      const before = await fillWal(db, file);
      const timer = checkpointInBackground(db, { quiet: () => false, everyMs: 20, atMostMs: 100 });
      try {
        await sleep(300);
        expect(fs.statSync(file).size).toBeGreaterThan(before + 20 * 4000);
      } finally {
        clearInterval(timer);
      }
    } finally {
      await cleanup();
    }
  });
});
