import type { Response } from 'express';
import { z, type ZodError } from 'zod';
import type { Language } from '../config';
import type { CurrentUser } from '../auth/current-user';
import type { MessageKey } from '../i18n/messages';
import type { PageRenderer } from '../views/render';

interface NavItem {
  readonly href: string;
  readonly label: MessageKey;
}

/** The staff navigation, by role: only what the role may open. */
function navFor(user: CurrentUser | undefined): NavItem[] {
  if (!user) return [];
  const items: NavItem[] = [{ href: '/staff', label: 'nav.home' }];
  if (user.role === 'administrator' || user.role === 'manager') {
    items.push({ href: '/organisation', label: 'nav.organisation' }, { href: '/rounds', label: 'nav.rounds' });
  }
  if (user.role === 'administrator') items.push({ href: '/users', label: 'nav.users' }, { href: '/audit', label: 'nav.audit' });
  items.push({ href: '/account', label: 'nav.account' });
  return items;
}

/** Renders a page in the layout with what every page needs: language, user, CSRF token, navigation. */
export function sendPage(res: Response, views: PageRenderer, page: string, context: Record<string, unknown> = {}, status = 200): void {
  const { lang, user, csrfToken } = res.locals;
  const path = res.req.path;
  const nav = navFor(user).map((item) => ({ ...item, current: path === item.href || path.startsWith(`${item.href}/`) }));
  res.status(status).type('html').send(views.render(page, { lang, user, csrfToken, nav, ...context }));
}

/** Field → first message, for showing each problem beside its field. */
export function fieldErrors(error: ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || '_form';
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Parses a form with the page's language for zod's own messages. */
export function parseForm<T extends z.ZodType>(
  schema: T,
  body: unknown,
  lang: Language,
): { ok: true; data: z.output<T> } | { ok: false; errors: Record<string, string> } {
  const parsed = schema.safeParse(body ?? {}, { error: (lang === 'nl' ? z.locales.nl : z.locales.en)().localeError });
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}
