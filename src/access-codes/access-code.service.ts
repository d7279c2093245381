import type { Kysely } from 'kysely';
import { audit } from '../audit/audit.service';
import type { CurrentUser } from '../auth/current-user';
import type { DB } from '../db/schema';
import { NotFoundError, ValidationError } from '../errors';
import { institutionOf } from '../organisation/organisation.service';
import { listRoundGroups, findRound } from '../rounds/round.repository';
import { randomId, type Clock } from '../system';
import { generateCode, hashCode } from './access-code';
import { insertCodes, sheetCounts, voidSheet } from './access-code.repository';

export interface CodeSheet {
  readonly sheetId: string;
  readonly period: string;
  readonly groupName: string;
  readonly locationName: string;
  readonly codes: readonly string[];
}

/**
 * A sheet of one-time codes for one group in a planned or open round: places + spares. The codes
 * are returned once, for printing; only their hashes are kept, with no link to any response.
 */
export async function generateSheet(db: Kysely<DB>, clock: Clock, secret: Buffer, user: CurrentUser, roundId: string, groupId: string, spares: number): Promise<CodeSheet> {
  return db.transaction().execute(async (trx) => {
    const round = await findRound(trx, institutionOf(user), roundId);
    if (!round) throw new NotFoundError();
    if (round.status === 'closed') throw new ValidationError({ message: 'v.this-round-is-closed' });
    const group = (await listRoundGroups(trx, [roundId])).find((g) => g.group_id === groupId);
    if (!group) throw new ValidationError({ details: [{ path: 'groupId', message: 'v.this-group-is-not-in-this' }] });
    const codes = new Set<string>();
    while (codes.size < group.places + spares) codes.add(generateCode());
    const sheetId = randomId();
    await insertCodes(trx, [...codes].map((code) => ({ code_hash: hashCode(secret, code), round_id: roundId, group_id: groupId, sheet_id: sheetId })));
    await audit(trx, clock, { actorId: user.id, action: 'codes-generated', subject: round.period, details: { group: group.group_name, codes: codes.size } });
    return { sheetId, period: round.period, groupName: group.group_name, locationName: group.location_name, codes: [...codes] };
  });
}

export async function listSheets(db: Kysely<DB>, user: CurrentUser, roundId: string) {
  const round = await findRound(db, institutionOf(user), roundId);
  if (!round) throw new NotFoundError();
  return (await sheetCounts(db, roundId)).map((s) => ({ groupId: s.group_id, sheetId: s.sheet_id, codes: Number(s.codes) }));
}

export async function voidCodeSheet(db: Kysely<DB>, clock: Clock, user: CurrentUser, roundId: string, sheetId: string): Promise<void> {
  return db.transaction().execute(async (trx) => {
    const round = await findRound(trx, institutionOf(user), roundId);
    if (!round) throw new NotFoundError();
    await voidSheet(trx, roundId, sheetId);
    await audit(trx, clock, { actorId: user.id, action: 'codes-voided', subject: round.period });
  });
}
