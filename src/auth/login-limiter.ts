import type { Clock } from '../system';

/**
 * Slows guessing: after `freeAttempts` failures for the same key (an email address, or a client
 * address) within the window, each further attempt must wait, doubling up to `maxDelayMs`.
 * Kept in memory only — never written anywhere — and forgotten after the window.
 */
export class AttemptLimiter {
  readonly #failures = new Map<string, { count: number; first: number; blockedUntil: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly options = { freeAttempts: 5, windowMs: 15 * 60_000, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000 },
  ) {}

  /** Milliseconds the caller must still wait before trying any of these keys again (0 = go). */
  retryAfter(keys: readonly string[]): number {
    const now = this.clock.now().getTime();
    return Math.max(0, ...keys.map((key) => (this.#fresh(key, now)?.blockedUntil ?? 0) - now));
  }

  fail(keys: readonly string[]): void {
    const now = this.clock.now().getTime();
    if (this.#failures.size > 10_000) for (const key of [...this.#failures.keys()]) this.#fresh(key, now);
    for (const key of keys) {
      const entry = this.#fresh(key, now) ?? { count: 0, first: now, blockedUntil: 0 };
      entry.count += 1;
      const over = entry.count - this.options.freeAttempts;
      if (over >= 0) entry.blockedUntil = now + Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** over);
      this.#failures.set(key, entry);
    }
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.#failures.delete(key);
  }

  #fresh(key: string, now: number) {
    const entry = this.#failures.get(key);
    if (entry && now - entry.first > this.options.windowMs && now >= entry.blockedUntil) {
      this.#failures.delete(key);
      return undefined;
    }
    return entry;
  }
}
