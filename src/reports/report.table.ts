import type { Insertable, Selectable } from 'kysely';

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
  /** The PDF, base64-encoded (portable across SQLite and PostgreSQL). */
  pdf_base64: string;
  json: string;
  csv: string;
  title: string;
  /** A group report's round. */
  round_id: string | null;
  /** Set on reports the server made by itself; unique, so none is made twice. */
  automatic_key: string | null;
}

export type ReportRow = Selectable<ReportTable>;
export type NewReportRow = Insertable<ReportTable>;
