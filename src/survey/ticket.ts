import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { keyedHash } from '../secret';

/**
 * Short-lived, signed survey tickets, kept in HttpOnly cookies so the server stores nothing about
 * who is filling in:
 * - `code`: a valid one-time code was typed; the code is used up only when the answers are stored.
 * - `done`: answers were just sent; allows one "I would like to talk to someone" for that group.
 * The signature (HMAC with the server's secret) is what makes them trustworthy; they hold no answer.
 */
const ticketSchema = z.strictObject({
  kind: z.enum(['code', 'done']),
  /** On a `done` ticket: a random id, used as the talk request's id so it is recorded once. */
  id: z.string().optional(),
  round: z.string(),
  group: z.string(),
  codeHash: z.string().optional(),
  /** On a `done` ticket: the talk request was made. */
  talked: z.boolean().optional(),
  /** On a `done` ticket: the language the questionnaire was answered in, for the closing screens. */
  lang: z.string().max(10).optional(),
  /** Milliseconds since the epoch. */
  expires: z.number(),
});

export type Ticket = z.infer<typeof ticketSchema>;

const signature = (secret: Buffer, payload: string) => keyedHash(secret, 'survey-ticket', payload);

export function signTicket(secret: Buffer, ticket: Ticket): string {
  const payload = Buffer.from(JSON.stringify(ticket)).toString('base64url');
  return `${payload}.${signature(secret, payload)}`;
}

/** The ticket when the token is genuine, of this kind and not expired; otherwise undefined. */
export function readTicket(secret: Buffer, token: string | undefined, kind: Ticket['kind'], now: Date): Ticket | undefined {
  if (!token) return undefined;
  const [payload, sent, extra] = token.split('.');
  if (!payload || !sent || extra !== undefined) return undefined;
  const expected = Buffer.from(signature(secret, payload));
  const given = Buffer.from(sent);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = ticketSchema.safeParse(json);
  if (!parsed.success || parsed.data.kind !== kind || parsed.data.expires <= now.getTime()) return undefined;
  return parsed.data;
}
