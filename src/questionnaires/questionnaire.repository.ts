import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewQuestionnaireVersionRow, QuestionnaireVersionRow } from './questionnaire.table';

export async function listVersions(db: Kysely<DB>): Promise<QuestionnaireVersionRow[]> {
  return db.selectFrom('questionnaire_version').selectAll().execute();
}

export async function insertVersion(db: Kysely<DB>, row: NewQuestionnaireVersionRow): Promise<void> {
  await db.insertInto('questionnaire_version').values(row).execute();
}
