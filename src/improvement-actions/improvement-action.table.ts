import type { Insertable } from 'kysely';

/** What a team will do with a round's result (SPEC §3). */
export interface ImprovementActionTable {
  id: string;
  round_id: string;
  group_id: string;
  text: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export type NewImprovementActionRow = Insertable<ImprovementActionTable>;
