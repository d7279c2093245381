/**
 * `npm run bench:reports`: how long the PDF reports take in-process, next to the floor, a bare
 * puppeteer `page.pdf()` of a small static page measured in the same run, and how much memory
 * this process and its Chromium take while a period report is made.
 *
 * One dataset in a temporary data folder, seeded through `prepare` (questionnaires checked,
 * database created and migrated, questionnaires registered) and then filled directly:
 * 20 groups in 4 locations × 4 closed half-yearly rounds × 10 responses on lk-jeugd v1 (every
 * response answers all 32 items, values 1–5 around a level per group from a seeded generator),
 * one improvement action per group and round, and 2 municipalities with a contract for 2
 * locations each. The closed rounds are summarised in-process (`summarizeClosedRounds`, as the
 * server does when a round closes) before anything is measured.
 *
 * Measured (the report functions as the routes, the scheduler and the command line call them,
 * with the server's own `PdfRenderer`, `createReportTemplates()` and `systemViewer`):
 *   - bare pdf: a new page in a browser launched as the renderer launches it (`launchChromium`),
 *     `setContent` of a small static page, then `page.pdf({ format: 'A4', printBackground: true })`:
 *     the figure is the `page.pdf()` call alone; the whole cycle (new page … close) is shown too.
 *     Interleaved with the warm reports, so it sees the same noise (the machine is shared).
 *   - group report, warm: `renderGroupReport` for the latest round (a different group each call),
 *     browser running, after BENCH_WARMUP calls.
 *   - period report, cold: the first `renderPeriodReport` of a new `PdfRenderer` (its browser not
 *     launched yet, so the launch is included); BENCH_COLD times, each with a new renderer (the
 *     previous one closed), median. The first of the process also pays for loading puppeteer and
 *     for Chromium's files coming off the disk: it is shown on its own line as well.
 *   - period report, warm: the whole institution (20 groups × 4 rounds), browser running; and,
 *     for comparison only, one municipality's report (its contract's 2 locations, 10 groups).
 *   - peak RSS: this Node process plus the report renderer's Chromium (the browser process and
 *     every process under it: zygotes, renderers, GPU, utilities; not the bare-pdf browser, not
 *     tsx's esbuild), the sum of each process's VmRSS from /proc, sampled every BENCH_SAMPLE_MS
 *     during the period-report runs (cold and warm). A sum of RSS counts shared pages (libraries,
 *     Chromium's binary) once per process, so it is an upper bound of what the machine gives up;
 *     the sum of PSS at the same moment is printed beside it as the lower figure.
 *
 * Budgets (the issue): group report ≤ 0.5 s warm, period report ≤ 2 s warm.
 *
 * The LAST line of stdout is one JSON object (medians, ms; peak RSS in MB, 1 MB = 2^20 bytes):
 *   {"bare_pdf_ms": …, "group_report_warm_ms": …, "period_report_cold_ms": …, "period_report_warm_ms": …, "peak_rss_mb": …}
 * The process exits non-zero (and prints no JSON) when a check fails (a report without the
 * groups, rounds or actions it should have, a PDF that is not one).
 *
 * Knobs (environment, all optional): BENCH_DIR (default os.tmpdir()), BENCH_GROUP_CALLS (20, at
 * least 15), BENCH_PERIOD_CALLS (12, at least 10), BENCH_COLD (3), BENCH_WARMUP (2), BENCH_SEED (1),
 * BENCH_SAMPLE_MS (50), CHROMIUM_PATH (as the server: else the system Chromium).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PDFDocument } from 'pdf-lib';
import type { Browser } from 'puppeteer';
import { systemViewer, type Viewer } from '../src/auth/current-user';
import { prepare } from '../src/bootstrap';
import { findChromium, launchChromium } from '../src/browser/chromium';
import { loadConfig, type Config } from '../src/config';
import { createRandom, type Random } from '../src/demo/random';
import { insertImprovementAction } from '../src/improvement-actions/improvement-action.repository';
import { insertGroup, insertInstitution, insertLocation, insertMunicipality, replaceMunicipalityLocations } from '../src/organisation/organisation.repository';
import type { Questionnaire } from '../src/questionnaires/questionnaire';
import { PdfRenderer } from '../src/reports/pdf-renderer';
import { renderGroupReport, renderPeriodReport, type RenderedReport, type ReportDeps } from '../src/reports/report.service';
import { createReportTemplates, type ReportTemplates } from '../src/reports/report.templates';
import type { PeriodQuery } from '../src/results/period.service';
import { summarizeClosedRounds } from '../src/results/round-summary';
import { defaultWindow, periodLabel, periodOf, previousPeriod, type Period } from '../src/rounds/period';
import { insertRound, insertRoundGroups } from '../src/rounds/round.repository';
import { randomId, systemClock } from '../src/system';
import {
  benchDir,
  envNumber,
  fmtInt,
  fmtMs,
  loadQuestionnaire,
  median,
  percentile,
  QUESTIONNAIRE_ID,
  QUESTIONNAIRE_VERSION,
  rawClose,
  rawGet,
  rawOpen,
  rawRun,
  serverEnv,
  table,
  sqliteFileOf,
  runBench,
} from './support';

// ---------------------------------------------------------------------------------------------
// Settings

const settings = {
  groupCalls: Math.round(envNumber('BENCH_GROUP_CALLS', 20, 15)),
  periodCalls: Math.round(envNumber('BENCH_PERIOD_CALLS', 12, 10)),
  cold: Math.round(envNumber('BENCH_COLD', 3, 1)),
  warmup: Math.round(envNumber('BENCH_WARMUP', 2, 0)),
  seed: Math.round(envNumber('BENCH_SEED', 1, 0)),
  sampleMs: envNumber('BENCH_SAMPLE_MS', 50, 5),
} as const;

const BUDGET = { groupWarmMs: 500, periodWarmMs: 2000 } as const;

const SHAPE = { groups: 20, locations: 4, rounds: 4, perCell: 10, municipalities: 2 } as const;
const LANG = 'nl' as const;

// ---------------------------------------------------------------------------------------------
// Seeding

interface Seeded {
  readonly dir: string;
  readonly config: Config;
  readonly institutionId: string;
  readonly groupIds: readonly string[];
  /** Oldest first. */
  readonly roundIds: readonly string[];
  readonly municipalities: readonly { readonly id: string; readonly groupIds: readonly string[] }[];
  /** From the first round's opening day to the last one's closing day: every round. */
  readonly period: { readonly from: string; readonly to: string };
  readonly seedMs: number;
  readonly responses: number;
}

/** The `rounds` half-years before the current one, oldest first: all closed in the past. */
function pastPeriods(rounds: number): Period[] {
  const periods: Period[] = [];
  let p = previousPeriod(periodOf(systemClock.now(), 6));
  for (let i = 0; i < rounds; i++, p = previousPeriod(p)) periods.unshift(p);
  return periods;
}

const RESPONSES_SQL =
  'insert into response (id, round_id, group_id, questionnaire_id, questionnaire_version) ' +
  'select value ->> 0, value ->> 1, value ->> 2, ?2, ?3 from json_each(?1)';
const ANSWERS_SQL =
  'insert into response_answer (response_id, item_id, value) ' +
  'select r.value, i.value, cast(hex(substr(?3, r.key * ?4 + i.key + 1, 1)) as integer) from json_each(?1) as r cross join json_each(?2) as i';

async function seedReports(q: Questionnaire, random: Random, dirs: string[]): Promise<Seeded> {
  const started = performance.now();
  const dir = benchDir('leefklimaat-bench-reports-');
  dirs.push(dir);
  // No server is started: the port is only there for the configuration to be complete.
  const config = loadConfig(serverEnv(dir, 3000));
  const now = systemClock.now().toISOString();
  const institutionId = randomId();
  const locationIds = Array.from({ length: SHAPE.locations }, () => randomId());
  const groupIds = Array.from({ length: SHAPE.groups }, () => randomId());
  const locationOf = (g: number) => g % SHAPE.locations;
  const periods = pastPeriods(SHAPE.rounds);
  const windows = periods.map(defaultWindow);
  const roundIds = periods.map(() => randomId());
  // Municipality m contracts locations 2m and 2m + 1.
  const municipalities = Array.from({ length: SHAPE.municipalities }, (_, m) => ({
    id: randomId(),
    locations: [2 * m, 2 * m + 1],
    groupIds: groupIds.filter((_, g) => [2 * m, 2 * m + 1].includes(locationOf(g))),
  }));

  const { db } = await prepare(config, systemClock);
  try {
    await db.transaction().execute(async (trx) => {
      await insertInstitution(trx, { id: institutionId, name: 'Stichting Bench', cadence_months: 6, created_at: now });
      for (const [i, id] of locationIds.entries()) await insertLocation(trx, { id, institution_id: institutionId, name: `Locatie ${i + 1}` });
      for (const [i, id] of groupIds.entries()) {
        await insertGroup(trx, {
          id,
          location_id: locationIds[locationOf(i)]!,
          name: `Groep ${String(i + 1).padStart(2, '0')}`,
          places: SHAPE.perCell + 2,
          questionnaire_id: QUESTIONNAIRE_ID,
          active: 1,
        });
      }
      for (const [i, period] of periods.entries()) {
        await insertRound(trx, { id: roundIds[i]!, institution_id: institutionId, period: periodLabel(period), opens_on: windows[i]!.opensOn, closes_on: windows[i]!.closesOn, status: 'closed' });
        await insertRoundGroups(
          trx,
          groupIds.map((g) => ({ round_id: roundIds[i]!, group_id: g, questionnaire_id: QUESTIONNAIRE_ID, questionnaire_version: QUESTIONNAIRE_VERSION })),
        );
      }
      for (const [m, municipality] of municipalities.entries()) {
        await insertMunicipality(trx, { id: municipality.id, institution_id: institutionId, name: `Gemeente ${m + 1}` });
        await replaceMunicipalityLocations(trx, municipality.id, municipality.locations.map((l) => locationIds[l]!));
      }
      for (const [r, roundId] of roundIds.entries()) {
        for (const [g, groupId] of groupIds.entries()) {
          await insertImprovementAction(trx, {
            id: randomId(),
            round_id: roundId,
            group_id: groupId,
            text: `Groep ${g + 1}, ${periodLabel(periods[r]!)}: elke week een huiskamergesprek over de afspraken in de groep, en samen met de jongeren kijken wat beter kan.`,
            created_by: null,
            created_at: now,
            updated_at: now,
          });
        }
      }
    });
  } finally {
    await db.destroy();
  }

  // The responses and their answers, straight into the tables as the survey writer leaves them.
  const items = q.items.map((i) => i.id).sort();
  const responses: [string, string, string][] = [];
  const values: number[] = [];
  for (const groupId of groupIds) {
    // A level per group that drifts a little per round, so the charts and changes show something.
    let level = 2.6 + random.next() * 1.8;
    for (const roundId of roundIds) {
      level = Math.min(4.6, Math.max(1.6, level + random.normal(0, 0.25)));
      for (let n = 0; n < SHAPE.perCell; n++) {
        const person = random.normal(0, 0.5);
        responses.push([randomUUID(), roundId, groupId]);
        for (let i = 0; i < items.length; i++) values.push(Math.min(5, Math.max(1, Math.round(level + person + random.normal(0, 0.7)))));
      }
    }
  }
  // Sorted by id, answers alongside: both tables are appended to in their primary key's order.
  const order = responses.map((_, i) => i).sort((a, b) => (responses[a]![0] < responses[b]![0] ? -1 : 1));
  const sorted = order.map((i) => responses[i]!);
  const answerBytes = Buffer.alloc(values.length);
  for (const [at, i] of order.entries()) for (let v = 0; v < items.length; v++) answerBytes[at * items.length + v] = values[i * items.length + v]!;
  const raw = await rawOpen(sqliteFileOf(config.database));
  try {
    await rawRun(raw, 'begin');
    await rawRun(raw, RESPONSES_SQL, [JSON.stringify(sorted), QUESTIONNAIRE_ID, QUESTIONNAIRE_VERSION]);
    await rawRun(raw, ANSWERS_SQL, [JSON.stringify(sorted.map((r) => r[0])), JSON.stringify(items), answerBytes, items.length]);
    await rawRun(raw, 'commit');
    const counted = await rawGet<{ n: number; a: number; bad: number }>(
      raw,
      'select (select count(*) from response) as n, (select count(*) from response_answer) as a, (select total(value not between 1 and 5) from response_answer) as bad',
    );
    if (Number(counted?.n) !== responses.length || Number(counted?.a) !== values.length || Number(counted?.bad) !== 0) {
      throw new Error(`seeded ${JSON.stringify(counted)}, expected ${responses.length} responses and ${values.length} answers in 1–5`);
    }
  } finally {
    await rawClose(raw);
  }

  return {
    dir,
    config,
    institutionId,
    groupIds,
    roundIds,
    municipalities: municipalities.map(({ id, groupIds: g }) => ({ id, groupIds: g })),
    period: { from: windows[0]!.opensOn, to: windows.at(-1)!.closesOn },
    seedMs: performance.now() - started,
    responses: responses.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Memory: this process and the processes under it, from /proc

/** Every process's parent, from /proc/<pid>/stat (the command may hold spaces and parentheses). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(name), ppid);
    } catch {
      // gone in between
    }
  }
  return out;
}

/** A field of /proc/<pid>/status or smaps_rollup (`VmRSS`, `Pss`) in bytes; 0 when the process has gone. */
function procKb(pid: number, file: 'status' | 'smaps_rollup', field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(fs.readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function commOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

interface MemorySample {
  /** Node's VmRSS plus the Chromium processes'. */
  readonly total: number;
  readonly node: number;
  readonly chromium: number;
  readonly processes: number;
  /** The same processes' PSS (shared pages divided among their users), read at a new peak only. */
  readonly pss?: number;
}

/**
 * This process and the Chromium processes under it: every child whose name says Chromium (the
 * browser puppeteer launched) with all of its descendants (zygotes, renderers, GPU, utilities),
 * but not the subtrees rooted at `exclude` (the bare-pdf browser), nor other children (tsx's esbuild).
 */
function chromiumTree(exclude: ReadonlySet<number>): number[] {
  const childrenOf = new Map<number, number[]>();
  for (const [pid, ppid] of parents()) childrenOf.set(ppid, [...(childrenOf.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const stack = (childrenOf.get(process.pid) ?? []).filter((pid) => /chrom|headless/i.test(commOf(pid)));
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (exclude.has(pid)) continue;
    found.push(pid);
    stack.push(...(childrenOf.get(pid) ?? []));
  }
  return found;
}

/** Samples every `settings.sampleMs` while on; keeps the largest total. */
class PeakSampler {
  peak: MemorySample = { total: 0, node: 0, chromium: 0, processes: 0 };
  samples = 0;
  #timer: NodeJS.Timeout | undefined;
  constructor(private readonly exclude: () => ReadonlySet<number>) {}

  sample(): void {
    const pids = chromiumTree(this.exclude());
    const node = procKb(process.pid, 'status', 'VmRSS');
    const rss = pids.map((pid) => procKb(pid, 'status', 'VmRSS'));
    const chromium = rss.reduce((a, b) => a + b, 0);
    this.samples++;
    if (node + chromium > this.peak.total) {
      const pss = [process.pid, ...pids].reduce((sum, pid) => sum + procKb(pid, 'smaps_rollup', 'Pss'), 0);
      this.peak = { total: node + chromium, node, chromium, processes: rss.filter((r) => r > 0).length, pss };
    }
  }

  start(): void {
    this.sample();
    this.#timer ??= setInterval(() => this.sample(), settings.sampleMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

const mb = (bytes: number) => bytes / 2 ** 20;

// ---------------------------------------------------------------------------------------------
// The floor: a bare page.pdf() of a small static page

const STATIC_HTML = `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Bench</title>
<style>body{font-family:sans-serif;margin:2cm;background:#f4f7fb}h1{color:#1d4e89}table{border-collapse:collapse}td,th{border:1px solid #99a;padding:4px 8px}</style>
</head><body>
<h1>Leefklimaat</h1>
<p>Een kleine statische pagina: de ondergrens van een PDF uit Chromium.</p>
<table><tr><th>Schaal</th><th>Gemiddelde</th></tr><tr><td>Steun</td><td>3,9</td></tr><tr><td>Groei</td><td>3,6</td></tr><tr><td>Sfeer</td><td>4,1</td></tr></table>
</body></html>`;

interface BareRun {
  /** page.pdf() alone. */
  readonly pdfMs: number;
  /** newPage, setContent, pdf, close. */
  readonly cycleMs: number;
  readonly bytes: number;
}

async function barePdf(browser: Browser): Promise<BareRun> {
  const started = performance.now();
  const page = await browser.newPage();
  let pdfMs: number;
  let bytes: number;
  try {
    await page.setContent(STATIC_HTML, { waitUntil: 'load' });
    const before = performance.now();
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    pdfMs = performance.now() - before;
    bytes = pdf.length;
    if (Buffer.from(pdf.subarray(0, 5)).toString('latin1') !== '%PDF-') throw new Error('bare pdf: not a PDF');
  } finally {
    await page.close();
  }
  return { pdfMs, cycleMs: performance.now() - started, bytes };
}

// ---------------------------------------------------------------------------------------------
// Checks: a report has what it should, so a fast figure is not a fast empty report

function checkPdf(what: string, pdf: Buffer): void {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-' || pdf.length < 10_000) throw new Error(`${what}: not a PDF, or an empty one (${pdf.length} bytes)`);
}

function checkGroup(seeded: Seeded, groupId: string, report: RenderedReport): void {
  checkPdf('group report', report.pdf);
  const json = JSON.parse(report.json) as { group?: { id: string }; rounds?: { roundId: string }[]; round?: { roundId: string; shown: boolean }; actions?: unknown[] };
  if (json.group?.id !== groupId) throw new Error(`group report: for group ${json.group?.id}, expected ${groupId}`);
  if (json.rounds?.length !== SHAPE.rounds) throw new Error(`group report: ${json.rounds?.length} rounds, expected ${SHAPE.rounds}`);
  if (json.rounds.at(-1)?.roundId !== seeded.roundIds.at(-1) || json.round?.roundId !== seeded.roundIds.at(-1) || !json.round?.shown) {
    throw new Error('group report: not the latest round, shown');
  }
  if (json.actions?.length !== 1) throw new Error(`group report: ${json.actions?.length} improvement actions, expected 1`);
}

function checkPeriod(what: string, report: RenderedReport, groupIds: readonly string[]): void {
  checkPdf(what, report.pdf);
  const json = JSON.parse(report.json) as { rounds?: unknown[]; sections?: { groups: { id: string; rounds: unknown[]; actions: unknown[] }[] }[] };
  if (json.rounds?.length !== SHAPE.rounds) throw new Error(`${what}: ${json.rounds?.length} rounds, expected ${SHAPE.rounds}`);
  const groups = json.sections?.[0]?.groups ?? [];
  if (json.sections?.length !== 1 || groups.length !== groupIds.length || groups.some((g) => !groupIds.includes(g.id))) {
    throw new Error(`${what}: ${groups.length} groups, expected ${groupIds.length}`);
  }
  if (groups.some((g) => g.rounds.length !== SHAPE.rounds || g.actions.length !== SHAPE.rounds)) throw new Error(`${what}: a group without its ${SHAPE.rounds} rounds and actions`);
}

async function describePdf(pdf: Buffer): Promise<string> {
  const pages = (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
  return `${pages} pages, ${(pdf.length / 1024).toFixed(0)} KiB`;
}

// ---------------------------------------------------------------------------------------------

interface Row {
  readonly label: string;
  readonly ms: readonly number[];
  readonly budgetMs?: number;
  readonly baseline?: boolean;
  readonly output?: string;
}

const p95 = (ms: readonly number[]) => percentile(Float64Array.from(ms), 95);
const timed = async <T>(call: () => Promise<T>): Promise<[T, number]> => {
  const before = performance.now();
  const out = await call();
  return [out, performance.now() - before];
};

async function main(): Promise<number> {
  const dirs: string[] = [];
  const renderers: PdfRenderer[] = [];
  let bare: Browser | undefined;
  let db: Awaited<ReturnType<typeof prepare>>['db'] | undefined;
  const excluded = new Set<number>();
  const sampler = new PeakSampler(() => excluded);
  const started = performance.now();
  try {
    const chromium = await findChromium(process.env['CHROMIUM_PATH'] || undefined);
    if (!chromium) throw new Error('no Chromium: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH');
    console.log(
      `Leefklimaat reports bench: node ${process.version}, ${os.cpus().length} CPU(s), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, Chromium ${chromium}, data under ${process.env['BENCH_DIR'] || os.tmpdir()}`,
    );
    console.log(
      `group report warm: ${settings.warmup} warm-up call(s), then ${settings.groupCalls}; period report: ${settings.cold} cold (a new renderer each), ` +
        `${settings.warmup} warm-up, then ${settings.periodCalls} warm; every warm report interleaved with a bare page.pdf() in its own browser\n`,
    );

    const q = loadQuestionnaire().questionnaire;
    const seeded = await seedReports(q, createRandom(settings.seed), dirs);
    console.log(
      `dataset: ${SHAPE.groups} groups (${SHAPE.locations} locations) × ${SHAPE.rounds} closed rounds × ${SHAPE.perCell} responses = ${fmtInt(seeded.responses)} responses, ` +
        `${q.items.length} answers each, 1 improvement action per group and round, ${SHAPE.municipalities} municipalities with 2 locations each; ` +
        `seeded in ${fmtMs(seeded.seedMs)} ms`,
    );

    // The server's own connection settings (`prepare`), and the summaries a closed round gets.
    const prepared = await prepare(seeded.config, systemClock);
    db = prepared.db;
    const [summarised, summariseMs] = await timed(() => summarizeClosedRounds(prepared.db, prepared.questionnaires));
    if (summarised !== SHAPE.groups * SHAPE.rounds) throw new Error(`summarised ${summarised} group-rounds, expected ${SHAPE.groups * SHAPE.rounds}`);
    console.log(`summarised ${summarised} group-rounds in ${fmtMs(summariseMs)} ms; period ${seeded.period.from}..${seeded.period.to}\n`);

    const templates: ReportTemplates = createReportTemplates();
    const viewer: Viewer = systemViewer(seeded.institutionId);
    const depsWith = (renderer: PdfRenderer): ReportDeps => ({
      results: { db: prepared.db, questionnaires: prepared.questionnaires, k: seeded.config.anonymityK },
      renderer,
      templates,
      clock: systemClock,
      timeZone: seeded.config.timeZone,
    });
    // Idle long enough that no browser closes by itself during the bench.
    const newRenderer = () => {
      const r = new PdfRenderer({ idleMs: 30 * 60_000, ...(seeded.config.chromiumPath ? { chromiumPath: seeded.config.chromiumPath } : {}) });
      renderers.push(r);
      return r;
    };
    const institution: PeriodQuery = { ...seeded.period };
    const latest = seeded.roundIds.at(-1)!;
    const groupAt = (i: number) => seeded.groupIds[i % seeded.groupIds.length]!;

    // 1. Period report, cold: a new renderer each time, its browser launched by the report.
    const coldMs: number[] = [];
    let periodOutput = '';
    sampler.start();
    for (let c = 0; c < settings.cold; c++) {
      const renderer = newRenderer();
      const [report, ms] = await timed(() => renderPeriodReport(depsWith(renderer), viewer, institution, LANG));
      coldMs.push(ms);
      if (renderer.launches !== 1) throw new Error(`cold period report: ${renderer.launches} browser launches, expected 1`);
      checkPeriod('period report (cold)', report, seeded.groupIds);
      if (c === 0) periodOutput = await describePdf(report.pdf);
      await renderer.close();
      process.stdout.write(`  cold period report ${c + 1}/${settings.cold}: ${fmtMs(ms)} ms\n`);
    }
    sampler.stop();
    const coldPeak = sampler.peak;

    // 2. The bare browser, launched as the renderer launches it; kept out of the memory figure.
    const [launchedBare, bareLaunchMs] = await timed(() => launchChromium(seeded.config.chromiumPath));
    bare = launchedBare;
    const barePid = bare.process()?.pid;
    if (barePid === undefined) throw new Error('bare browser: no process id');
    excluded.add(barePid);
    const bareRuns: BareRun[] = [];

    // 3. Group report, warm: one renderer (browser running), interleaved with the bare pdf.
    const warm = newRenderer();
    const deps = depsWith(warm);
    let groupOutput = '';
    let call = 0;
    for (let w = 0; w < settings.warmup; w++) {
      await barePdf(bare);
      checkGroup(seeded, groupAt(call), await renderGroupReport(deps, viewer, groupAt(call), latest, LANG));
      call++;
    }
    const groupMs: number[] = [];
    for (let i = 0; i < settings.groupCalls; i++) {
      bareRuns.push(await barePdf(bare));
      const groupId = groupAt(call++);
      const [report, ms] = await timed(() => renderGroupReport(deps, viewer, groupId, latest, LANG));
      groupMs.push(ms);
      checkGroup(seeded, groupId, report);
      if (i === 0) groupOutput = await describePdf(report.pdf);
    }
    console.log(`  group report warm: ${groupMs.length} calls, median ${fmtMs(median(groupMs))} ms`);

    // 4. Period report, warm: the same renderer; the whole institution, and a municipality's.
    for (let w = 0; w < settings.warmup; w++) checkPeriod('period report (warm-up)', await renderPeriodReport(deps, viewer, institution, LANG), seeded.groupIds);
    const periodMs: number[] = [];
    const municipalityMs: number[] = [];
    let municipalityOutput = '';
    sampler.start();
    for (let i = 0; i < settings.periodCalls; i++) {
      bareRuns.push(await barePdf(bare));
      const [report, ms] = await timed(() => renderPeriodReport(deps, viewer, institution, LANG));
      periodMs.push(ms);
      checkPeriod('period report', report, seeded.groupIds);
      // The municipality's report every other round: for comparison, not a headline figure.
      if (i % 2 === 0) {
        const municipality = seeded.municipalities[(i / 2) % seeded.municipalities.length]!;
        const [m, mMs] = await timed(() => renderPeriodReport(deps, viewer, { ...seeded.period, municipalityId: municipality.id }, LANG));
        municipalityMs.push(mMs);
        checkPeriod('municipality period report', m, municipality.groupIds);
        if (i === 0) municipalityOutput = await describePdf(m.pdf);
      }
    }
    sampler.stop();
    console.log(`  period report warm: ${periodMs.length} calls, median ${fmtMs(median(periodMs))} ms`);
    if (warm.launches !== 1) throw new Error(`warm renderer: ${warm.launches} browser launches, expected 1`);
    const peak = sampler.peak;

    // ------------------------------------------------------------------------------------------
    const bareMs = bareRuns.map((r) => r.pdfMs);
    const bareMedian = median(bareMs);
    const rows: Row[] = [
      { label: 'bare pdf: page.pdf() of a static page (A4, printBackground)', ms: bareMs, baseline: true, output: `1 page, ${(bareRuns[0]!.bytes / 1024).toFixed(0)} KiB` },
      { label: '  bare pdf, whole cycle: newPage + setContent + pdf + close', ms: bareRuns.map((r) => r.cycleMs) },
      { label: 'group report, warm (latest round, 4 rounds)', ms: groupMs, budgetMs: BUDGET.groupWarmMs, output: groupOutput },
      { label: `period report, cold (new renderer: launch + render), median of ${settings.cold}`, ms: coldMs, output: periodOutput },
      { label: '  period report, cold, first of the process (also loads puppeteer)', ms: coldMs.slice(0, 1) },
      { label: `period report, warm (institution: ${SHAPE.groups} groups × ${SHAPE.rounds} rounds)`, ms: periodMs, budgetMs: BUDGET.periodWarmMs, output: periodOutput },
      {
        label: `  period report, warm (a municipality: ${seeded.municipalities[0]!.groupIds.length} groups × ${SHAPE.rounds} rounds)`,
        ms: municipalityMs,
        output: municipalityOutput,
      },
    ];
    const tableRows = rows.map((r) => {
      const med = median(r.ms);
      return [
        r.label,
        `${fmtMs(med)} ms`,
        r.ms.length > 1 ? `${fmtMs(p95(r.ms))} ms` : '',
        String(r.ms.length),
        r.baseline ? '' : `${fmtMs(med - bareMedian)} ms`,
        r.budgetMs === undefined ? '' : `≤ ${fmtInt(r.budgetMs)} ms`,
        r.budgetMs === undefined ? '' : med <= r.budgetMs ? 'ok' : 'MISSED',
        r.output ?? '',
      ];
    });
    tableRows.push([
      'peak RSS: node + report Chromium processes (Σ VmRSS; bare browser excluded)',
      `${mb(peak.total).toFixed(1)} MB`,
      '',
      String(sampler.samples),
      '',
      '',
      '',
      `node ${mb(peak.node).toFixed(0)} MB + ${peak.processes} Chromium processes ${mb(peak.chromium).toFixed(0)} MB; Σ PSS then ${mb(peak.pss ?? 0).toFixed(0)} MB`,
    ]);
    console.log('');
    console.log(table(['measure', 'median', 'p95', 'n', 'median − bare pdf', 'budget', 'ok?', 'output'], tableRows, [false, true, true, true, true, false, false, false]));
    console.log('');
    console.log(
      `peak RSS: the largest sum, sampled every ${settings.sampleMs} ms during the period reports (${sampler.samples} samples), of this Node process's VmRSS and that of ` +
        `the report renderer's Chromium processes (the bare-pdf browser and tsx's esbuild not counted). Shared pages count once per process, so it is an upper bound; ` +
        `Σ PSS (shared pages divided) at the same moment is the lower figure. During the cold runs alone: ${mb(coldPeak.total).toFixed(1)} MB ` +
        `(node ${mb(coldPeak.node).toFixed(0)} MB + ${coldPeak.processes} processes ${mb(coldPeak.chromium).toFixed(0)} MB).`,
    );
    console.log(`bare browser launched in ${fmtMs(bareLaunchMs)} ms; whole bench: ${((performance.now() - started) / 1000).toFixed(0)} s`);

    const round1 = (x: number) => Math.round(x * 10) / 10;
    console.log(
      JSON.stringify({
        bare_pdf_ms: round1(bareMedian),
        group_report_warm_ms: round1(median(groupMs)),
        period_report_cold_ms: round1(median(coldMs)),
        period_report_warm_ms: round1(median(periodMs)),
        peak_rss_mb: round1(mb(peak.total)),
      }),
    );
    return 0;
  } finally {
    sampler.stop();
    for (const r of renderers) await r.close();
    await bare?.close().catch(() => undefined);
    await db?.destroy();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

runBench('reports', main);
