import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { ConflictError } from '../errors';

/**
 * A consistent copy of the SQLite database while the server keeps running: VACUUM INTO reads one
 * snapshot (WAL lets writers go on) and writes a compact, self-contained file.
 */
export async function backupSqlite(db: Kysely<DB>, target: string): Promise<{ file: string; bytes: number }> {
  const file = path.resolve(target);
  if (fs.existsSync(file)) {
    throw new ConflictError({ message: `Het bestand ${file} bestaat al. / The file ${file} already exists.` });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sql`vacuum into ${file}`.execute(db);
  return { file, bytes: fs.statSync(file).size };
}

/** `data/backups/leefklimaat-20261122-143000.sqlite` */
export function defaultBackupName(dataDir: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return path.join(dataDir, 'backups', `leefklimaat-${stamp}.sqlite`);
}
