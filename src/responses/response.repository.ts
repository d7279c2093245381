import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { NewOpenAnswerRow, NewResponseAnswerRow, NewResponseRow } from './response.table';

/** SQLite allows 32,766 bound parameters per statement; 3 per answer row keeps far below it. */
const ANSWER_ROWS_PER_INSERT = 500;

/**
 * One response and its answers: two statements (a multi-row insert for the answers), to be run
 * inside the caller's transaction so they land together or not at all.
 */
export async function insertResponse(
  db: Kysely<DB>,
  response: NewResponseRow,
  answers: readonly Omit<NewResponseAnswerRow, 'response_id'>[],
): Promise<void> {
  await db.insertInto('response').values(response).execute();
  for (let i = 0; i < answers.length; i += ANSWER_ROWS_PER_INSERT) {
    const chunk = answers.slice(i, i + ANSWER_ROWS_PER_INSERT).map((a) => ({ ...a, response_id: response.id }));
    await db.insertInto('response_answer').values(chunk).execute();
  }
}

export async function insertOpenAnswers(db: Kysely<DB>, rows: readonly NewOpenAnswerRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('open_answer').values([...rows]).execute();
}

