import fs from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { ConflictError } from '../errors';

/**
 * A consistent copy of the SQLite database while the server keeps running: VACUUM INTO reads one
 * snapshot (WAL lets writers go on) and writes a compact, self-contained file.
 */
export async function backupSqlite(db: Kysely<DB>, target: string, secretFile?: string): Promise<{ file: string; bytes: number; keyFile?: string }> {
  const file = path.resolve(target);
  const keyFile = secretFile === undefined ? undefined : `${file}.key`;
  for (const f of [file, keyFile]) {
    if (f !== undefined && fs.existsSync(f)) throw new ConflictError({ message: `Het bestand ${f} bestaat al. / The file ${f} already exists.` });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sql`vacuum into ${file}`.execute(db);
  // The server key goes with it: without it the printed codes in the copy are useless.
  if (secretFile !== undefined && keyFile !== undefined) fs.copyFileSync(secretFile, keyFile, fs.constants.COPYFILE_EXCL);
  if (keyFile !== undefined) fs.chmodSync(keyFile, 0o600);
  return { file, bytes: fs.statSync(file).size, keyFile };
}

/** `data/backups/leefklimaat-20261122-143000.sqlite` */
export function defaultBackupName(dataDir: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return path.join(dataDir, 'backups', `leefklimaat-${stamp}.sqlite`);
}
