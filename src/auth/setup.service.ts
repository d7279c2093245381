import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Clock } from '../system';
import { countAdministrators, replaceSetupToken } from './setup.repository';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * While no administrator exists, every start makes a fresh one-time setup token (older ones stop
 * working) and returns it, for the start-up message. Only its hash is stored.
 */
export async function issueSetupTokenIfNeeded(db: Kysely<DB>, clock: Clock): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    if ((await countAdministrators(trx)) > 0) return undefined;
    const token = randomBytes(24).toString('base64url');
    await replaceSetupToken(trx, hashToken(token), clock.now().toISOString());
    return token;
  });
}
