import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ScoringModel } from '../../src/questionnaires/questionnaire';

/**
 * The reference statistics in `test/fixtures/statistics/` (computed in R, see its README):
 * reading the CSV files, the questionnaire behind them, and comparing numbers row by row.
 */
export const fixturesDir = path.resolve(__dirname, '../fixtures/statistics');

export type CsvRow = Readonly<Record<string, string>>;

/** A file's rows as header → field; quoted fields may hold commas and doubled quotes. */
export function readFixtureCsv(name: string): CsvRow[] {
  const file = path.join(fixturesDir, name);
  if (!existsSync(file)) {
    throw new Error(`statistics fixture ${file} is missing; expected in test/fixtures/statistics`);
  }
  const [header, ...records] = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map(parseCsvLine);
  if (header === undefined) throw new Error(`statistics fixture ${file} is empty`);
  return records.map((fields, index) => {
    if (fields.length !== header.length) {
      throw new Error(`${name} line ${index + 2}: ${fields.length} fields, header has ${header.length}`);
    }
    return Object.fromEntries(header.map((column, i) => [column, fields[i] ?? '']));
  });
}

function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

export function field(row: CsvRow, column: string): string {
  const value = row[column];
  if (value === undefined) throw new Error(`fixture row has no column "${column}"`);
  return value;
}

/** An empty field is a missing value. */
export function optionalNumber(row: CsvRow, column: string): number | undefined {
  const text = field(row, column);
  if (text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`fixture column "${column}" holds "${text}", not a number`);
  return value;
}

export function requiredNumber(row: CsvRow, column: string): number {
  const value = optionalNumber(row, column);
  if (value === undefined) throw new Error(`fixture column "${column}" is empty`);
  return value;
}

const item = (id: string, scale: string, reverse = false) => ({ id, scale, reverse });

/** The questionnaire behind `responses.csv`, as the fixture README describes it. */
export const fixtureModel: ScoringModel = {
  responseScale: { min: 1, max: 5 },
  scales: [{ id: 'support' }, { id: 'growth' }, { id: 'repression' }, { id: 'atmosphere' }],
  items: [
    ...['s1', 's2', 's3', 's4'].map((id) => item(id, 'support')),
    item('s5', 'support', true),
    item('s6', 'support', true),
    ...['g1', 'g2', 'g3', 'g4', 'g5'].map((id) => item(id, 'growth')),
    ...['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => item(id, 'repression')),
    ...['a1', 'a2', 'a3'].map((id) => item(id, 'atmosphere')),
    item('a4', 'atmosphere', true),
    item('a5', 'atmosphere'),
  ],
  scoring: {
    minAnsweredShare: 0.8,
    total: {
      id: 'total',
      components: [
        { scale: 'support', reverse: false },
        { scale: 'growth', reverse: false },
        { scale: 'atmosphere', reverse: false },
        { scale: 'repression', reverse: true },
      ],
    },
  },
};

export interface FixtureRespondent {
  readonly respondent: string;
  readonly group: string;
  readonly round: number;
  readonly answers: ReadonlyMap<string, number>;
}

export function readFixtureResponses(): FixtureRespondent[] {
  return readFixtureCsv('responses.csv').map((row) => {
    const answers = new Map<string, number>();
    for (const { id } of fixtureModel.items) {
      const value = optionalNumber(row, id);
      if (value !== undefined) answers.set(id, value);
    }
    return { respondent: field(row, 'respondent'), group: field(row, 'group'), round: requiredNumber(row, 'round'), answers };
  });
}

export const TOLERANCE = 1e-9;

/**
 * Nothing when `actual` matches `expected` (both missing, or within TOLERANCE), else one line
 * that says which value of which row differs; tests collect these and expect none.
 */
export function mismatch(label: string, actual: number | undefined, expected: number | undefined): string[] {
  if (actual === undefined && expected === undefined) return [];
  if (actual !== undefined && expected !== undefined && Math.abs(actual - expected) <= TOLERANCE) return [];
  return [`${label}: got ${actual ?? 'missing'}, expected ${expected ?? 'missing'}`];
}
