/**
 * Half-year periods (`2026-H2`), the default cadence (SPEC §3). Pure, so the scheduler and the
 * demo agree on dates.
 */
export interface HalfYear {
  readonly year: number;
  readonly half: 1 | 2;
}

export function halfYearOf(date: Date): HalfYear {
  return { year: date.getUTCFullYear(), half: date.getUTCMonth() < 6 ? 1 : 2 };
}

export function previousHalfYear(p: HalfYear): HalfYear {
  return p.half === 2 ? { year: p.year, half: 1 } : { year: p.year - 1, half: 2 };
}

export function nextHalfYear(p: HalfYear): HalfYear {
  return p.half === 1 ? { year: p.year, half: 2 } : { year: p.year + 1, half: 1 };
}

export function periodLabel(p: HalfYear): string {
  return `${p.year}-H${p.half}`;
}

/** The default measuring window: March in the first half, October in the second. */
export function defaultWindow(p: HalfYear): { opensOn: string; closesOn: string } {
  return p.half === 1
    ? { opensOn: `${p.year}-03-01`, closesOn: `${p.year}-03-31` }
    : { opensOn: `${p.year}-10-01`, closesOn: `${p.year}-10-31` };
}
