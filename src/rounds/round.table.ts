import type { Insertable, Selectable } from 'kysely';

export type RoundStatus = 'planned' | 'open' | 'closed';

export interface RoundTable {
  id: string;
  institution_id: string;
  /** `2026-H2`, `2027-Q1`, … */
  period: string;
  opens_on: string;
  closes_on: string;
  status: RoundStatus;
}

export interface RoundGroupTable {
  round_id: string;
  group_id: string;
  questionnaire_id: string;
  /** Null while the round is planned; fixed when it opens. */
  questionnaire_version: number | null;
}

export type RoundRow = Selectable<RoundTable>;
export type NewRoundRow = Insertable<RoundTable>;
export type NewRoundGroupRow = Insertable<RoundGroupTable>;
