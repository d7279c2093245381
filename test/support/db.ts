import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
