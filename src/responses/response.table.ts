import type { Insertable, Selectable } from 'kysely';

/** SPEC §4: random ids; no time, order, IP or device. */
export interface ResponseTable {
  id: string;
  round_id: string;
  group_id: string;
  questionnaire_id: string;
  questionnaire_version: number;
}

export interface ResponseAnswerTable {
  response_id: string;
  item_id: string;
  value: number;
}

/** Stored apart from responses, with no link to them (SPEC §4.5). */
export interface OpenAnswerTable {
  id: string;
  round_id: string;
  group_id: string;
  question_id: string;
  text: string;
}

export interface SubmissionReceiptTable {
  submission_id: string;
  round_id: string;
}

export interface AccessCodeTable {
  code_hash: string;
  round_id: string;
  group_id: string;
  sheet_id: string;
  used: number;
}

export interface TalkRequestTable {
  id: string;
  round_id: string;
  group_id: string;
  requested_on: string;
  handled: number;
}

export type ResponseRow = Selectable<ResponseTable>;
export type NewResponseRow = Insertable<ResponseTable>;
export type NewResponseAnswerRow = Insertable<ResponseAnswerTable>;
export type NewOpenAnswerRow = Insertable<OpenAnswerTable>;
