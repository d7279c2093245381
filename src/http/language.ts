import type { Request } from 'express';
import type { Language } from '../config';

/** The page language: `?lang=` when it names one we have, else the server's default. */
export function requestLanguage(req: Request, fallback: Language): Language {
  const lang = req.query['lang'];
  return lang === 'nl' || lang === 'en' ? lang : fallback;
}
