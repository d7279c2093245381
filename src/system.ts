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

/** `YYYY-MM-DD` of a date in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
