import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AttemptLimiter } from '../auth/login-limiter';
import { SESSION_COOKIE, logout, TooManyAttempts, verifyCredentials } from '../auth/session.service';
import { requireRole } from '../auth/auth.middleware';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { clientKey } from '../http/client';
import { clearCookie, setCookie } from '../http/cookies';
import { formProblems, formValues, parseForm, sendPage } from '../http/page';
import { translate } from '../i18n/messages';
import type { Logger } from '../logger';
import { helpResources } from '../organisation/organisation.service';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import { randomId, type Clock } from '../system';
import type { PageRenderer } from '../views/render';
import { fromFormPost, submissionSchema } from './submission.schema';
import { WriterBusy, type AnswerWriter } from './submission.writer';
import { findTarget, type SurveyTarget } from './survey.repository';
import {
  AlreadyReceived,
  CODE_COOKIE,
  CODE_TICKET_MS,
  DONE_COOKIE,
  DONE_TICKET_MS,
  TABLET_COOKIE,
  doneTicket,
  endTablet,
  leaveTablet,
  mayEndTablet,
  NoSurveyAccess,
  NotYourTablet,
  openQuestionnaire,
  readDone,
  redeemCode,
  requestTalk,
  resolveAccess,
  startTablet,
  submitAnswers,
  talkedTicket,
  wasReceived,
} from './survey.service';
import { interfaceLanguage, languageChoices, questionLanguage, surveyScreens, textDirection } from './survey.view';

/** How long a tablet waits before asking "are you still there?", and then before discarding. */
export interface SurveyTimings {
  readonly idleWarnMs: number;
  readonly idleDiscardMs: number;
  /** On the closing screen of a tablet: back to the start screen after this long without a touch. */
  readonly thanksReturnMs: number;
}

export const defaultSurveyTimings: SurveyTimings = { idleWarnMs: 10 * 60_000, idleDiscardMs: 60_000, thanksReturnMs: 3 * 60_000 };

interface Deps {
  readonly db: Database;
  readonly config: Config;
  readonly clock: Clock;
  readonly secret: Buffer;
  readonly views: PageRenderer;
  readonly logger: Logger;
  readonly questionnaires: QuestionnaireCatalog;
  readonly limiter: AttemptLimiter;
  /** Wrong codes per client; its own, more forgiving limits (tests pass their own). */
  readonly codeLimiter?: AttemptLimiter;
  readonly writer: AnswerWriter;
  readonly survey?: SurveyTimings;
}

/** The young people's pages and the tablet's way in and out. */
/** The language a young person chose, until their answers are sent. */
const LANGUAGE_COOKIE = 'lk_survey_lang';

export const SURVEY_PATHS = /^\/(survey|code|tablet)(\/|$)/;

const codeForm = z.object({ code: z.string().trim().min(1, 's.code-unknown').max(40, 's.code-unknown') });
const pinForm = z.object({ pin: z.string().min(1).max(16) });
const loginForm = z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(1024) });
const startForm = z.object({ groupId: z.string().min(1).max(100) });

class ServerBusy extends AppError {
  constructor() {
    super(503, 'busy', 's.busy');
  }
}

export function surveyRoutes(deps: Deps): Router {
  const router = Router();
  const secure = deps.config.publicUrl.startsWith('https:');
  const timings = deps.survey ?? defaultSurveyTimings;
  // Survey cookies: only for this site's own requests, never sent along from another site.
  const strict = { sameSite: 'strict' as const };
  // Young people on a group's Wi-Fi share one address: typing mistakes of one must not lock out the
  // others for long. Still hopeless for guessing: 20 tries per 15 minutes against 28^8 codes.
  const codeLimiter = deps.codeLimiter ?? new AttemptLimiter(deps.clock, { freeAttempts: 20, windowMs: 15 * 60_000, baseDelayMs: 1_000, maxDelayMs: 60_000 });

  /**
   * Question texts in the language asked for (when the questionnaire has it); our own texts in nl or
   * en. The young person's choice lives in a cookie of its own until the answers are sent — not in
   * the addresses, so no page in the browser's history keeps it for the next one on a tablet.
   */
  const useLanguage = (req: Request, res: Response, languages: readonly string[] = ['nl', 'en'], chosen?: string) => {
    const textLang = questionLanguage({ languages }, req.query['lang'] ?? chosen ?? res.locals.cookies[LANGUAGE_COOKIE]);
    res.locals.lang = interfaceLanguage(textLang, deps.config.language);
    return { textLang, dir: textDirection(textLang) };
  };

  const access = (res: Response) => resolveAccess(deps, res.locals.cookies);

  router.get('/code', (req, res) => {
    const { textLang, dir } = useLanguage(req, res);
    sendPage(res, deps.views, 'code-entry', { title: 's.code-title', textLang, dir, languages: languageChoices({ languages: ['nl', 'en'] }, textLang) });
  });

  router.post('/code', async (req, res) => {
    const { textLang, dir } = useLanguage(req, res);
    // What was typed comes back, so one wrong character can be fixed without typing it all again.
    const typed = typeof req.body?.['code'] === 'string' ? String(req.body['code']).slice(0, 20) : '';
    const again = (error: string, status: number) =>
      sendPage(res, deps.views, 'code-entry', { title: 's.code-title', textLang, dir, languages: languageChoices({ languages: ['nl', 'en'] }, textLang), error, value: typed }, status);
    const form = parseForm(codeForm, req.body, res.locals.lang);
    if (!form.ok) return again(form.errors['code'] ?? translate(res.locals.lang, 's.code-unknown'), 400);
    try {
      const ticket = await redeemCode({ ...deps, limiter: codeLimiter }, form.data.code, clientKey(req));
      setCookie(res, CODE_COOKIE, ticket, secure, { ...strict, maxAge: CODE_TICKET_MS / 1000 });
      res.redirect(303, `/survey?lang=${textLang}`);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      if (error instanceof TooManyAttempts) res.set('Retry-After', String(error.retryAfterSeconds));
      again(translate(res.locals.lang, error.message, error.params), error.status);
    }
  });

  /**
   * No way in: a tablet whose tablet mode ended (stopped, or its round closed) says so and asks to be
   * handed back; anyone else is asked for their code.
   */
  const withoutAccess = (req: Request, res: Response) => {
    const { textLang, dir } = useLanguage(req, res);
    if (res.locals.cookies[TABLET_COOKIE]) {
      clearCookie(res, TABLET_COOKIE, secure);
      return sendPage(res, deps.views, 'survey-closed', { title: 's.tablet-ended-title', textLang, dir, ended: true });
    }
    res.redirect(303, `/code?lang=${textLang}`);
  };

  router.get('/survey', async (req, res) => {
    // A language chosen, or a fresh start for the next young person: remember or forget it, and
    // show the start screen under its plain address.
    const asked = req.query['lang'];
    if (typeof asked === 'string' && /^[a-z]{2}(-[A-Z]{2})?$/.test(asked)) {
      setCookie(res, LANGUAGE_COOKIE, asked, secure, strict);
      return res.redirect(303, '/survey');
    }
    if (req.query['fresh'] !== undefined) {
      clearCookie(res, LANGUAGE_COOKIE, secure);
      clearCookie(res, DONE_COOKIE, secure);
      return res.redirect(303, '/survey');
    }
    const found = await access(res);
    if (!found) return withoutAccess(req, res);
    // The next young person starts clean: no "talk" left over from the one before.
    clearCookie(res, DONE_COOKIE, secure);
    const tablet = found.mode === 'tablet';
    if (found.target.status !== 'open') {
      const { textLang, dir } = useLanguage(req, res);
      return sendPage(res, deps.views, 'survey-closed', { title: 's.closed-title', textLang, dir, tablet });
    }
    const q = openQuestionnaire(deps.questionnaires, found.target);
    const { textLang, dir } = useLanguage(req, res, q.languages);
    const screens = q.items.length + q.openQuestions.length;
    sendPage(res, deps.views, 'survey-start', {
      title: 's.title',
      textLang,
      dir,
      tablet,
      groupName: found.target.groupName,
      languages: languageChoices(q, textLang),
      minutes: Math.max(5, Math.round((screens * 15) / 60)),
    });
  });

  router.get('/survey/questions', async (req, res) => {
    const found = await access(res);
    if (!found) return withoutAccess(req, res);
    if (found.target.status !== 'open') {
      const { textLang, dir } = useLanguage(req, res);
      return sendPage(res, deps.views, 'survey-closed', { title: 's.closed-title', textLang, dir, tablet: found.mode === 'tablet' });
    }
    const q = openQuestionnaire(deps.questionnaires, found.target);
    const { textLang, dir } = useLanguage(req, res, q.languages);
    sendPage(res, deps.views, 'survey-questions', {
      title: 's.title',
      textLang,
      dir,
      tablet: found.mode === 'tablet',
      screens: surveyScreens(q, textLang),
      total: q.items.length + q.openQuestions.length,
      smileys: q.responseScale.points.some((p) => p.smiley),
      // A fresh random id for this page: a retry of the same answers sends the same id.
      submissionId: randomId(),
      roundId: found.target.roundId,
      groupId: found.target.groupId,
      timings,
    });
  });

  router.post('/survey/submit', async (req, res) => {
    const isForm = req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
    const raw: unknown = isForm ? fromFormPost(req.body as Record<string, unknown>) : req.body;
    const submissionId = (raw as { submissionId?: unknown } | undefined)?.submissionId;
    const done = (target: SurveyTarget, id: string) => {
      setCookie(res, DONE_COOKIE, doneTicket(deps, target, id, textLang), secure, { ...strict, maxAge: DONE_TICKET_MS / 1000 });
      if (found?.mode === 'code') clearCookie(res, CODE_COOKIE, secure);
      if (res.locals.cookies[LANGUAGE_COOKIE]) clearCookie(res, LANGUAGE_COOKIE, secure);
      const next = '/survey/thanks';
      if (isForm) res.redirect(303, next);
      else res.json({ ok: true, next });
    };
    let textLang = useLanguage(req, res).textLang;
    const found = await access(res);
    try {
      if (!found) throw new NoSurveyAccess();
      const q = openQuestionnaire(deps.questionnaires, found.target);
      textLang = useLanguage(req, res, q.languages).textLang;
      const parsed = parseForm(submissionSchema(q), raw, res.locals.lang);
      if (!parsed.ok) {
        throw formProblems(parsed.errors, 's.answers-invalid');
      }
      await submitAnswers(deps, found, parsed.data);
      done(found.target, parsed.data.submissionId);
    } catch (error) {
      if (error instanceof WriterBusy) {
        res.set('Retry-After', '2');
        throw new ServerBusy();
      }
      // A retry of answers that were stored (the reply was lost): not an error for the young
      // person, even if the round closed or the code's ticket is gone since. The receipt is looked
      // up only here, off the common path.
      const stored = error instanceof AlreadyReceived || (error instanceof AppError && error.status < 500 && (await wasReceived(deps.db, submissionId)));
      if (!stored) throw error;
      if (found && typeof submissionId === 'string') {
        // The closing screen (and its "talk" button) still follow; a form post simply goes there.
        if (isForm) return done(found.target, submissionId);
        setCookie(res, DONE_COOKIE, doneTicket(deps, found.target, submissionId, textLang), secure, { ...strict, maxAge: DONE_TICKET_MS / 1000 });
      }
      throw error instanceof AlreadyReceived ? error : new AlreadyReceived();
    }
  });

  const closingPage = async (req: Request, res: Response, page: 'survey-thanks' | 'survey-talk') => {
    const done = readDone(deps, res.locals.cookies);
    if (!done) return res.redirect(303, '/survey');
    const { textLang, dir } = useLanguage(req, res, undefined, done.lang);
    const target = await findTarget(deps.db, done.round, done.group);
    const help = target ? (await helpResources(deps.db, target.institutionId)).resources : [];
    const tablet = (await access(res))?.mode === 'tablet';
    sendPage(res, deps.views, page, {
      title: page === 'survey-thanks' ? 's.thanks-title' : 's.talk-sent-title',
      textLang,
      dir,
      tablet,
      talked: done.talked === true,
      help: help.map((h) => ({ name: h.name, contact: h.contact, text: res.locals.lang === 'nl' ? h.textNl : h.textEn })),
      timings,
    });
  };

  router.get('/survey/thanks', (req, res) => closingPage(req, res, 'survey-thanks'));
  router.get('/survey/talk', (req, res) => closingPage(req, res, 'survey-talk'));

  router.post('/survey/talk', async (req, res) => {
    useLanguage(req, res);
    const done = readDone(deps, res.locals.cookies);
    if (!done) throw new NoSurveyAccess();
    if (!done.talked) {
      await requestTalk(deps, done);
      setCookie(res, DONE_COOKIE, talkedTicket(deps, done), secure, { ...strict, maxAge: DONE_TICKET_MS / 1000 });
    }
    res.redirect(303, '/survey/talk');
  });

  router.post('/tablet/start', requireRole('administrator', 'manager', 'group_leader'), async (req, res) => {
    const form = parseForm(startForm, req.body, res.locals.lang);
    if (!form.ok) throw formProblems(form.errors);
    const token = await startTablet(deps, res.locals.user!, form.data.groupId);
    // A young person must not land in the staff pages: the staff session ends on this device.
    await logout(deps.db, deps.clock, res.locals.user!);
    clearCookie(res, SESSION_COOKIE, secure);
    clearCookie(res, CODE_COOKIE, secure);
    setCookie(res, TABLET_COOKIE, token, secure, { ...strict, maxAge: 180 * 24 * 3600 });
    res.redirect(303, '/survey');
  });

  const tabletAccess = async (res: Response) => {
    const found = await access(res);
    return found?.mode === 'tablet' ? found : undefined;
  };

  const leavePage = (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const { textLang, dir } = useLanguage(req, res);
    sendPage(res, deps.views, 'tablet-leave', { title: 's.leave-title', textLang, dir, ...extra }, status);
  };

  router.get('/tablet/leave', async (req, res) => {
    if (!(await tabletAccess(res))) return res.redirect(303, '/login');
    leavePage(req, res);
  });

  router.post('/tablet/leave', async (req, res) => {
    const tablet = await tabletAccess(res);
    if (!tablet) return res.redirect(303, '/login');
    useLanguage(req, res);
    const body = req.body as Record<string, unknown> | undefined;
    const fail = (error: unknown, field: string) => {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      if (error instanceof TooManyAttempts) res.set('Retry-After', String(error.retryAfterSeconds));
      leavePage(req, res, { errors: { [field]: translate(res.locals.lang, error.message, error.params) }, email: formValues(body)['email'] }, error.status);
    };
    if (body && 'pin' in body) {
      const form = parseForm(pinForm, body, res.locals.lang);
      if (!form.ok) return leavePage(req, res, { errors: form.errors }, 400);
      try {
        await leaveTablet(deps, tablet, form.data.pin, clientKey(req));
      } catch (error) {
        return fail(error, 'pin');
      }
      clearCookie(res, TABLET_COOKIE, secure);
      return res.redirect(303, '/login');
    }
    const form = parseForm(loginForm, body, res.locals.lang);
    if (!form.ok) return leavePage(req, res, { errors: form.errors, email: formValues(body)['email'] }, 400);
    // The password only proves who stops the tablet: no staff session is opened on a group's
    // device, where a saved password would otherwise let a young person in.
    let who: Awaited<ReturnType<typeof verifyCredentials>>;
    try {
      who = await verifyCredentials(deps.db, deps, { ...form.data, clientKey: clientKey(req) });
    } catch (error) {
      return fail(error, 'password');
    }
    // Right password, wrong person for this tablet: the tablet stays on.
    if (!(await mayEndTablet(deps, { id: who.id, role: who.role, institutionId: who.institution_id }, tablet))) return fail(new NotYourTablet(), 'password');
    await endTablet(deps, tablet, who.id);
    clearCookie(res, TABLET_COOKIE, secure);
    res.redirect(303, '/login');
  });

  return router;
}
