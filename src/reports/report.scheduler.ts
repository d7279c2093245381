import type { Kysely } from 'kysely';
import { systemViewer } from '../auth/current-user';
import type { Language } from '../config';
import type { DB } from '../db/schema';
import type { Logger } from '../logger';
import { isoDay } from '../system';
import { listRounds } from '../rounds/round.repository';
import { automaticKeysIn, scheduledMunicipalities, summarisedGroupsClosedSince } from './report.repository';
import { generateGroupReport, generatePeriodReport, type ReportDeps } from './report.service';

/**
 * The reports the server makes by itself (SPEC §6):
 * - a group report for each group of a round that closed (for the team), in the institution's
 *   language — for rounds closed in the last {@link RECENT_DAYS} days, so a server that was down a
 *   while catches up, and an upgrade does not render years of old rounds at once;
 * - for each municipality with a schedule, its period report (calendar year or half-year) once
 *   the last round of that period has closed, addressed to its viewers.
 * Each has an `automatic_key`, unique in the archive: never made twice, not even by two
 * processes. One failing report is logged and the others still get made; the next run retries it.
 */
export const RECENT_DAYS = 60;

export interface AutomaticReportsResult {
  readonly group: number;
  readonly period: number;
  readonly failed: number;
}

export class ReportScheduler {
  #running: Promise<AutomaticReportsResult> | undefined;
  /** Asked again while a run was busy (a round closed meanwhile): run once more after it. */
  #again = false;

  constructor(
    private readonly deps: ReportDeps,
    private readonly language: Language,
    private readonly logger?: Logger,
  ) {}

  /**
   * Makes whatever automatic report is due; one run at a time. A call during a run makes that run
   * look once more when it is done, since it may have been made for a round closed meanwhile.
   */
  run(): Promise<AutomaticReportsResult> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      let total: AutomaticReportsResult = { group: 0, period: 0, failed: 0 };
      do {
        this.#again = false;
        const done = await makeDueReports(this.deps, this.language, this.logger);
        total = { group: total.group + done.group, period: total.period + done.period, failed: total.failed + done.failed };
      } while (this.#again);
      return total;
    })().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Resolves when no run is busy (before the database closes at shutdown). */
  async idle(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  /** Starts a run in the background (after a manager closed a round): its outcome is logged. */
  kick(): void {
    this.run().then(
      (done) => (done.group || done.period) && this.logger?.info('automatic reports', { ...done }),
      (error: unknown) => this.logger?.error('automatic reports failed', { error }),
    );
  }
}

async function makeDueReports(deps: ReportDeps, language: Language, logger?: Logger): Promise<AutomaticReportsResult> {
  const db = deps.results.db;
  const today = isoDay(deps.clock.now());
  let group = 0;
  let period = 0;
  let failed = 0;
  const attempt = async (what: Record<string, unknown>, work: () => Promise<unknown>) => {
    try {
      if (await work()) return true;
    } catch (error) {
      failed++;
      logger?.error('automatic report failed', { ...what, error });
    }
    return false;
  };

  for (const due of await dueGroupReports(db, today)) {
    const made = await attempt({ kind: 'group', round: due.roundId, group: due.groupId }, () =>
      generateGroupReport(deps, systemViewer(due.institutionId), due.groupId, due.roundId, { lang: language, generatedBy: 'system', automaticKey: due.key }),
    );
    if (made) group++;
  }
  for (const due of await duePeriodReports(db, today)) {
    const made = await attempt({ kind: 'period', municipality: due.municipalityId, from: due.from, to: due.to }, async () =>
      (await generatePeriodReport(deps, systemViewer(due.institutionId), { from: due.from, to: due.to, municipalityId: due.municipalityId }, { lang: due.language, generatedBy: 'system', automaticKey: due.key })).id,
    );
    if (made) period++;
  }
  return { group, period, failed };
}

/** Summarised groups of recently closed rounds that have no automatic report yet. */
async function dueGroupReports(db: Kysely<DB>, today: string) {
  const since = isoDay(new Date(Date.parse(`${today}T00:00:00Z`) - RECENT_DAYS * 86_400_000));
  const rows = await summarisedGroupsClosedSince(db, since);
  const due = rows.map((r) => ({ ...r, key: `group:${r.roundId}:${r.groupId}` }));
  const made = await automaticKeysIn(db, due.map((d) => d.key));
  return due.filter((d) => !made.has(d.key));
}

/** The calendar period (year or half-year) of `every` months that holds `day`. */
export function calendarPeriod(day: string, every: 6 | 12): { from: string; to: string } {
  const year = Number(day.slice(0, 4));
  if (every === 12) return { from: `${year}-01-01`, to: `${year}-12-31` };
  return Number(day.slice(5, 7)) <= 6 ? { from: `${year}-01-01`, to: `${year}-06-30` } : { from: `${year}-07-01`, to: `${year}-12-31` };
}

function previousPeriod(p: { from: string }, every: 6 | 12): { from: string; to: string } {
  const start = new Date(`${p.from}T00:00:00Z`);
  start.setUTCDate(0); // the day before the period began
  return calendarPeriod(isoDay(start), every);
}

/**
 * A municipality's period report is due when every round of the institution that closes within
 * the period has closed, at least one did, and the period is complete: it is over, or a later
 * round is already planned (so no other round falls in it). Checked for the current period and
 * the one before; older periods are made on demand.
 */
async function duePeriodReports(db: Kysely<DB>, today: string) {
  const municipalities = await scheduledMunicipalities(db);
  const due: { institutionId: string; municipalityId: string; from: string; to: string; language: Language; key: string }[] = [];
  const roundsOf = new Map<string, { closes_on: string; status: string }[]>();
  for (const m of municipalities) {
    if (m.every !== 6 && m.every !== 12) continue;
    let rounds = roundsOf.get(m.institutionId);
    if (!rounds) roundsOf.set(m.institutionId, (rounds = await listRounds(db, m.institutionId)));
    const current = calendarPeriod(today, m.every);
    for (const p of [previousPeriod(current, m.every), current]) {
      const inside = rounds.filter((r) => r.closes_on >= p.from && r.closes_on <= p.to);
      const complete = today > p.to || rounds.some((r) => r.closes_on > p.to);
      if (inside.length === 0 || !complete || inside.some((r) => r.status !== 'closed')) continue;
      due.push({ institutionId: m.institutionId, municipalityId: m.id, ...p, language: m.language === 'en' ? 'en' : 'nl', key: `period:${m.id}:${p.from}..${p.to}` });
    }
  }
  const made = await automaticKeysIn(db, due.map((d) => d.key));
  return due.filter((d) => !made.has(d.key));
}
