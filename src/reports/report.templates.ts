import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Language } from '../config';
import { paths } from '../paths';
import { registerViewHelpers } from '../views/render';
import { embeddedFontCss } from './pdf-renderer';

/**
 * The report templates in `reports/` (Handlebars, with the pages' helpers and the message catalog),
 * compiled at start-up so a broken template stops the server rather than a report. `{{…}}`
 * escapes; the triple braces are for what we generate ourselves (the font, the stylesheet, chart
 * JSON through `scriptJson`, a CSS string through `cssString`), never for user text.
 */
export interface ReportTemplates {
  render(name: 'group-report' | 'period-report', context: { lang: Language; title: string; footer: string } & Record<string, unknown>): string;
}

export function createReportTemplates(dir: string = paths.reports): ReportTemplates {
  const hbs = Handlebars.create();
  registerViewHelpers(hbs);
  const partials = path.join(dir, 'partials');
  if (fs.existsSync(partials)) {
    for (const file of fs.readdirSync(partials).filter((f) => f.endsWith('.hbs'))) hbs.registerPartial(file.slice(0, -4), fs.readFileSync(path.join(partials, file), 'utf8'));
  }
  const css = fs.readFileSync(path.join(dir, 'report.css'), 'utf8');
  const templates = new Map(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => [f.slice(0, -4), hbs.compile(fs.readFileSync(path.join(dir, f), 'utf8'), { strict: false })] as const),
  );
  for (const [name, template] of templates) {
    try {
      template({ lang: 'nl' });
    } catch (cause) {
      throw new Error(`report template ${name} does not compile`, { cause });
    }
  }
  return {
    render(name, context) {
      const template = templates.get(name);
      if (!template) throw new Error(`no report template named ${name}`);
      return template({ ...context, css, fontCss: embeddedFontCss(), footerCss: cssString(context.footer) });
    },
  };
}

/** A CSS string literal of any text: quotes, backslashes, line breaks and `<` escaped. */
export function cssString(text: string): string {
  return `"${text.replace(/[\\"<>\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;
}
