import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import { setCookie } from './cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_COOKIE = 'lk_csrf';

export class CsrfError extends AppError {
  constructor() {
    super(403, 'csrf-failed', 'v.this-form-has-expired-reload-the');
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CSRF protection for every state-changing request. Signed in: the token stored with the session
 * (synchroniser token). Not signed in (login, first setup): a random token in an HttpOnly cookie
 * that the form must echo (double submit). Either way a form sends `_csrf`, a script the
 * `x-csrf-token` header. Must run after the session is loaded and the body is parsed.
 */
export function csrfProtection(secure: boolean): RequestHandler {
  return (req, res, next) => {
    let cookieToken = res.locals.cookies[CSRF_COOKIE];
    if (!cookieToken) {
      cookieToken = randomBytes(24).toString('base64url');
      setCookie(res, CSRF_COOKIE, cookieToken, secure, { sameSite: 'strict' });
    }
    const expected = res.locals.user?.csrfToken ?? cookieToken;
    res.locals.csrfToken = expected;
    if (SAFE_METHODS.has(req.method)) return next();
    const body = req.body as Record<string, unknown> | undefined;
    const sent = (typeof body?.['_csrf'] === 'string' ? body['_csrf'] : undefined) ?? req.get('x-csrf-token');
    if (!sent || !same(sent, expected)) throw new CsrfError();
    next();
  };
}
