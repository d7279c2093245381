import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Language } from '../config';
import { messages, t, type MessageKey } from '../i18n/messages';

/**
 * Handlebars pages: `pages/*.hbs` rendered inside a layout (`layouts/main.hbs` for staff,
 * `layouts/survey.hbs` for young people), with `partials/*.hbs`.
 * Templates are compiled once, at start-up, so a broken template stops the server at once
 * rather than failing a user's request. `{{t "key"}}` reads the message catalog in the page's
 * language. Handlebars escapes `{{…}}`; triple braces are for our own generated markup only.
 */
export interface PageRenderer {
  /** `layout` picks `layouts/<name>.hbs`; the staff layout (`main`) unless said otherwise. */
  render(page: string, context: { lang: Language; title?: string; layout?: string } & Record<string, unknown>): string;
}

export function createPageRenderer(viewsDir: string): PageRenderer {
  const hbs = Handlebars.create();
  registerViewHelpers(hbs);

  const read = (dir: string) =>
    fs
      .readdirSync(path.join(viewsDir, dir))
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => [f.replace(/\.hbs$/, ''), fs.readFileSync(path.join(viewsDir, dir, f), 'utf8')] as const);

  for (const [name, source] of read('partials')) hbs.registerPartial(name, source);
  const layouts = new Map(read('layouts').map(([name, source]) => [name, hbs.compile(source, { strict: false })]));
  const pages = new Map(read('pages').map(([name, source]) => [name, hbs.compile(source, { strict: false })]));
  // Compile eagerly: Handlebars compiles lazily on first call otherwise.
  for (const [name, page] of [...pages, ...layouts]) {
    try {
      page({ lang: 'nl' });
    } catch (cause) {
      throw new Error(`view ${name} does not compile`, { cause });
    }
  }

  return {
    render(page, context) {
      const template = pages.get(page);
      if (!template) throw new Error(`no view named ${page}`);
      const layout = layouts.get(context.layout ?? 'main');
      if (!layout) throw new Error(`no layout named ${context.layout}`);
      const body = template(context);
      return layout({ ...context, body });
    },
  };
}

/**
 * The helpers every template has — pages and report templates alike: `t` (message catalog in the
 * page's language), comparisons and small conveniences.
 */
export function registerViewHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('t', function (this: unknown, key: MessageKey, options: Handlebars.HelperOptions) {
    const lang = (options.data.root as { lang: Language }).lang;
    // Keys come from templates and code; an unknown one shows as itself rather than breaking the page.
    return key in messages ? t(lang, key, options.hash as Record<string, string>) : String(key ?? '');
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('either', (...args: unknown[]) => args.slice(0, -1).find(Boolean));
  hbs.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  hbs.registerHelper('ifElse', (cond: unknown, a: unknown, b: unknown) => (cond ? a : b));
  hbs.registerHelper('isNumber', (n: unknown) => typeof n === 'number');
  hbs.registerHelper('inc', (n: unknown) => Number(n) + 1);
  // `{{#if}}` counts an empty object as true: a form shown without problems passes `errors: {}`.
  hbs.registerHelper('hasEntries', (o: unknown) => typeof o === 'object' && o !== null && Object.keys(o).length > 0);
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
}
