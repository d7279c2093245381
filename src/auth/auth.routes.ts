import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Config } from '../config';
import type { DB } from '../db/schema';
import { AppError } from '../errors';
import { clientKey } from '../http/client';
import { clearCookie, setCookie } from '../http/cookies';
import { detailErrors, formValues, parseForm, sendPage } from '../http/page';
import { translate } from '../i18n/messages';
import type { Clock } from '../system';
import type { PageRenderer } from '../views/render';
import { changePassword, setPin } from './account.service';
import { MAX_NEXT_LENGTH, requireRole, ALL_ROLES } from './auth.middleware';
import type { AttemptLimiter } from './login-limiter';
import { login, logout, SESSION_COOKIE, TooManyAttempts } from './session.service';
import { completeSetup, setupLinkUsable, setupSchema } from './setup.service';
import { passwordSchema, pinSchema } from './user.schema';

interface AuthDeps {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly views: PageRenderer;
  readonly config: Config;
  readonly limiter: AttemptLimiter;
}

const loginSchema = z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(1024), next: z.string().optional() });
const passwordFormSchema = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: passwordSchema });
const pinFormSchema = z.object({ pin: pinSchema });

/**
 * Only a local path may follow login, never another site (no open redirect), and only one of a
 * length our own links have: a longer one would go out in a Location header that proxies refuse.
 */
function safeNext(next: string | undefined): string {
  return next && next.length <= MAX_NEXT_LENGTH && /^\/(?!\/)[^\\\p{Cc}]*$/u.test(next) ? next : '/staff';
}

export function authRoutes(deps: AuthDeps): Router {
  const router = Router();
  const secure = deps.config.publicUrl.startsWith('https:');

  router.get('/login', (req, res) => {
    if (res.locals.user) return res.redirect(303, '/staff');
    sendPage(res, deps.views, 'login', { title: 'login.title', next: req.query['next'] });
  });

  router.post('/login', async (req, res) => {
    const form = parseForm(loginSchema, req.body, res.locals.lang);
    if (!form.ok) return sendPage(res, deps.views, 'login', { errors: form.errors, values: formValues(req.body) }, 400);
    try {
      // The client address keys the in-memory limiter only; it is never stored or logged.
      const { token } = await login(deps.db, deps, { ...form.data, clientKey: clientKey(req) });
      setCookie(res, SESSION_COOKIE, token, secure, { maxAge: 12 * 3600 });
      res.redirect(303, safeNext(form.data.next));
    } catch (error) {
      if (!(error instanceof AppError) || (error.status !== 401 && error.status !== 429)) throw error;
      if (error instanceof TooManyAttempts) res.set('Retry-After', String(error.retryAfterSeconds));
      sendPage(res, deps.views, 'login', { failure: translate(res.locals.lang, error.message, error.params), values: { email: form.data.email, next: form.data.next } }, error.status);
    }
  });

  router.post('/logout', requireRole(...ALL_ROLES), async (_req, res) => {
    await logout(deps.db, deps.clock, res.locals.user!);
    clearCookie(res, SESSION_COOKIE, secure);
    res.redirect(303, '/login');
  });

  router.get('/setup/:token', async (req, res) => {
    const usable = await setupLinkUsable(deps.db, req.params.token);
    sendPage(res, deps.views, 'setup', { title: 'setup.title', invalid: !usable }, usable ? 200 : 404);
  });

  router.post('/setup/:token', async (req, res) => {
    const form = parseForm(setupSchema, req.body, res.locals.lang);
    if (!form.ok) return sendPage(res, deps.views, 'setup', { title: 'setup.title', errors: form.errors, values: formValues(req.body) }, 400);
    await completeSetup(deps.db, deps.clock, req.params.token, form.data);
    res.redirect(303, '/login');
  });

  router.get('/account', requireRole(...ALL_ROLES), (req, res) => {
    sendPage(res, deps.views, 'account', { title: 'account.title', notice: req.query['saved'] === 'pin' ? 'account.pin-changed' : undefined });
  });

  router.post('/account/password', requireRole(...ALL_ROLES), async (req, res) => {
    const form = parseForm(passwordFormSchema, req.body, res.locals.lang);
    if (!form.ok) return sendPage(res, deps.views, 'account', { title: 'account.title', passwordErrors: form.errors }, 400);
    try {
      await changePassword(deps.db, deps.clock, res.locals.user!, form.data.currentPassword, form.data.newPassword);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400) throw error;
      return sendPage(res, deps.views, 'account', { title: 'account.title', passwordErrors: detailErrors(error.details, res.locals.lang) }, 400);
    }
    sendPage(res, deps.views, 'account', { title: 'account.title', notice: 'account.password-changed' });
  });

  router.post('/account/pin', requireRole(...ALL_ROLES), async (req, res) => {
    const form = parseForm(pinFormSchema, req.body, res.locals.lang);
    if (!form.ok) return sendPage(res, deps.views, 'account', { title: 'account.title', pinErrors: form.errors }, 400);
    await setPin(deps.db, deps.clock, res.locals.user!, form.data.pin);
    res.redirect(303, '/account?saved=pin');
  });

  return router;
}
