import { z } from 'zod';
import type { Questionnaire } from '../questionnaires/questionnaire';

/** Longest answer to an open question; about a page of text. */
export const OPEN_ANSWER_MAX = 2000;

export type SubmissionBody = {
  submissionId: string;
  roundId: string;
  groupId: string;
  answers: Record<string, number | undefined>;
  open: Record<string, string | undefined>;
};

const cache = new WeakMap<Questionnaire, z.ZodType<SubmissionBody>>();

/**
 * What a submission must look like for one questionnaire version: only its items, each a whole
 * number on its response scale; only its open questions; a random submission id. Questions may be
 * skipped, but not all of them. Unknown fields are refused, not ignored.
 */
export function submissionSchema(q: Questionnaire): z.ZodType<SubmissionBody> {
  let schema = cache.get(q);
  if (!schema) {
    const value = z.int().min(q.responseScale.min).max(q.responseScale.max);
    const text = z.string().trim().max(OPEN_ANSWER_MAX).optional();
    schema = z
      .strictObject({
        submissionId: z.uuid(),
        roundId: z.string().min(1).max(100),
        groupId: z.string().min(1).max(100),
        answers: z.strictObject(Object.fromEntries(q.items.map((item) => [item.id, value.optional()]))),
        open: z.strictObject(Object.fromEntries(q.openQuestions.map((o) => [o.id, text]))).default({}),
      })
      .refine((body) => Object.values(body.answers).some((v) => v !== undefined), { message: 's.nothing-answered', path: ['answers'] }) as z.ZodType<SubmissionBody>;
    cache.set(q, schema);
  }
  return schema;
}

/**
 * A form post (no JavaScript) in the shape a script sends: `a:<item>` fields become `answers`,
 * `o:<question>` fields `open`; whole numbers become numbers; empty fields are left out.
 */
export function fromFormPost(body: Record<string, unknown>): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  const open: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf') continue;
    if (key.startsWith('a:')) {
      if (value !== '') answers[key.slice(2)] = typeof value === 'string' && /^-?\d{1,3}$/.test(value) ? Number(value) : value;
    } else if (key.startsWith('o:')) {
      // A browser posts a textarea's line breaks as CRLF; counted as one character, as typed.
      if (typeof value !== 'string') open[key.slice(2)] = value;
      else if (value.trim() !== '') open[key.slice(2)] = value.replace(/\r\n/g, '\n');
    } else rest[key] = value;
  }
  return { ...rest, answers, open };
}
