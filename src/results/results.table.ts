/** Summaries of closed rounds per group (see the migration `round-results`). Never shown unfiltered. */
export interface GroupResultTable {
  round_id: string;
  group_id: string;
  questionnaire_id: string;
  questionnaire_version: number;
  responses: number;
  places: number;
}

export interface ScaleResultTable {
  round_id: string;
  group_id: string;
  scale_id: string;
  n: number;
  sum: number;
  sum_squares: number;
  alpha: number | null;
  alpha_n: number;
}

export interface ItemResultTable {
  round_id: string;
  group_id: string;
  item_id: string;
  value: number;
  count: number;
}
