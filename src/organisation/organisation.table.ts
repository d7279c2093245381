import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface InstitutionTable {
  id: string;
  name: string;
  cadence_months: number;
  created_at: string;
}

export interface LocationTable {
  id: string;
  institution_id: string;
  name: string;
}

export interface MunicipalityTable {
  id: string;
  institution_id: string;
  name: string;
  /** The period-report schedule: every 6 or 12 months (calendar half-years or years), or none. */
  report_every_months: number | null;
  report_language: Generated<string>;
}

export interface MunicipalityLocationTable {
  municipality_id: string;
  location_id: string;
}

export interface LivingGroupTable {
  id: string;
  location_id: string;
  name: string;
  places: number;
  questionnaire_id: string;
  /** 0 or 1. */
  active: number;
}

export type InstitutionRow = Selectable<InstitutionTable>;
export type NewInstitutionRow = Insertable<InstitutionTable>;
export type LocationRow = Selectable<LocationTable>;
export type NewLocationRow = Insertable<LocationTable>;
export type LivingGroupRow = Selectable<LivingGroupTable>;
export type NewLivingGroupRow = Insertable<LivingGroupTable>;
export type LivingGroupUpdate = Updateable<LivingGroupTable>;

export interface HelpResourceTable {
  id: string;
  institution_id: string;
  position: number;
  name: string;
  /** A phone number, web address or chat name, as the young person should use it. */
  contact: string;
  text_nl: string;
  text_en: string;
}

export type HelpResourceRow = Selectable<HelpResourceTable>;
