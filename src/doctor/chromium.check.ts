import { findChromium } from '../browser/chromium';
import { embeddedFontCss, PdfRenderer } from '../reports/pdf-renderer';
import { findingsOf, type Finding } from './finding';

const f = findingsOf('chromium');

const page = () => `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Leefklimaat doctor</title>
<style>${embeddedFontCss()}body{font-family:"Report Sans"}</style></head><body><p>Leefklimaat</p></body></html>`;

/**
 * Reports need a Chromium that really starts: found at CHROMIUM_PATH or a system path, launched
 * headless and made to print a one-line PDF through the same renderer the reports use, within
 * `timeoutMs`. Only the PDF's first bytes are looked at; nothing is written.
 */
export async function checkChromium(configured: string | undefined, timeoutMs = 45_000): Promise<Finding[]> {
  const found = await findChromium(configured);
  if (found === undefined) {
    return configured
      ? [f.fail('dr.chromium-path-missing', { path: configured }, { fix: 'dr.chromium-fix' })]
      : [f.fail('dr.chromium-none', undefined, { fix: 'dr.chromium-fix' })];
  }
  const renderer = new PdfRenderer({ chromiumPath: configured, timeoutMs, idleMs: timeoutMs });
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no PDF after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    });
    const meta = { title: 'Leefklimaat doctor', author: 'Leefklimaat', subject: 'doctor', language: 'nl', createdAt: new Date(0) };
    const pdf = await Promise.race([renderer.render(page(), meta), timeout]);
    if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('the output is not a PDF');
    return [f.ok('dr.chromium-ok', { path: found, ms: Date.now() - started })];
  } catch (error) {
    const text = (error instanceof Error ? error.message : String(error)).split('\n').find((line) => line.trim() !== '') ?? '';
    return [f.fail('dr.chromium-broken', { path: found }, { details: [text.slice(0, 300)], fix: 'dr.chromium-fix' })];
  } finally {
    clearTimeout(timer);
    // A browser that never came up cannot be closed; the command's exit ends it.
    await Promise.race([renderer.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  }
}
