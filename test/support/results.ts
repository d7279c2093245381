import type { Express } from 'express';
import request from 'supertest';
import type { Database } from '../../src/db/database';
import type { Random } from '../../src/demo/random';
import { insertGroup } from '../../src/organisation/organisation.repository';
import type { Questionnaire } from '../../src/questionnaires/questionnaire';
import { insertResponse } from '../../src/responses/response.repository';
import { respondentScores } from '../../src/results/scoring';
import { cronbachAlpha, describe as describeSample, hedgesG, welchTest, type Description } from '../../src/results/statistics';
import { insertRound, insertRoundGroups } from '../../src/rounds/round.repository';
import type { RoundStatus } from '../../src/rounds/round.table';
import { randomId } from '../../src/system';

/**
 * Helpers for the results tests: simulated answers, the figures expected from them (computed
 * here from the raw answers with the pure scoring and statistics functions — never through the
 * results service), and small readers for what the routes send back (CSV, page text, numbers as
 * a Dutch page prints them).
 */

/** One respondent's closed answers, keyed by item id; an absent item is unanswered. */
export type Answers = Record<string, number>;

// ——— Data ———

/**
 * A respondent drawn around a group's level per scale (as scored, so higher is the scale's own
 * "higher"), with a personal factor shared by the scales and noise per item, so scales correlate
 * and alpha is a real number. `skip` items are left unanswered; others are skipped at `skipShare`.
 */
export function simulateRespondent(q: Questionnaire, random: Random, levels: Readonly<Record<string, number>>, options: { skip?: readonly string[]; skipShare?: number } = {}): Answers {
  const { min, max } = q.responseScale;
  const person = random.normal(0, 0.6);
  const answers: Answers = {};
  for (const item of q.items) {
    const noise = random.normal(0, 0.9);
    const skipped = random.chance(options.skipShare ?? 0);
    if (skipped || options.skip?.includes(item.id)) continue;
    const scored = Math.min(max, Math.max(min, Math.round((levels[item.scale] ?? (min + max) / 2) + person + noise)));
    answers[item.id] = item.reverse ? min + max - scored : scored;
  }
  return answers;
}

/** A level per scale of the questionnaire, somewhere in the middle of its range. */
export function randomLevels(q: Questionnaire, random: Random): Record<string, number> {
  const { min, max } = q.responseScale;
  const middle = (min + max) / 2;
  return Object.fromEntries(q.scales.map((s) => [s.id, Math.min(max, Math.max(min, random.normal(middle + 0.3, (max - min) / 6)))]));
}

export async function addGroup(db: Database, options: { locationId: string; name: string; questionnaireId: string; places?: number }): Promise<string> {
  const id = randomId();
  await insertGroup(db, { id, location_id: options.locationId, name: options.name, places: options.places ?? 12, questionnaire_id: options.questionnaireId, active: 1 });
  return id;
}

export async function addRound(
  db: Database,
  options: { institutionId: string; period: string; opensOn: string; closesOn: string; status: RoundStatus; groups: readonly { id: string; questionnaireId: string }[] },
): Promise<string> {
  const id = randomId();
  await insertRound(db, { id, institution_id: options.institutionId, period: options.period, opens_on: options.opensOn, closes_on: options.closesOn, status: options.status });
  await insertRoundGroups(
    db,
    options.groups.map((g) => ({ round_id: id, group_id: g.id, questionnaire_id: g.questionnaireId, questionnaire_version: options.status === 'planned' ? null : 1 })),
  );
  return id;
}

/** Stores each respondent as a response with a random id, as the survey would. */
export async function storeResponses(db: Database, q: Questionnaire, roundId: string, groupId: string, respondents: readonly Answers[]): Promise<void> {
  for (const answers of respondents) {
    await insertResponse(
      db,
      { id: randomId(), round_id: roundId, group_id: groupId, questionnaire_id: q.id, questionnaire_version: q.version },
      Object.entries(answers).map(([item_id, value]) => ({ item_id, value })),
    );
  }
}

// ——— Expected figures, from the raw answers ———

export interface ExpectedScale {
  /** The respondents' scale scores (only those with enough answered items). */
  readonly scores: number[];
  readonly d: Description;
  readonly alpha: number | undefined;
}

/** min + max − x for reverse-keyed items: the value that counts for the scale (SPEC §6). */
export function scored(q: Questionnaire, itemId: string, value: number): number {
  const item = q.items.find((i) => i.id === itemId)!;
  return item.reverse ? q.responseScale.min + q.responseScale.max - value : value;
}

/** Recoded answers to one scale's items, one row per respondent who answered all of them. */
export function completeRows(q: Questionnaire, scaleId: string, respondents: readonly Answers[]): number[][] {
  const items = q.items.filter((i) => i.scale === scaleId);
  return respondents.filter((a) => items.every((i) => a[i.id] !== undefined)).map((a) => items.map((i) => scored(q, i.id, a[i.id]!)));
}

/** Every scale of the questionnaire and its total, by id. */
export function expectedScales(q: Questionnaire, respondents: readonly Answers[]): Map<string, ExpectedScale> {
  const scores = respondents.map((a) => respondentScores(q, a));
  const out = new Map<string, ExpectedScale>();
  for (const scale of q.scales) {
    const values = scores.flatMap((s) => (s.scales[scale.id] === undefined ? [] : [s.scales[scale.id]!]));
    out.set(scale.id, { scores: values, d: describeSample(values), alpha: cronbachAlpha(completeRows(q, scale.id, respondents)) });
  }
  const total = q.scoring.total;
  if (total) {
    const values = scores.flatMap((s) => (s.total === undefined ? [] : [s.total]));
    out.set(total.id, { scores: values, d: describeSample(values), alpha: undefined });
  }
  return out;
}

export interface ExpectedItem {
  readonly values: number[];
  readonly d: Description;
  /** How often each raw answer value was given. */
  readonly counts: Map<number, number>;
}

export function expectedItems(q: Questionnaire, respondents: readonly Answers[]): Map<string, ExpectedItem> {
  const out = new Map<string, ExpectedItem>();
  for (const item of q.items) {
    const raw = respondents.flatMap((a) => (a[item.id] === undefined ? [] : [a[item.id]!]));
    const counts = new Map<number, number>();
    for (const v of raw) counts.set(v, (counts.get(v) ?? 0) + 1);
    const values = raw.map((v) => scored(q, item.id, v));
    out.set(item.id, { values, d: describeSample(values), counts });
  }
  return out;
}

export type ExpectedDirection = 'better' | 'worse' | 'same' | 'unclear';

/** Change of a scale from `before` to `after` (both respondent scores), as the spec words it. */
export function expectedChange(before: readonly number[], after: readonly number[], higherIsBetter: boolean) {
  const test = welchTest(before, after);
  const g = hedgesG(before, after);
  const difference = describeSample(after).mean! - describeSample(before).mean!;
  const better = higherIsBetter ? difference > 0 : difference < 0;
  const direction: ExpectedDirection = test === undefined ? 'unclear' : test.p < 0.05 ? (better ? 'better' : 'worse') : 'same';
  return { difference, p: test?.p, hedgesG: g, direction };
}

// ——— Reading what the routes send ———

export interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

const ACCEPT = { html: 'text/html', json: 'application/json', csv: 'text/csv' } as const;

/** A GET as a signed-in staff member (or nobody), asking for a page, JSON or CSV. */
export function getAs(app: Express, who: Session | undefined, url: string, accept: keyof typeof ACCEPT = 'html') {
  const req = request(app).get(url).set('Accept', ACCEPT[accept]);
  return who ? req.set('Cookie', who.cookie) : req;
}

/** A form POST as a staff member, with the session's CSRF token. */
export function postFormAs(app: Express, who: Session, url: string, body: Record<string, unknown>) {
  return request(app).post(url).set('Cookie', who.cookie).set('Accept', 'text/html').type('form').send({ _csrf: who.csrf, ...body });
}

/** A JSON POST as a staff member (CSRF token in the header, as a script would send it). */
export function postJsonAs(app: Express, who: Session, url: string, body: unknown) {
  return request(app).post(url).set('Cookie', who.cookie).set('Accept', 'application/json').set('x-csrf-token', who.csrf).send(body as object);
}

/** RFC 4180 CSV (with the byte-order mark the exports start with) as records keyed by header. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  const [header, ...records] = rows;
  if (!header) return [];
  for (const r of records) if (r.length !== header.length) throw new Error(`CSV row with ${r.length} cells under a header of ${header.length}: ${r.join('|')}`);
  return records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!])));
}

/** The visible text of an HTML fragment: tags dropped, entities decoded, white space collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(lt|gt|quot|amp|#x27|#39|#x3D|#x60|nbsp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&', '#x27': "'", '#39': "'", '#x3D': '=', '#x60': '`', nbsp: ' ' })[e]!)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The part of a page from the first `start` to the next `end` after it (inclusive); throws when absent. */
export function sliceOf(html: string, start: string | RegExp, end: string): string {
  const at = typeof start === 'string' ? html.indexOf(start) : html.search(start);
  if (at < 0) throw new Error(`page has no ${String(start)}`);
  const stop = html.indexOf(end, at);
  if (stop < 0) throw new Error(`page has no ${end} after ${String(start)}`);
  return html.slice(at, stop + end.length);
}

/** The contents of every `<script type="application/json">` on a page. */
export function jsonScripts(html: string): string[] {
  return [...html.matchAll(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
}

/** A number as a Dutch page prints it: two decimals, a decimal comma (3,45). Written here, not imported. */
export function nl(x: number): string {
  return `${x < 0 ? '-' : ''}${Math.abs(x).toFixed(2).replace('.', ',')}`;
}

/**
 * The printed forms of a figure known to about 1e-9: the service adds sums in another order
 * than the test does, so a value on a rounding edge (3,125) may print either way.
 */
export function nlForms(x: number): string[] {
  return [...new Set([nl(x - 1e-9), nl(x), nl(x + 1e-9)])];
}
