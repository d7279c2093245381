import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrator';

/** A fresh database file in its own temporary folder, migrated with the real migrations. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<{ db: Database; file: string; cleanup: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leefklimaat-test-'));
  const file = path.join(dir, 'test.sqlite');
  const db = openDatabase({ kind: 'sqlite', file });
  if (options.migrate !== false) await migrateToLatest(db);
  return {
    db,
    file,
    cleanup: async () => {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A clock that stands still until a test moves it. */
export function fixedClock(iso: string) {
  let now = new Date(iso);
  return {
    now: () => new Date(now),
    set: (next: string) => {
      now = new Date(next);
    },
  };
}

/** Every text value the database holds, with its table and column: for "is it stored anywhere?". */
export async function everyStoredValue(db: Database): Promise<{ table: string; column: string; value: string }[]> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
  const values: { table: string; column: string; value: string }[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    for (const row of rows.rows) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value === 'string') values.push({ table: name, column, value });
        else if (Buffer.isBuffer(value)) values.push({ table: name, column, value: value.toString('latin1') });
      }
    }
  }
  return values;
}
