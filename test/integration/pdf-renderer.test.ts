import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { embeddedFontCss, PdfRenderer, ReportRenderError } from '../../src/reports/pdf-renderer';
import { scriptJson } from '../../src/results/charts';

/**
 * The PDF renderer in the real system Chromium, read back with poppler: text as printed, the
 * embedded font (never a system one), the document information, tagging, A4 — and one browser for
 * many reports, closed when idle.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function poppler(tool: string, pdf: Buffer, ...args: string[]): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' });
}

const chart = { type: 'line', data: { labels: ['2025-H1', '2025-H2'], datasets: [{ label: 'Steun', data: [3.1, 3.6] }] }, options: { scales: { y: { min: 1, max: 5 } } } };

function report(body: string, charts: Record<string, unknown> = {}): string {
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Testrapport</title>
<style>${embeddedFontCss()}
@page { size: A4; margin: 18mm 16mm; @bottom-center { content: "Pagina " counter(page) " van " counter(pages); font-family: "Report Sans"; font-size: 9pt; } }
body { font-family: "Report Sans"; } .break { break-before: page; }</style></head>
<body>${body}${Object.entries(charts).map(([id, config]) => `<canvas data-chart="${id}" width="600" height="300"></canvas><script type="application/json" id="${id}">${scriptJson(config)}</script>`).join('')}</body></html>`;
}

const meta = { title: 'Groepsrapport De Linde 2026-H2', author: 'Stichting Test', subject: 'Leefklimaat', keywords: ['leefklimaat'], language: 'nl', createdAt: new Date('2026-11-22T10:00:00Z') };

describe('PDF renderer', () => {
  const renderer = new PdfRenderer({ idleMs: 60_000 });
  afterAll(() => renderer.close());

  it('prints the text in the embedded font, with page numbers, metadata and tags, on A4', async () => {
    const pdf = await renderer.render(report('<h1>Leefklimaat</h1><p>Score 3,45 (95%-interval 3,10 tot 3,80)</p><p class="break">Tweede pagina</p>', { c1: chart }), meta);
    const text = poppler('pdftotext', pdf, '-layout');
    expect(text).toContain('Score 3,45 (95%-interval 3,10 tot 3,80)');
    expect(text).toContain('Pagina 1 van 2');
    expect(text).toContain('Pagina 2 van 2');
    const info = poppler('pdfinfo', pdf);
    expect(info).toMatch(/^Title:\s+Groepsrapport De Linde 2026-H2$/m);
    expect(info).toMatch(/^Author:\s+Stichting Test$/m);
    expect(info).toMatch(/^Subject:\s+Leefklimaat$/m);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Pages:\s+2$/m);
    expect(info).toMatch(/^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/m);
    const fonts = poppler('pdffonts', pdf);
    // Every font in the file is embedded, and the text is in ours, not a system font.
    expect(fonts).toMatch(/ReportSans|Report-Sans|NotoSans/i);
    for (const line of fonts.split('\n').slice(2).filter(Boolean)) expect(line).toMatch(/\byes\b/);
  }, 60_000);

  it('shares one browser between reports', async () => {
    const before = renderer.launches;
    await Promise.all([renderer.render(report('<p>een</p>'), meta), renderer.render(report('<p>twee</p>'), meta)]);
    await renderer.render(report('<p>drie</p>'), meta);
    expect(renderer.launches - before).toBeLessThanOrEqual(1);
    expect(renderer.launches).toBe(1);
  }, 60_000);

  it('says clearly when a chart cannot be drawn, and keeps working', async () => {
    const unknownType = { type: 'no-such-chart-type', data: { labels: ['a'], datasets: [{ label: 'x', data: [1] }] }, options: {} };
    await expect(renderer.render(report('<p>x</p>', { bad: unknownType }), meta)).rejects.toThrow(ReportRenderError);
    await expect(renderer.render(report('<p>x</p>', { bad: unknownType }), meta)).rejects.toThrow(/chart could not be drawn: "no-such-chart-type" is not a registered controller/);
    const pdf = await renderer.render(report('<p>daarna gewoon</p>'), meta);
    expect(poppler('pdftotext', pdf)).toContain('daarna gewoon');
  }, 60_000);

  it('lets the page reach nothing outside it', async () => {
    const pdf = await renderer.render(report('<p>tekst</p><img src="http://example.invalid/x.png" alt="extern"><link rel="stylesheet" href="http://example.invalid/x.css">'), meta);
    expect(poppler('pdftotext', pdf)).toContain('tekst');
  }, 60_000);
});

describe('PDF renderer when idle', () => {
  it('closes the browser after a quiet spell and starts a new one when needed', async () => {
    const renderer = new PdfRenderer({ idleMs: 200 });
    try {
      await renderer.render(report('<p>een</p>'), meta);
      expect(renderer.running).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(renderer.running).toBe(false);
      await renderer.render(report('<p>twee</p>'), meta);
      expect(renderer.launches).toBe(2);
    } finally {
      await renderer.close();
    }
  }, 60_000);

  it('gives a clear error when there is no browser', async () => {
    const renderer = new PdfRenderer({ chromiumPath: '/no/such/chromium' });
    await expect(renderer.render(report('<p>x</p>'), meta)).rejects.toThrow(/No Chromium found/);
    await renderer.close();
  });
});
