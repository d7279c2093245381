import { randomBytes } from 'node:crypto';
import { generateCode, hashCode } from '../../src/access-codes/access-code';
import { insertCodes } from '../../src/access-codes/access-code.repository';
import { hashToken } from '../../src/auth/setup.service';
import type { Database } from '../../src/db/database';
import type { Questionnaire } from '../../src/questionnaires/questionnaire';
import { TABLET_COOKIE } from '../../src/survey/survey.service';
import { randomId } from '../../src/system';

/** A browser in tablet mode for a group's round, as `POST /tablet/start` would leave it: the cookie to send. */
export async function tabletCookie(db: Database, roundId: string, groupId: string, startedBy: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insertInto('tablet_session').values({ token_hash: hashToken(token), round_id: roundId, group_id: groupId, started_by: startedBy }).execute();
  return `${TABLET_COOKIE}=${token}`;
}

/** Printed one-time codes for a group in a round (a sheet without the PDF). */
export async function issueCodes(db: Database, secret: Buffer, roundId: string, groupId: string, count: number): Promise<string[]> {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(generateCode());
  const sheetId = randomId();
  await insertCodes(db, [...codes].map((code) => ({ code_hash: hashCode(secret, code), round_id: roundId, group_id: groupId, sheet_id: sheetId })));
  return [...codes];
}

/** A complete JSON submission for a questionnaire: every item answered with `value(item, index)`. */
export function submissionFor(q: Questionnaire, roundId: string, groupId: string, value: (index: number) => number = () => q.responseScale.min) {
  return {
    submissionId: randomId(),
    roundId,
    groupId,
    answers: Object.fromEntries(q.items.map((item, i) => [item.id, value(i)])),
    open: {} as Record<string, string>,
  };
}
