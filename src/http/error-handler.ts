import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Language } from '../config';
import { AppError, NotFoundError } from '../errors';
import { t, translate, type MessageKey } from '../i18n/messages';
import type { Logger } from '../logger';
import type { PageRenderer } from '../views/render';
import { requestLanguage } from './language';
import { sendPage } from './page';

export const notFound: RequestHandler = () => {
  throw new NotFoundError();
};

/** What a client's malformed request gets told, by the status the body parser gave it. */
const CLIENT_MESSAGES: Partial<Record<number, MessageKey>> = {
  408: 'v.request-too-slow',
  413: 'v.request-too-large',
  415: 'v.request-type-unsupported',
};

/** Body-parser and similar middleware mark client mistakes with a 4xx `status`; keep those 4xx. */
function clientStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * The one place an error becomes an HTTP response. Typed errors say what is wrong; a client's
 * malformed request stays a 4xx; anything else is logged with its stack and the user sees a
 * plain message — never the stack, never SQL.
 */
export function errorHandler(deps: { logger: Logger; views: PageRenderer; language: Language }): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const lang = res.locals.lang ?? requestLanguage(req, deps.language);
    res.locals.lang = lang;
    let status: number;
    let code: string;
    let message: string;
    let details: AppError['details'] = [];
    if (error instanceof AppError) {
      ({ status, code, details } = error);
      message = translate(lang, error.message, error.params);
      details = details.map((d) => ({ path: d.path, message: translate(lang, d.message) }));
    } else if (clientStatus(error) !== undefined) {
      status = clientStatus(error)!;
      code = 'bad-request';
      message = t(lang, CLIENT_MESSAGES[status] ?? 'v.the-request-is-not-valid');
    } else {
      status = 500;
      code = 'internal';
      message = t(lang, 'error.internal');
      deps.logger.error('unhandled error', { route: req.route?.path, method: req.method, error });
    }
    res.status(status);
    // What a handler set for the answer it meant to give (a file's type, a download's name) does
    // not describe this one.
    res.removeHeader('Content-Disposition');
    if (req.accepts(['html', 'json']) === 'html') {
      sendPage(res, deps.views, 'error', { title: String(status), heading: String(status), message, details }, status);
    } else {
      res.type('json').json({ error: { code, message, details } });
    }
  };
}
