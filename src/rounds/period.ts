/**
 * Measurement periods for a cadence of 3, 4, 6 or 12 months: `2026-Q3`, `2026-T2`, `2026-H2`,
 * `2026`. Pure, so the scheduler, the pages and the demo agree on labels and dates.
 */
export type CadenceMonths = 3 | 4 | 6 | 12;

export interface Period {
  readonly year: number;
  /** 1-based position of the period in its year. */
  readonly index: number;
  readonly months: CadenceMonths;
}

export function isCadence(n: number): n is CadenceMonths {
  return n === 3 || n === 4 || n === 6 || n === 12;
}

export function periodOf(date: Date, months: CadenceMonths): Period {
  return { year: date.getUTCFullYear(), index: Math.floor(date.getUTCMonth() / months) + 1, months };
}

export function previousPeriod(p: Period): Period {
  return p.index > 1 ? { ...p, index: p.index - 1 } : { ...p, year: p.year - 1, index: 12 / p.months };
}

export function nextPeriod(p: Period): Period {
  return p.index < 12 / p.months ? { ...p, index: p.index + 1 } : { ...p, year: p.year + 1, index: 1 };
}

const LETTER: Record<CadenceMonths, string> = { 3: 'Q', 4: 'T', 6: 'H', 12: '' };

export function periodLabel(p: Period): string {
  return p.months === 12 ? String(p.year) : `${p.year}-${LETTER[p.months]}${p.index}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The default measuring window: the whole middle month of the period (a quarter's second month,
 * a half-year's fourth: April and October). Staff can change the dates of a planned round.
 */
export function defaultWindow(p: Period): { opensOn: string; closesOn: string } {
  const month = (p.index - 1) * p.months + Math.floor(p.months / 2); // 0-based
  const lastDay = new Date(Date.UTC(p.year, month + 1, 0)).getUTCDate();
  return { opensOn: `${p.year}-${pad(month + 1)}-01`, closesOn: `${p.year}-${pad(month + 1)}-${pad(lastDay)}` };
}
