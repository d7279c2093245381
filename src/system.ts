import { randomUUID } from 'node:crypto';

/** Side effects the services need, passed in so tests can fix them: the clock and random ids. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A random (version 4) UUID. Used for every row whose id must not reveal order — responses above
 * all (SPEC §4.2) — so never a sequence or a time-based id.
 */
export function randomId(): string {
  return randomUUID();
}

/** Whether `zone` is a time zone this Node knows (an IANA name such as `Europe/Amsterdam`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * `YYYY-MM-DD HH:mm` of an instant on the institution's clock: what staff read beside a log entry
 * or an archived report. The machine-readable instant stays UTC (`<time datetime>`, the database).
 */
export function localDateTime(instant: Date | string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']}`;
}

/** `YYYY-MM-DD` of an instant on the institution's clock. */
export function localDay(instant: Date | string, timeZone: string): string {
  return localDateTime(instant, timeZone).slice(0, 10);
}

/** `YYYY-MM-DD` of a date in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
