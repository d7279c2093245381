import type { Insertable, Selectable } from 'kysely';

export interface ImprovementActionTable {
  id: string;
  round_id: string;
  group_id: string;
  text: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReportTable {
  id: string;
  institution_id: string;
  kind: 'group' | 'period';
  period_from: string;
  period_to: string;
  audience: string;
  municipality_id: string | null;
  group_id: string | null;
  language: string;
  generated_by: string;
  generated_at: string;
  sha256: string;
  pdf: Buffer;
  json: string;
  csv: string;
}

export type ReportRow = Selectable<ReportTable>;
export type NewReportRow = Insertable<ReportTable>;
export type NewImprovementActionRow = Insertable<ImprovementActionTable>;
