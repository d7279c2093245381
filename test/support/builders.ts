import type { Database } from '../../src/db/database';
import { insertGroup, insertInstitution, insertLocation } from '../../src/organisation/organisation.repository';
import { insertRound, insertRoundGroups } from '../../src/rounds/round.repository';
import { randomId } from '../../src/system';

/**
 * Small builders: each test makes exactly the rows it needs. A questionnaire version row is
 * inserted directly so the builders do not depend on the files in surveys/.
 */
export async function buildGroupInRound(db: Database, options: { questionnaireId?: string; version?: number } = {}) {
  const questionnaireId = options.questionnaireId ?? 'test-q';
  const version = options.version ?? 1;
  const institutionId = randomId();
  const locationId = randomId();
  const groupId = randomId();
  const roundId = randomId();
  await db
    .insertInto('questionnaire_version')
    .values({ questionnaire_id: questionnaireId, version, sha256: 'x'.repeat(64), definition: '{}', registered_at: '2026-01-01T00:00:00.000Z' })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await insertInstitution(db, { id: institutionId, name: 'Testinstelling', cadence_months: 6, created_at: '2026-01-01T00:00:00.000Z' });
  await insertLocation(db, { id: locationId, institution_id: institutionId, name: 'Locatie' });
  await insertGroup(db, { id: groupId, location_id: locationId, name: 'Groep', places: 8, questionnaire_id: questionnaireId, active: 1 });
  await insertRound(db, { id: roundId, institution_id: institutionId, period: '2026-H2', opens_on: '2026-10-01', closes_on: '2026-10-31', status: 'open' });
  await insertRoundGroups(db, [{ round_id: roundId, group_id: groupId, questionnaire_id: questionnaireId, questionnaire_version: version }]);
  return { institutionId, locationId, groupId, roundId, questionnaireId, version };
}
