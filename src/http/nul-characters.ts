import type { RequestHandler } from 'express';
import { ValidationError } from '../errors';

/** Whether a parsed body or query holds a NUL character in any text or name, however deep. */
function holdsNul(value: unknown): boolean {
  // A loop, not recursion: a JSON body may be nested thousands of levels deep.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes('\0')) return true;
    } else if (typeof next === 'object' && next !== null) {
      for (const [key, inner] of Object.entries(next)) {
        if (key.includes('\0')) return true;
        pending.push(inner);
      }
    }
  }
  return false;
}

/**
 * A request with a NUL character in its address, query or body is refused before any route reads
 * it. No form or link needs one, and PostgreSQL cannot store or even compare text holding one: the
 * query would fail as a server error (SQLite would store it, so the two would differ).
 */
export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  if (/%00/i.test(req.url) || holdsNul(req.query) || holdsNul(req.body)) throw new ValidationError({ message: 'v.the-request-is-not-valid' });
  next();
};
