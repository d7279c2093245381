import type { Kysely } from 'kysely';
import type { RequestHandler } from 'express';
import type { DB } from '../db/schema';
import { AppError } from '../errors';
import type { Clock } from '../system';
import type { Role } from './auth.table';
import { authenticate, SESSION_COOKIE } from './session.service';

export class NotSignedIn extends AppError {
  constructor() {
    super(401, 'not-signed-in', 'v.please-sign-in-first');
  }
}

export class Forbidden extends AppError {
  constructor() {
    super(403, 'forbidden', 'v.your-role-does-not-allow-this');
  }
}

/** Loads the signed-in staff member from the session cookie into `res.locals.user`. */
export function loadSession(db: Kysely<DB>, clock: Clock): RequestHandler {
  return async (_req, res, next) => {
    const user = await authenticate(db, clock, res.locals.cookies[SESSION_COOKIE]);
    if (user) res.locals.user = user;
    next();
  };
}

/** The longest address the login page sends someone back to; longer ones go to the start page. */
export const MAX_NEXT_LENGTH = 2_000;

/**
 * Lets through only signed-in staff with one of these roles. A page request without a session
 * goes to the login page (and back afterwards); anything else gets 401 or 403.
 */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    const user = res.locals.user;
    if (!user) {
      if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
        return res.redirect(303, req.originalUrl.length <= MAX_NEXT_LENGTH ? `/login?next=${encodeURIComponent(req.originalUrl)}` : '/login');
      }
      throw new NotSignedIn();
    }
    if (!roles.includes(user.role)) throw new Forbidden();
    next();
  };
}

export const STAFF_ROLES: Role[] = ['administrator', 'manager', 'group_leader'];
export const ALL_ROLES: Role[] = ['administrator', 'manager', 'group_leader', 'municipality_viewer'];
