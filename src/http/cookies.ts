import { parse, serialize, type SerializeOptions } from 'cookie';
import type { RequestHandler, Response } from 'express';

/** Parses the Cookie header once into `res.locals.cookies`. */
export const parseCookies: RequestHandler = (req, res, next) => {
  res.locals.cookies = req.headers.cookie ? parse(req.headers.cookie) : {};
  next();
};

/** HttpOnly and SameSite always; Secure when the server is reached over https. */
export function setCookie(res: Response, name: string, value: string, secure: boolean, options: SerializeOptions = {}): void {
  res.append('Set-Cookie', serialize(name, value, { httpOnly: true, sameSite: 'lax', path: '/', secure, ...options }));
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  setCookie(res, name, '', secure, { maxAge: 0 });
}
