import type { Request, RequestHandler } from 'express';
import type { Language } from '../config';
import { setCookie } from './cookies';

function asLanguage(value: unknown): Language | undefined {
  return value === 'nl' || value === 'en' ? value : undefined;
}

/** The page language: `?lang=` when it names one we have, else the server's default. */
export function requestLanguage(req: Request, fallback: Language): Language {
  return asLanguage(req.query['lang']) ?? fallback;
}

/**
 * Sets `res.locals.lang`: `?lang=` (remembered in a cookie, so staff switch once), else the
 * cookie, else the server's default. Not on the young people's pages (`forget`): a group tablet
 * that stayed in the language the previous young person chose would tell who just filled in.
 */
export function languageMiddleware(fallback: Language, secure: boolean, forget: (path: string) => boolean = () => false): RequestHandler {
  return (req, res, next) => {
    const asked = asLanguage(req.query['lang']);
    if (forget(req.path)) {
      res.locals.lang = asked ?? fallback;
      return next();
    }
    if (asked && asked !== res.locals.cookies['lk_lang']) setCookie(res, 'lk_lang', asked, secure, { maxAge: 365 * 24 * 3600 });
    res.locals.lang = asked ?? asLanguage(res.locals.cookies['lk_lang']) ?? fallback;
    next();
  };
}
