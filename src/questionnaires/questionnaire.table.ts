import type { Insertable, Selectable } from 'kysely';

export interface QuestionnaireVersionTable {
  questionnaire_id: string;
  version: number;
  sha256: string;
  /** The validated definition as JSON, kept so old rounds stay readable if the file goes. */
  definition: string;
  registered_at: string;
}

export type QuestionnaireVersionRow = Selectable<QuestionnaireVersionTable>;
export type NewQuestionnaireVersionRow = Insertable<QuestionnaireVersionTable>;
