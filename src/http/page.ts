import type { Response } from 'express';
import { z, type ZodError } from 'zod';
import type { Language } from '../config';
import type { CurrentUser } from '../auth/current-user';
import { ValidationError } from '../errors';
import { t, translate, type MessageKey } from '../i18n/messages';
import type { PageRenderer } from '../views/render';

interface NavItem {
  readonly href: string;
  readonly label: MessageKey;
}

/** The staff navigation, by role: only what the role may open. */
function navFor(user: CurrentUser | undefined): NavItem[] {
  if (!user) return [];
  const items: NavItem[] = [{ href: '/staff', label: 'nav.home' }];
  if (user.role !== 'municipality_viewer') items.push({ href: '/results', label: 'nav.results' });
  if (user.role === 'administrator' || user.role === 'manager') {
    items.push({ href: '/organisation', label: 'nav.organisation' }, { href: '/rounds', label: 'nav.rounds' });
  }
  items.push({ href: '/reports', label: 'nav.reports' });
  if (user.role === 'administrator') items.push({ href: '/users', label: 'nav.users' }, { href: '/audit', label: 'nav.audit' });
  items.push({ href: '/account', label: 'nav.account' });
  return items;
}

/** A group's results page belongs under "Results" in the navigation. */
const GROUP_RESULTS = /^\/groups\/[^/]+\/results$/;

/** Renders a page in the layout with what every page needs: language, user, CSRF token, navigation. */
export function sendPage(res: Response, views: PageRenderer, page: string, context: Record<string, unknown> = {}, status = 200): void {
  const { lang, user, csrfToken, layout } = res.locals;
  const path = res.req.path;
  const nav = navFor(user).map((item) => ({ ...item, current: path === item.href || path.startsWith(`${item.href}/`) || (item.href === '/results' && GROUP_RESULTS.test(path)) }));
  res.status(status).type('html').send(views.render(page, { lang, user, csrfToken, nav, layout, ...context }));
}

/**
 * What a form sent, to show in it again: text, and lists of text (multi-selects). A script may post
 * JSON objects where text belongs; those are left out, as a page cannot show them as text.
 */
export function formValues(body: unknown): Record<string, string | string[]> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body).flatMap(([key, value]): [string, string | string[]][] => {
      if (typeof value === 'string') return [[key, value]];
      if (typeof value === 'number' || typeof value === 'boolean') return [[key, String(value)]];
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [[key, value as string[]]];
      return [];
    }),
  );
}

/** Field → first message in the reader's language, for showing each problem beside its field. */
export function fieldErrors(error: ZodError, lang: Language): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || '_form';
    errors[field] ??= translate(lang, issue.message);
  }
  return errors;
}

/** Problems from a service (catalog keys) as field → message, for the form again. */
export function detailErrors(details: readonly { path: string; message: string }[], lang: Language): Record<string, string> {
  return Object.fromEntries(details.map((d) => [d.path || '_form', translate(lang, d.message)]));
}

/**
 * Plain messages for the mistakes forms usually have, in our own words; zod's locale for the rest.
 * Messages a schema sets itself (catalog keys) take precedence over this map.
 */
function formErrorMap(lang: Language): z.core.$ZodErrorMap {
  const fallback = (lang === 'nl' ? z.locales.nl : z.locales.en)().localeError;
  return (issue) => {
    const numeric = issue.code === 'too_small' || issue.code === 'too_big' ? issue.origin === 'number' : false;
    if (issue.code === 'too_small' && numeric) return t(lang, 'v.too-small-number', { min: Number(issue.minimum) });
    if (issue.code === 'too_big' && numeric) return t(lang, 'v.too-big-number', { max: Number(issue.maximum) });
    if (issue.code === 'too_small' && issue.origin === 'string') return Number(issue.minimum) <= 1 ? t(lang, 'v.required') : t(lang, 'v.too-short', { min: Number(issue.minimum) });
    if (issue.code === 'too_big' && issue.origin === 'string') return t(lang, 'v.too-long', { max: Number(issue.maximum) });
    if (issue.code === 'invalid_type') return issue.input === undefined || issue.input === '' ? t(lang, 'v.required') : issue.expected === 'number' ? t(lang, 'v.number') : t(lang, 'v.invalid');
    if (issue.code === 'invalid_format' && issue.format === 'email') return t(lang, 'v.email');
    if (issue.code === 'invalid_value' || issue.code === 'invalid_union') return t(lang, 'v.choose');
    return fallback(issue);
  };
}

/** Parses a form with the page's language for zod's own messages. */
export function parseForm<T extends z.ZodType>(
  schema: T,
  body: unknown,
  lang: Language,
): { ok: true; data: z.output<T> } | { ok: false; errors: Record<string, string> } {
  // A JSON body may be an array or a bare value: read as an empty form, so each field says what it
  // needs — a problem with the body as a whole has no field to be shown beside.
  const input = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
  // Valid input is the common case: the translated messages are built only when something is wrong.
  const valid = schema.safeParse(input, { reportInput: false });
  if (valid.success) return { ok: true, data: valid.data };
  const parsed = schema.safeParse(input, { error: formErrorMap(lang) });
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, errors: fieldErrors(parsed.error, lang) };
}

/** A form's problems (field → message, as parseForm gives them) as an error for the error handler. */
export function formProblems(errors: Record<string, string>, message?: MessageKey): ValidationError {
  return new ValidationError({ message, details: Object.entries(errors).map(([path, text]) => ({ path, message: text })) });
}
