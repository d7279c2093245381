import fs from 'node:fs';
import path from 'node:path';
import { ParseSpeeds, PDFDocument } from 'pdf-lib';
import type { Browser, Page } from 'puppeteer';
import { launchChromium } from '../browser/chromium';
import { paths } from '../paths';
import type { Logger } from '../logger';

/**
 * Turns a report's HTML into a PDF in the system Chromium (SPEC §6): one browser, launched on first
 * use, shared by every report and closed after a quiet minute; a fresh page per report.
 *
 * The page can reach nothing: every request other than the document itself is refused, so the
 * fonts (Noto Sans from an npm package, as data URLs) and Chart.js (from our own dependency) are
 * put into the page, and a report renders the same on every machine whatever fonts it has.
 * Charts are drawn only after `document.fonts.ready`, so their labels use the embedded font too.
 * A4, tagged (accessible) PDF, title/author/subject in the document information.
 */
export interface PdfMetadata {
  readonly title: string;
  readonly author: string;
  readonly subject: string;
  readonly keywords?: readonly string[];
  /** BCP 47, e.g. `nl` — also the page's `lang`. */
  readonly language: string;
  /** Recorded as the PDF's creation date: the report's own time, so a regenerated report says when it was made. */
  readonly createdAt: Date;
}

export class ReportRenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReportRenderError';
  }
}

export interface PdfRendererOptions {
  readonly chromiumPath?: string;
  /** Close the browser after this long without a report (ms). */
  readonly idleMs?: number;
  /** Give up on a report after this long (ms). */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

const CHARTS_SCRIPT = path.join(paths.public, 'js', 'charts.js');
const FONT_DIR = path.join(path.dirname(require.resolve('@fontsource/noto-sans/package.json')), 'files');
const FONT_FILES = [
  ['latin', 400],
  ['latin', 700],
  ['latin-ext', 400],
  ['latin-ext', 700],
] as const;

let fontCss: string | undefined;

/** `@font-face` rules for Noto Sans with the font files inline: for `<style>` in a report. */
export function embeddedFontCss(): string {
  fontCss ??= FONT_FILES.map(([subset, weight]) => {
    const data = fs.readFileSync(path.join(FONT_DIR, `noto-sans-${subset}-${weight}-normal.woff2`)).toString('base64');
    return `@font-face{font-family:"Report Sans";font-style:normal;font-weight:${weight};font-display:block;src:url(data:font/woff2;base64,${data}) format("woff2");}`;
  }).join('\n');
  return fontCss;
}

/** What `public/js/charts.js` needs to know in print: the embedded font, fixed sizes, sharp pixels. */
const PRINT_CHARTS = `window.leefklimaatCharts = ${JSON.stringify({
  fontFamily: '"Report Sans", sans-serif',
  fontSize: 11,
  options: { animation: false, responsive: false, devicePixelRatio: 1.5 },
})};`;

export class PdfRenderer {
  readonly #options: Required<Pick<PdfRendererOptions, 'idleMs' | 'timeoutMs'>> & PdfRendererOptions;
  #browser: Promise<Browser> | undefined;
  #busy = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  /** How many times a browser was started: one for many reports, unless it sat idle. */
  launches = 0;

  constructor(options: PdfRendererOptions = {}) {
    this.#options = { idleMs: 60_000, timeoutMs: 30_000, ...options };
  }

  async render(html: string, meta: PdfMetadata): Promise<Buffer> {
    this.#busy++;
    clearTimeout(this.#idleTimer);
    let page: Page | undefined;
    try {
      const browser = await this.#browserInstance();
      page = await browser.newPage();
      page.setDefaultTimeout(this.#options.timeoutMs);
      await page.setRequestInterception(true);
      // Nothing leaves the page: the report carries everything it shows.
      page.on('request', (request) => void (request.url().startsWith('data:') ? request.continue() : request.abort('blockedbyclient')));
      const failures: string[] = [];
      page.on('pageerror', (error) => failures.push(String(error)));
      // A refused outside request is logged too; that is the block working, not a failure.
      page.on('console', (message) => void (message.type() === 'error' && !message.text().includes('ERR_BLOCKED_BY_CLIENT') && failures.push(message.text())));
      await page.setContent(html, { waitUntil: 'load' });
      // The same drawing script as the results pages, so a chart in a report is the chart on screen.
      await page.addScriptTag({ content: PRINT_CHARTS });
      await page.addScriptTag({ path: paths.chartJs });
      await page.addScriptTag({ path: CHARTS_SCRIPT });
      await page.waitForSelector('html[data-charts-drawn], html[data-charts-failed]');
      const failed = await page.$eval('html', (el) => el.getAttribute('data-charts-failed'));
      if (failed) throw new ReportRenderError(`a chart could not be drawn: ${failed}`);
      if (failures.length > 0) throw new ReportRenderError(`the report page failed: ${failures.join('; ')}`);
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, tagged: true, outline: true });
      return await withMetadata(pdf, meta);
    } catch (error) {
      if (error instanceof ReportRenderError) throw error;
      throw new ReportRenderError(`the report could not be rendered: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      await page?.close().catch(() => undefined);
      this.#busy--;
      if (this.#busy === 0) this.#idleTimer = setTimeout(() => void this.close(), this.#options.idleMs).unref();
    }
  }

  /** Whether a browser is running now (for tests and the doctor). */
  get running(): boolean {
    return this.#browser !== undefined;
  }

  async close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const browser = this.#browser;
    this.#browser = undefined;
    if (browser) await (await browser.catch(() => undefined))?.close().catch(() => undefined);
  }

  #browserInstance(): Promise<Browser> {
    if (!this.#browser) {
      this.launches++;
      const launched = launchChromium(this.#options.chromiumPath);
      this.#browser = launched;
      launched.then(
        (browser) => browser.on('disconnected', () => {
          if (this.#browser === launched) this.#browser = undefined;
        }),
        () => {
          if (this.#browser === launched) this.#browser = undefined;
        },
      );
    }
    return this.#browser;
  }
}

/** Title, author, subject and language in the PDF itself; Chromium only takes the title from `<title>`. */
async function withMetadata(pdf: Uint8Array, meta: PdfMetadata): Promise<Buffer> {
  // Parsed and written in one go: pdf-lib otherwise yields to the event loop every 100 objects,
  // which made this step ~160 ms of a period report.
  const doc = await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  if (meta.keywords) doc.setKeywords([...meta.keywords]);
  doc.setLanguage(meta.language);
  doc.setCreator('Leefklimaat');
  doc.setProducer('Leefklimaat (Chromium, pdf-lib)');
  doc.setCreationDate(meta.createdAt);
  doc.setModificationDate(meta.createdAt);
  return Buffer.from(await doc.save({ objectsPerTick: Infinity }));
}
