import type { Language } from '../config';
import type { CurrentUser } from '../auth/current-user';

/** What middleware puts on `res.locals` for handlers and views. */
declare global {
  // eslint-style namespaces are how Express types its Locals.
  namespace Express {
    interface Locals {
      lang: Language;
      /** The signed-in staff member, when there is one. */
      user?: CurrentUser;
      /** The token forms must send back (`_csrf`). */
      csrfToken: string;
      cookies: Record<string, string | undefined>;
      /** The page layout: young people's survey pages have their own, without staff navigation. */
      layout?: 'main' | 'survey';
    }
  }
}

export {};
