import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CurrentUser } from '../../src/auth/current-user';
import { loadDemo } from '../../src/demo/demo.service';
import { insertImprovementAction } from '../../src/improvement-actions/improvement-action.repository';
import { PdfRenderer } from '../../src/reports/pdf-renderer';
import { createReportTemplates } from '../../src/reports/report.templates';
import { archiveReport, renderGroupReport, type ReportDeps } from '../../src/reports/report.service';
import { groupRoundDetail, isDetail } from '../../src/results/results.service';
import { formatNumber } from '../../src/results/results.view';
import { randomId } from '../../src/system';
import { createTestApp } from '../support/app';

/**
 * The group report read back from the PDF with pdftotext: the figures printed are the results
 * service's, a round below k shows the notice and no values, text from users stays text, and the
 * archive keeps the PDF with its SHA-256 and companions without open answers.
 */
describe('the group report', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let deps: ReportDeps;
  let user: CurrentUser;
  let renderer: PdfRenderer;
  let groups: { id: string; name: string }[];
  let latestRound: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'group-report-'));

  const pdfText = (pdf: Buffer) => {
    const file = path.join(dir, `${randomId()}.pdf`);
    fs.writeFileSync(file, pdf);
    return { text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }), info: execFileSync('pdfinfo', [file], { encoding: 'utf8' }) };
  };

  beforeAll(async () => {
    ctx = await createTestApp();
    const demo = await loadDemo(ctx.db, ctx.questionnaires, ctx.clock);
    groups = await ctx.db.selectFrom('living_group').select(['id', 'name']).execute();
    latestRound = (await ctx.db.selectFrom('round').select('id').where('status', '=', 'closed').orderBy('opens_on', 'desc').executeTakeFirstOrThrow()).id;
    user = { id: 'u', email: 'm@x.nl', displayName: 'M', role: 'manager', institutionId: demo.institutionId, municipalityId: null, hasPin: false, csrfToken: '', sessionHash: '' };
    renderer = new PdfRenderer();
    deps = { results: { db: ctx.db, questionnaires: ctx.questionnaires, k: 5 }, renderer, templates: createReportTemplates(), clock: ctx.clock, timeZone: ctx.config.timeZone };
  }, 60_000);
  afterAll(async () => {
    await renderer.close();
    await ctx.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const group = (name: string) => groups.find((g) => g.name === name)!.id;

  it('prints the day it was made on the institution’s clock, not in UTC', async () => {
    // The test clock says 10:00 UTC on 22 November: already the 23rd where the clock is UTC+14.
    const dates = async (timeZone: string) => {
      const { text } = pdfText((await renderGroupReport({ ...deps, timeZone }, user, group('De Linde'), latestRound, 'nl')).pdf);
      return [...text.matchAll(/2026-11-2\d/g)].map((m) => m[0]);
    };
    expect(await dates('Europe/Amsterdam')).toContain('2026-11-22');
    const far = await dates('Pacific/Kiritimati');
    expect(far).toContain('2026-11-23');
    expect(far).not.toContain('2026-11-22');
  });

  it('prints the results service’s figures for every scale and round, with title, author and subject', async () => {
    const report = await renderGroupReport(deps, user, group('De Linde'), latestRound, 'nl');
    const { text, info } = pdfText(report.pdf);
    const detail = await groupRoundDetail(deps.results, user, group('De Linde'), latestRound);
    if (!isDetail(detail)) throw new Error('no detail');
    const flat = text.replace(/\s+/g, ' ');
    for (const round of detail.rounds) {
      for (const cell of round.scales) {
        expect(cell.figure).toBeDefined();
        const { mean, ciLow, ciHigh } = cell.figure!;
        expect(flat).toContain(`${formatNumber('nl', mean)} ${formatNumber('nl', ciLow)} – ${formatNumber('nl', ciHigh)}`);
      }
    }
    expect(flat).toContain('Leefklimaat De Linde, 2026-H2');
    expect(info).toMatch(/^Title:\s+Leefklimaat De Linde, 2026-H2$/m);
    expect(info).toMatch(/^Author:\s+Stichting De Vaart \(demo\)$/m);
    expect(info).toMatch(/^Subject:\s+Groepsrapport leefklimaat$/m);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(Number(/^Pages:\s+(\d+)$/m.exec(info)![1])).toBeGreaterThanOrEqual(3);
    // Page numbers on every page: "n / total".
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(info)![1]);
    for (let n = 1; n <= pages; n++) expect(flat).toMatch(new RegExp(`Leefklimaat De Linde, 2026-H2 ${n}\\s*/\\s*${pages}`));
  }, 60_000);

  it('a round below k shows the notice and none of its values', async () => {
    const report = await renderGroupReport(deps, user, group('De Zonnebloem'), latestRound, 'nl');
    const flat = pdfText(report.pdf).text.replace(/\s+/g, ' ');
    expect(flat).toContain('Te weinig reacties om resultaten te tonen (minder dan 5).');
    // In every scale's table the hidden round's row holds the notice where its values would be,
    // and the page has no comparison of this round (it would print its means).
    const rows = flat.match(/2026-H2 2 van 7 plaatsen \(29%\) (\S+)/g) ?? [];
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row).toMatch(/\(29%\) Te$/);
    expect(flat).not.toContain('Deze meting, de vorige en de instelling');
    expect(JSON.parse(report.json).round.scales.every((c: { figure?: unknown }) => c.figure === undefined)).toBe(true);
  }, 60_000);

  it('prints markup in names and actions as the text it is', async () => {
    const payload = '<script>alert(1)</script><b>vet</b>';
    await ctx.db.updateTable('living_group').set({ name: `De Linde ${payload}` }).where('id', '=', group('De Linde')).execute();
    await insertImprovementAction(ctx.db, { id: randomId(), round_id: latestRound, group_id: group('De Linde'), text: `Actie ${payload}`, created_by: null, created_at: '2026-11-22T10:00:00Z', updated_at: '2026-11-22T10:00:00Z' });
    const institution = await ctx.db.selectFrom('institution').select('name').where('id', '=', user.institutionId!).executeTakeFirstOrThrow();
    await ctx.db.updateTable('institution').set({ name: 'Stichting <i>De Vaart</i>' }).where('id', '=', user.institutionId!).execute();
    try {
      const report = await renderGroupReport(deps, user, group('De Linde'), latestRound, 'nl');
      const flat = pdfText(report.pdf).text.replace(/\s+/g, ' ');
      expect(flat).toContain(`De Linde ${payload}`);
      expect(flat).toContain(`Actie ${payload}`);
      expect(flat).toContain('Stichting <i>De Vaart</i>');
    } finally {
      await ctx.db.updateTable('living_group').set({ name: 'De Linde' }).where('id', '=', group('De Linde')).execute();
      await ctx.db.updateTable('institution').set({ name: institution.name }).where('id', '=', user.institutionId!).execute();
    }
  }, 60_000);

  it('is archived with its SHA-256 and companions that hold no open answers', async () => {
    const report = await renderGroupReport(deps, user, group('De Haven'), latestRound, 'nl');
    const id = await archiveReport(ctx.db, ctx.clock, report, { institutionId: user.institutionId!, kind: 'group', periodFrom: '2026-H2', periodTo: '2026-H2', audience: 'team', groupId: group('De Haven'), lang: 'nl', generatedBy: user.id });
    if (!id) throw new Error('not archived');
    const row = await ctx.db.selectFrom('report').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const pdf = Buffer.from(row.pdf_base64, 'base64');
    expect(row.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(JSON.parse(row.json)).not.toHaveProperty('openAnswers');
    const openTexts = await ctx.db.selectFrom('open_answer').select('text').where('group_id', '=', group('De Haven')).execute();
    expect(openTexts.length).toBeGreaterThan(0);
    for (const { text } of openTexts) {
      expect(row.json).not.toContain(text);
      expect(row.csv).not.toContain(text);
      expect(pdfText(pdf).text).not.toContain(text);
    }
  }, 60_000);
});
