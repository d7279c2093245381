import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { systemViewer, type Viewer } from '../../src/auth/current-user';
import type { Language } from '../../src/config';
import { demoOpenAnswers } from '../../src/demo/demo.data';
import { loadDemo } from '../../src/demo/demo.service';
import { t } from '../../src/i18n/messages';
import { insertImprovementAction } from '../../src/improvement-actions/improvement-action.repository';
import { periodReportTitle } from '../../src/reports/period-report.view';
import { createReportTemplates } from '../../src/reports/report.templates';
import { generatePeriodReport, renderPeriodReport, type RenderedReport, type ReportDeps } from '../../src/reports/report.service';
import { localized } from '../../src/results/charts';
import { periodResults, type PeriodQuery, type PeriodResults, type PeriodSection } from '../../src/results/period.service';
import type { Figure } from '../../src/results/results.service';
import { formatNumber } from '../../src/results/results.view';
import { randomId } from '../../src/system';
import { createTestApp } from '../support/app';

/**
 * The period report for a municipality, read back from the PDF with poppler: the figures printed
 * are the results service's (each in its own group's table), the contract limits what is in it,
 * a group round below k shows its notice and none of its values (in PDF, JSON and CSV), text from
 * users stays text, A4 with metadata and page numbers, English and Dutch number formats, the same
 * output when regenerated, no open answers, and an archive row that the database will not change.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'period-report-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface ReadBack {
  /** `pdftotext -layout`: lines keep the table's rows and columns. */
  readonly layout: string;
  /** `pdftotext` in reading order, all whitespace runs made one space. */
  readonly flat: string;
  readonly info: string;
  readonly fonts: string;
}

function readBack(pdf: Buffer): ReadBack {
  const file = path.join(dir, `${randomId()}.pdf`);
  fs.writeFileSync(file, pdf);
  const run = (tool: string, ...args: string[]) => execFileSync(tool, args, { encoding: 'utf8' });
  return {
    layout: run('pdftotext', '-layout', file, '-'),
    flat: normalise(run('pdftotext', file, '-')),
    info: run('pdfinfo', file),
    fonts: run('pdffonts', file),
  };
}

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();
/** Without any whitespace: for long user text that the PDF may wrap anywhere. */
const squash = (text: string) => text.replace(/\s+/g, '');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const MUNICIPALITY_QUERY = { from: '2025-01-01', to: '2026-12-31' } as const;

// ——— Figures as the scale-table partial prints them ———

const cellMean = (lang: Language, f: Figure) => formatNumber(lang, f.mean);
const cellInterval = (lang: Language, f: Figure) => `${formatNumber(lang, f.ciLow)}–${formatNumber(lang, f.ciHigh)} · n=${f.n}`;

/** One table row as printed: the means and intervals of the cells with a figure, and how many say "geen cijfers". */
interface Row {
  readonly means: string[];
  readonly intervals: string[];
  readonly hidden: number;
}

const INTERVAL = /\d+,\d\d–\d+,\d\d · n=\d+/g;
const MEAN = /(?<![\d,])\d+,\d\d(?![\d–])/g;

/**
 * The figure rows of a block of `pdftotext -layout` text: each line holding intervals is a row's
 * second line; the means (and "geen cijfers") are on the line above, column by column.
 */
function printedRows(block: string): Row[] {
  const lines = block.split('\n').filter((line) => line.trim() !== '');
  const rows: Row[] = [];
  lines.forEach((line, i) => {
    const intervals = line.match(INTERVAL);
    if (!intervals || i === 0) return;
    const above = lines[i - 1]!;
    rows.push({ means: above.match(MEAN) ?? [], intervals, hidden: above.match(/geen cijfers/g)?.length ?? 0 });
  });
  return rows;
}

/** What a table of the report should show: rows = scales, columns = the given cells per round. */
function expectedRows(section: PeriodSection, columns: readonly ({ readonly scales: readonly { scaleId: string; figure?: Figure }[] } | undefined)[]): Row[] {
  return section.instrument.scales
    .map((scale) => {
      const cells = columns.map((column) => column?.scales.find((c) => c.scaleId === scale.id)?.figure);
      const shown = cells.filter((f): f is Figure => f !== undefined);
      return { means: shown.map((f) => cellMean('nl', f)), intervals: shown.map((f) => cellInterval('nl', f)), hidden: cells.length - shown.length };
    })
    .filter((row) => row.intervals.length > 0);
}

interface Block {
  readonly heading: string;
  readonly rows: Row[];
}

/** Every figure table of the report in document order, under the heading it is printed below. */
function expectedBlocks(result: PeriodResults): Block[] {
  const titled = (key: 'rep.summary' | 'rep.results', section: PeriodSection) =>
    result.sections.length > 1 ? `${t('nl', key)}: ${localized(section.instrument.title, 'nl')}` : t('nl', key);
  const summaries = result.sections.map((section) => ({ heading: titled('rep.summary', section), rows: expectedRows(section, section.scope) }));
  const results = result.sections.flatMap((section) => [
    { heading: titled('rep.results', section), rows: [] },
    ...section.locations.flatMap((location) => [
      { heading: location.name, rows: expectedRows(section, location.rounds) },
      ...section.groups
        .filter((g) => g.locationId === location.id)
        .map((group) => ({
          heading: t('nl', 'rep.group', { name: group.name }),
          rows: expectedRows(section, section.rounds.map((r) => group.rounds.find((gr) => gr.roundId === r.roundId))),
        })),
    ]),
  ]);
  return [...summaries, { heading: t('nl', 'rep.method'), rows: [] }, ...results];
}

/**
 * Cuts the layout text at the given headings, found in this order (a heading may wrap onto the
 * next line); each block runs to the next heading, the last to `end`.
 */
function cutAt(text: string, headings: readonly string[], end: string): string[] {
  const starts: number[] = [];
  let from = 0;
  for (const heading of [...headings, end]) {
    const pattern = new RegExp(heading.trim().split(/\s+/).map(escapeRegExp).join('\\s+'), 'g');
    pattern.lastIndex = from;
    const found = pattern.exec(text);
    if (!found) throw new Error(`heading not found after offset ${from}: ${heading}`);
    starts.push(found.index);
    from = found.index + found[0].length;
  }
  return headings.map((_, i) => text.slice(starts[i], starts[i + 1]));
}

/** How often a Dutch number stands on its own in the text (not as part of a longer number). */
function occurrences(text: string, number: string): number {
  return text.match(new RegExp(`(?<![\\d,])${escapeRegExp(number)}(?!\\d)`, 'g'))?.length ?? 0;
}

// ——— CSV ———

/** RFC 4180 as `toCsv` writes it: BOM, CRLF, quoted cells with doubled quotes. */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [[]];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted && c === '"' && body[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      records.at(-1)!.push(cell);
      cell = '';
    } else if (!quoted && c === '\r' && body[i + 1] === '\n') {
      records.at(-1)!.push(cell);
      records.push([]);
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  const [header, ...rows] = records.slice(0, -1);
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ''])));
}

// ——————————————————————————————————————————————————————————————————

describe('the period report', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let deps: ReportDeps;
  let viewer: Viewer;
  let rivierstad: PeriodQuery;
  let polderland: PeriodQuery;
  /** periodResults for the Rivierstad query, asked separately from the report. */
  let expected: PeriodResults;
  let nl: RenderedReport & ReadBack;
  let en: RenderedReport & ReadBack;
  let polder: RenderedReport & ReadBack;
  let empty: RenderedReport & ReadBack;
  /** The second Rivierstad report (nl), made and archived by generatePeriodReport. */
  let generated: { id: string | undefined; report: RenderedReport & ReadBack };

  const municipalityId = async (name: string) => (await ctx.db.selectFrom('municipality').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  const render = async (query: PeriodQuery, lang: Language) => {
    const report = await renderPeriodReport(deps, viewer, query, lang);
    return { ...report, ...readBack(report.pdf) };
  };

  beforeAll(async () => {
    ctx = await createTestApp();
    const demo = await loadDemo(ctx.db, ctx.questionnaires, ctx.clock);
    viewer = systemViewer(demo.institutionId);
    deps = { results: { db: ctx.db, questionnaires: ctx.questionnaires, k: 5 }, renderer: ctx.renderer, templates: createReportTemplates(), clock: ctx.clock, timeZone: ctx.config.timeZone };
    rivierstad = { ...MUNICIPALITY_QUERY, municipalityId: await municipalityId('Gemeente Rivierstad') };
    polderland = { ...MUNICIPALITY_QUERY, municipalityId: await municipalityId('Gemeente Polderland') };
    expected = await periodResults(deps.results, viewer, rivierstad);
    nl = await render(rivierstad, 'nl');
    en = await render(rivierstad, 'en');
    polder = await render(polderland, 'nl');
    empty = await render({ from: '2020-01-01', to: '2020-12-31' }, 'nl');
    const made = await generatePeriodReport(deps, viewer, rivierstad, { lang: 'nl', generatedBy: 'cli' });
    generated = { id: made.id, report: { ...made.report, ...readBack(made.report.pdf) } };
  }, 180_000);
  afterAll(() => ctx.cleanup());

  it('prints exactly the results service’s figures, each in its own table', () => {
    expect(JSON.parse(nl.json)).toEqual(JSON.parse(JSON.stringify(expected)));
    const blocks = expectedBlocks(expected);
    const printed = cutAt(nl.layout, blocks.map((b) => b.heading), t('nl', 'rep.actions-lead'));
    let figures = 0;
    blocks.forEach((block, i) => {
      expect({ heading: block.heading, rows: printedRows(printed[i]!) }).toEqual(block);
      figures += block.rows.reduce((n, row) => n + row.means.length, 0);
    });
    // 2 summaries + 2 × 2 locations + 6 groups, 5 scales × 4 rounds each, less the hidden cells.
    expect(blocks.filter((b) => b.rows.length > 0)).toHaveLength(12);
    expect(figures).toBe(12 * 20 - 2 * 5);

    // Spelled out for one group: under De Haven's heading, the first scale's line ends with
    // De Haven's latest score, and the line below with its interval.
    const section = expected.sections.find((s) => s.groups.some((g) => g.name === 'De Haven'))!;
    const scale = section.instrument.scales[0]!;
    const latest = section.groups.find((g) => g.name === 'De Haven')!.rounds.at(-1)!.scales.find((c) => c.scaleId === scale.id)!.figure!;
    const havenLines = printed[blocks.findIndex((b) => b.heading === 'Groep De Haven')]!.split('\n');
    const line = havenLines.findIndex((l) => l.includes(localized(scale.name, 'nl')));
    expect(havenLines[line]!.trimEnd().endsWith(` ${cellMean('nl', latest)}`)).toBe(true);
    expect(havenLines[line + 1]!.trimEnd().endsWith(cellInterval('nl', latest))).toBe(true);
  }, 60_000);

  it('holds only the locations in the municipality’s contract', () => {
    for (const text of [nl.flat, nl.csv]) {
      for (const name of ['Locatie Centrum', 'De Start', 'De Overstap']) expect(text).not.toContain(name);
    }
    expect(nl.flat).toContain('De Linde');
    const rivierstadJson = JSON.parse(nl.json) as PeriodResults;
    expect(rivierstadJson.municipality?.name).toBe('Gemeente Rivierstad');
    expect(rivierstadJson.locations.map((l) => l.name)).toEqual(['Locatie Noord', 'Locatie Zuid']);
    const contract = new Set(rivierstadJson.locations.map((l) => l.id));
    for (const section of rivierstadJson.sections) {
      for (const location of section.locations) expect(contract).toContain(location.id);
      for (const group of section.groups) expect(contract).toContain(group.locationId);
    }

    for (const name of ['Locatie Centrum', 'De Start', 'De Overstap', 'Gemeente Polderland']) expect(polder.flat).toContain(name);
    for (const name of ['De Linde', 'Locatie Noord', 'Locatie Zuid']) expect(polder.flat).not.toContain(name);
    const polderlandJson = JSON.parse(polder.json) as PeriodResults;
    expect(polderlandJson.locations.map((l) => l.name)).toEqual(['Locatie Centrum']);
    expect(polderlandJson.sections.flatMap((s) => s.groups.map((g) => g.name)).sort()).toEqual(['De Overstap', 'De Start']);
  }, 60_000);

  describe('a group round below k (De Zonnebloem, 2026-H2)', () => {
    let block: string;
    /** What the hidden figures would have been: the stored sums of the round, mean = sum / n. */
    let hiddenMeans: { scaleId: string; mean: number }[];

    beforeAll(async () => {
      [block] = cutAt(nl.layout, ['Groep De Zonnebloem'], t('nl', 'rep.actions-lead')) as [string];
      const rows = await ctx.db
        .selectFrom('scale_result as s')
        .innerJoin('living_group as g', 'g.id', 's.group_id')
        .innerJoin('round as r', 'r.id', 's.round_id')
        .select(['s.scale_id as scaleId', 's.n', 's.sum'])
        .where('g.name', '=', 'De Zonnebloem')
        .where('r.period', '=', '2026-H2')
        .execute();
      hiddenMeans = rows.map((r) => ({ scaleId: r.scaleId, mean: Number(r.sum) / Number(r.n) }));
    }, 60_000);

    it('shows the notice and "geen cijfers" in that column, and none of its values', () => {
      expect(hiddenMeans).toHaveLength(5);
      expect(normalise(block)).toContain(t('nl', 'rep.suppressed', { periods: '2026-H2', k: 5 }));
      // 2026-H2 is the last column: every scale's line of means ends with the notice.
      const scaleLines = block.split('\n').filter((line) => line.match(MEAN) && line.includes('geen cijfers'));
      expect(scaleLines).toHaveLength(5);
      for (const line of scaleLines) expect(line).toMatch(/\d,\d\d\s+geen cijfers\s*$/);

      // A hidden mean may equal a shown figure by chance (1,90 is also a 2025-H2 mean), so count:
      // it may appear only as often as the shown figures of the other rounds account for.
      const group = expected.sections.flatMap((s) => s.groups).find((g) => g.name === 'De Zonnebloem')!;
      const shownNumbers = group.rounds
        .flatMap((r) => r.scales)
        .flatMap((c) => (c.figure ? [c.figure.mean, c.figure.ciLow!, c.figure.ciHigh!] : []))
        .map((x) => formatNumber('nl', x));
      for (const { mean } of hiddenMeans) {
        const number = formatNumber('nl', mean);
        expect({ number, printed: occurrences(block, number) }).toEqual({ number, printed: shownNumbers.filter((s) => s === number).length });
      }
    }, 60_000);

    it('has no figure for it in the JSON or the CSV', () => {
      const json = JSON.parse(nl.json) as PeriodResults;
      const group = json.sections.flatMap((s) => s.groups).find((g) => g.name === 'De Zonnebloem')!;
      const round = group.rounds.find((r) => r.period === '2026-H2')!;
      expect(round.shown).toBe(false);
      // Parsed JSON has no undefined members, so toEqual is exact: the reason and nothing else.
      expect(round.scales).toHaveLength(5);
      for (const cell of round.scales) expect(cell).toEqual({ scaleId: cell.scaleId, hidden: 'too-few-responses' });
      // Not in its location's figures either: Locatie Zuid has no other lk-kind group.
      const section = json.sections.find((s) => s.groups.includes(group))!;
      const zuid = section.locations.find((l) => l.name === 'Locatie Zuid')!.rounds.find((a) => a.period === '2026-H2')!;
      for (const cell of zuid.scales) {
        expect(cell).toMatchObject({ groups: 0, leftOut: 1 });
        expect(cell.figure).toBeUndefined();
      }
      const exact = hiddenMeans.map((h) => h.mean);
      const jsonNumbers: number[] = [];
      JSON.parse(nl.json, (_key, value: unknown) => {
        if (typeof value === 'number') jsonNumbers.push(value);
        return value;
      });
      for (const mean of exact) expect(jsonNumbers).not.toContain(mean);

      const rows = parseCsv(nl.csv).filter((r) => r['group'] === 'De Zonnebloem' && r['period'] === '2026-H2');
      expect(rows).toHaveLength(5);
      for (const row of rows) {
        expect(row).toMatchObject({ n: '', mean: '', sd: '', ci_low: '', ci_high: '', alpha: '', note: 'too-few-responses', responses: '2' });
      }
      const csvNumbers = parseCsv(nl.csv).flatMap((row) => Object.values(row)).filter((cell) => cell !== '').map(Number);
      for (const mean of exact) expect(csvNumbers).not.toContain(mean);
    }, 60_000);
  });

  it('is A4, tagged, with its title, author and subject, page numbers on every page and embedded fonts', () => {
    const title = periodReportTitle('nl', expected);
    expect(nl.title).toBe(title);
    expect(nl.info).toMatch(/^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/m);
    expect(nl.info).toMatch(/^Tagged:\s+yes$/m);
    expect(nl.info).toMatch(new RegExp(`^Title:\\s+${escapeRegExp(title)}$`, 'm'));
    expect(nl.info).toMatch(/^Author:\s+Stichting De Vaart \(demo\)$/m);
    expect(nl.info).toMatch(/^Subject:\s+Perioderapportage leefklimaat$/m);
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(nl.info)![1]);
    expect(pages).toBeGreaterThanOrEqual(6);
    // In reading order a footer may come after the page's last table cells; in layout it is a line of its own.
    const footer = new RegExp(`^\\s*${escapeRegExp(title)}\\s+(\\d+) / (\\d+)\\s*$`);
    const footers = nl.layout.split('\n').flatMap((line) => {
      const found = footer.exec(line);
      return found ? [`${found[1]} / ${found[2]}`] : [];
    });
    expect(footers).toEqual(Array.from({ length: pages }, (_, i) => `${i + 1} / ${pages}`));

    const [header, , ...fonts] = nl.fonts.split('\n').filter(Boolean);
    const emb = header!.indexOf('emb');
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) {
      expect(line).toMatch(/NotoSans/);
      expect(line.slice(emb, emb + 3)).toBe('yes');
    }
  }, 60_000);

  it('speaks English with decimal points, and Dutch with decimal commas', () => {
    for (const heading of ['Summary', 'How it was measured', 'Glossary', 'no figures', 'Results per location and group']) expect(en.flat).toContain(heading);
    expect(en.flat).not.toContain('Samenvatting');
    const figures = expected.sections.flatMap((s) => s.scope).flatMap((a) => a.scales).flatMap((c) => c.figure ?? []);
    expect(figures.length).toBeGreaterThan(0);
    for (const figure of figures) {
      expect(en.flat).toContain(`${cellMean('en', figure)} `);
      expect(en.flat).toContain(cellInterval('en', figure));
      expect(nl.flat).toContain(cellInterval('nl', figure));
    }
    expect(en.flat).not.toMatch(/\d,\d\d/);
    expect(nl.flat).not.toMatch(/\d\.\d\d/);
    expect(en.info).toMatch(/^Subject:\s+Living climate period report$/m);
  }, 60_000);

  it('is the same when made again', () => {
    expect(generated.report.json).toBe(nl.json);
    expect(generated.report.csv).toBe(nl.csv);
    expect(generated.report.title).toBe(nl.title);
    // The clock stands still, so even the "generated on" line is the same.
    expect(generated.report.flat).toBe(nl.flat);
    expect(generated.report.layout).toBe(nl.layout);
  }, 60_000);

  it('holds no open answer in the PDF, the JSON or the CSV', async () => {
    const stored = await ctx.db.selectFrom('open_answer').select('text').distinct().execute();
    expect(stored.map((a) => a.text).filter((text) => demoOpenAnswers.includes(text)).length).toBeGreaterThan(0);
    for (const report of [nl, en, polder, empty, generated.report]) {
      for (const answer of demoOpenAnswers) {
        expect(squash(report.flat)).not.toContain(squash(answer));
        expect(report.json).not.toContain(answer);
        expect(report.csv).not.toContain(answer);
      }
    }
  }, 60_000);

  it('says so when no round closed in the period, and has no figures', () => {
    expect(empty.flat).toContain(t('nl', 'rep.no-rounds'));
    // The only decimal in it is in the appendix's explanation of alpha ("vanaf ongeveer 0,70").
    expect(empty.flat.replace(normalise(t('nl', 'rep.reliability-lead', { k: 5 })), '')).not.toMatch(/\d,\d\d/);
    expect(empty.flat).not.toContain('n=');
    expect(empty.flat).not.toContain('Groep ');
    const json = JSON.parse(empty.json) as PeriodResults;
    expect(json.rounds).toEqual([]);
    expect(json.sections).toEqual([]);
    expect(parseCsv(empty.csv)).toEqual([]);
  }, 60_000);

  it('is archived once, with the SHA-256 of the stored PDF, and never changed', async () => {
    expect(generated.id).toBeDefined();
    const rows = await ctx.db.selectFrom('report').selectAll().execute();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    const pdf = Buffer.from(row.pdf_base64, 'base64');
    expect(row.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(pdf.equals(generated.report.pdf)).toBe(true);
    expect(row).toMatchObject({
      id: generated.id,
      kind: 'period',
      audience: 'municipality',
      municipality_id: rivierstad.municipalityId,
      period_from: '2025-01-01',
      period_to: '2026-12-31',
      language: 'nl',
      generated_by: 'cli',
      title: nl.title,
      json: nl.json,
      csv: nl.csv,
      group_id: null,
      round_id: null,
    });

    await expect(sql`update report set title = 'x'`.execute(ctx.db)).rejects.toThrow(/reports are never changed/);
    await expect(sql`delete from report`.execute(ctx.db)).rejects.toThrow(/reports are never changed/);
    expect(await ctx.db.selectFrom('report').selectAll().execute()).toEqual([row]);
  }, 60_000);
});

describe('the period report with markup in names and actions', () => {
  const payload = `<script>alert(1)</script><b>x</b> "'&`;
  const names = {
    institution: `Stichting ${payload}`,
    location: `Noord ${payload}`,
    group: `De Linde ${payload}`,
    municipality: `Rivierstad ${payload}`,
    action: `Actie ${payload}`,
  };
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let report: RenderedReport & ReadBack;
  let title: string;

  beforeAll(async () => {
    ctx = await createTestApp();
    const { institutionId } = await loadDemo(ctx.db, ctx.questionnaires, ctx.clock);
    const db = ctx.db;
    const id = async (table: 'location' | 'living_group' | 'municipality', name: string) => (await db.selectFrom(table).select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const groupId = await id('living_group', 'De Linde');
    const municipalityId = await id('municipality', 'Gemeente Rivierstad');
    await db.updateTable('institution').set({ name: names.institution }).where('id', '=', institutionId).execute();
    await db.updateTable('location').set({ name: names.location }).where('id', '=', await id('location', 'Locatie Noord')).execute();
    await db.updateTable('living_group').set({ name: names.group }).where('id', '=', groupId).execute();
    await db.updateTable('municipality').set({ name: names.municipality }).where('id', '=', municipalityId).execute();
    const round = await db.selectFrom('round').select('id').where('status', '=', 'closed').orderBy('opens_on', 'desc').executeTakeFirstOrThrow();
    await insertImprovementAction(db, { id: randomId(), round_id: round.id, group_id: groupId, text: names.action, created_by: null, created_at: '2026-11-22T10:00:00Z', updated_at: '2026-11-22T10:00:00Z' });

    const deps: ReportDeps = { results: { db, questionnaires: ctx.questionnaires, k: 5 }, renderer: ctx.renderer, templates: createReportTemplates(), clock: ctx.clock, timeZone: ctx.config.timeZone };
    const query = { ...MUNICIPALITY_QUERY, municipalityId };
    const rendered = await renderPeriodReport(deps, systemViewer(institutionId), query, 'nl');
    report = { ...rendered, ...readBack(rendered.pdf) };
    title = periodReportTitle('nl', { institution: { id: institutionId, name: names.institution, cadenceMonths: 6 }, municipality: { id: municipalityId, name: names.municipality }, ...query });
  }, 120_000);
  afterAll(() => ctx.cleanup());

  it('prints each as the text it is, in the body, the footer and the metadata', () => {
    const text = squash(report.flat);
    for (const [what, name] of Object.entries(names)) expect({ what, printed: text.includes(squash(name)) }).toEqual({ what, printed: true });
    expect(text).toContain(squash(`Groep ${names.group}`));
    expect(text).toContain(squash(`${names.location} · ${names.group}`));
    // The footer is the title, written into a CSS string in the page's <style>.
    expect(text).toContain(squash(`${title} 1 /`));
    expect(report.title).toBe(title);
    expect(report.info).toMatch(new RegExp(`^Title:\\s+${escapeRegExp(title)}$`, 'm'));
    expect(report.info).toMatch(new RegExp(`^Author:\\s+${escapeRegExp(names.institution)}$`, 'm'));
  }, 60_000);
});
