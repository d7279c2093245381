import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { audit } from '../audit/audit.service';
import type { DB } from '../db/schema';
import { AppError, fromZodError } from '../errors';
import { insertInstitution, firstInstitutionId } from '../organisation/organisation.repository';
import { randomId, type Clock } from '../system';
import { hashSecret } from './password';
import { claimSetupToken, countAdministrators, isSetupTokenUsable, replaceSetupToken } from './setup.repository';
import { insertUser } from './user.repository';
import { passwordSchema } from './user.schema';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SetupLinkInvalid extends AppError {
  constructor() {
    super(404, 'setup-link-invalid', 'v.this-link-is-not-valid-any');
  }
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

export async function setupLinkUsable(db: Kysely<DB>, token: string): Promise<boolean> {
  return (await isSetupTokenUsable(db, hashToken(token))) && (await countAdministrators(db)) === 0;
}

export const setupSchema = z.object({
  institution: z.string().trim().min(1).max(160),
  displayName: z.string().trim().min(1).max(120),
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  password: passwordSchema,
});

/**
 * Creates the institution (when there is none yet) and the first administrator, using up the
 * one-time token. All or nothing: a second use of the link, even at the same moment, fails.
 */
export async function completeSetup(db: Kysely<DB>, clock: Clock, token: string, input: unknown): Promise<{ userId: string }> {
  const parsed = setupSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const form = parsed.data;
  const passwordHash = await hashSecret(form.password);
  return db.transaction().execute(async (trx) => {
    if ((await countAdministrators(trx)) > 0 || !(await claimSetupToken(trx, hashToken(token)))) throw new SetupLinkInvalid();
    const now = clock.now().toISOString();
    let institutionId = await firstInstitutionId(trx);
    if (!institutionId) {
      institutionId = randomId();
      await insertInstitution(trx, { id: institutionId, name: form.institution, cadence_months: 6, created_at: now });
    }
    const userId = randomId();
    await insertUser(trx, {
      id: userId,
      institution_id: institutionId,
      municipality_id: null,
      email: form.email,
      display_name: form.displayName,
      role: 'administrator',
      password_hash: passwordHash,
      pin_hash: null,
      active: 1,
      created_at: now,
    });
    await audit(trx, clock, { actorId: userId, action: 'setup-administrator', subject: form.email });
    return { userId };
  });
}
