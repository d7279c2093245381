import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/**
 * Descriptive and inferential statistics for group results. Pure functions of their inputs.
 *
 * Contract for every function here: when a statistic is not defined for the input (too few
 * values, zero variance where it divides) the result is `undefined`, never NaN or Infinity.
 * Inputs are expected to be finite numbers; filtering out missing scores is the caller's job.
 * Definitions follow `../shared/fixtures/statistics/README.md`, which the tests reproduce.
 */

export interface ConfidenceInterval {
  readonly low: number;
  readonly high: number;
}

export interface Description {
  readonly n: number;
  /** Undefined only when n = 0. */
  readonly mean: number | undefined;
  /** Sample SD (n − 1); undefined when n < 2. */
  readonly sd: number | undefined;
  /** mean ± t(0.975, n − 1) · sd / √n; undefined when n < 2. */
  readonly ci95: ConfidenceInterval | undefined;
}

export interface WelchResult {
  /** Sign follows welchTest(a, b): positive when b's mean is higher. */
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom (not an integer in general). */
  readonly df: number;
  /** Two-sided p-value. */
  readonly p: number;
}

export function mean(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Sample variance (n − 1), computed in two passes for accuracy; undefined when n < 2. */
export function sampleVariance(xs: readonly number[]): number | undefined {
  const m = mean(xs);
  if (m === undefined || xs.length < 2) return undefined;
  let squares = 0;
  for (const x of xs) squares += (x - m) ** 2;
  return squares / (xs.length - 1);
}

export function sampleSd(xs: readonly number[]): number | undefined {
  const variance = sampleVariance(xs);
  return variance === undefined ? undefined : Math.sqrt(variance);
}

export function describe(xs: readonly number[]): Description {
  return describeMoments(moments(xs));
}

/**
 * What every statistic here needs of a sample: its size, mean and sample variance. Results are
 * stored per group and round as sums (n, Σx, Σx²), so figures for a location or the institution
 * combine those sums in SQL and come back here — the formulas below exist once, whichever way the
 * moments were obtained.
 */
export interface Moments {
  readonly n: number;
  /** Undefined only when n = 0. */
  readonly mean: number | undefined;
  /** Sample variance (n − 1); undefined when n < 2. */
  readonly variance: number | undefined;
}

/** The moments of the values themselves (two passes, for accuracy). */
export function moments(xs: readonly number[]): Moments {
  return { n: xs.length, mean: mean(xs), variance: sampleVariance(xs) };
}

/**
 * The moments from sums: n, Σx and Σx². One pass loses precision when the spread is tiny
 * against the mean; for scale scores (bounded, a few units wide) the error stays far below the
 * printed precision even at millions of values. A negative variance from rounding is taken as 0.
 */
export function momentsFromSums(n: number, sum: number, sumOfSquares: number): Moments {
  if (n === 0) return { n, mean: undefined, variance: undefined };
  const m = sum / n;
  if (n < 2) return { n, mean: m, variance: undefined };
  return { n, mean: m, variance: Math.max(0, (sumOfSquares - sum * m) / (n - 1)) };
}

export function describeMoments({ n, mean: m, variance }: Moments): Description {
  if (m === undefined || variance === undefined) return { n, mean: m, sd: undefined, ci95: undefined };
  const sd = Math.sqrt(variance);
  const halfWidth = tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  return { n, mean: m, sd, ci95: { low: m - halfWidth, high: m + halfWidth } };
}

/**
 * Classic (covariance-based) Cronbach's alpha, as `psych::alpha`'s raw_alpha:
 * k/(k − 1) · (1 − Σ item variances / variance of row sums), with sample variances.
 * `rows` are complete responses (one row per respondent, one column per item, all the same
 * length). Like psych (`delete = TRUE`), items everyone answered the same are left out before
 * counting k: they add nothing to either variance, only to k/(k − 1), which would otherwise
 * make alpha depend on a constant column. Undefined with fewer than 3 rows, fewer than 2
 * varying items or no variance in the sums. Alpha can be negative (items that disagree);
 * that is reported, not clamped.
 */
export function cronbachAlpha(rows: readonly (readonly number[])[]): number | undefined {
  const width = rows[0]?.length ?? 0;
  if (rows.some((row) => row.length !== width)) {
    throw new RangeError('cronbachAlpha needs complete rows of equal length');
  }
  if (rows.length < 3) return undefined;

  const columns = Array.from({ length: width }, (_, item) => rows.map((row) => row[item] ?? Number.NaN));
  const varying = columns.filter((column) => column.some((x) => x !== column[0]));
  const k = varying.length;
  if (k < 2) return undefined;

  let itemVariances = 0;
  for (const column of varying) itemVariances += sampleVariance(column) ?? 0;
  const totalVariance = sampleVariance(rows.map((row) => row.reduce((sum, x) => sum + x, 0)));
  if (totalVariance === undefined || totalVariance === 0) return undefined;
  return (k / (k - 1)) * (1 - itemVariances / totalVariance);
}

/**
 * Welch's unequal-variances two-sided t-test of b against a (b is the later round).
 * Undefined when either sample has fewer than 2 values or both have zero variance.
 */
export function welchTest(a: readonly number[], b: readonly number[]): WelchResult | undefined {
  return welchFromMoments(moments(a), moments(b));
}

export function welchFromMoments(a: Moments, b: Moments): WelchResult | undefined {
  if (a.mean === undefined || b.mean === undefined || a.variance === undefined || b.variance === undefined) return undefined;

  const wa = a.variance / a.n;
  const wb = b.variance / b.n;
  const se2 = wa + wb;
  if (se2 === 0) return undefined;

  const t = (b.mean - a.mean) / Math.sqrt(se2);
  const df = se2 ** 2 / (wa ** 2 / (a.n - 1) + wb ** 2 / (b.n - 1));
  // cdf(−|t|) rather than 1 − cdf(|t|): no cancellation for very small p.
  const p = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  return { t, df, p };
}

/**
 * Hedges' g of b against a (b is the later round): (mean(b) − mean(a)) / pooled SD, times the
 * small-sample correction 1 − 3 / (4(n1 + n2) − 9). Undefined when either sample has fewer
 * than 2 values or the pooled SD is 0.
 */
export function hedgesG(a: readonly number[], b: readonly number[]): number | undefined {
  return hedgesFromMoments(moments(a), moments(b));
}

export function hedgesFromMoments(a: Moments, b: Moments): number | undefined {
  if (a.mean === undefined || b.mean === undefined || a.variance === undefined || b.variance === undefined) return undefined;
  const n1 = a.n;
  const n2 = b.n;
  const pooledSd = Math.sqrt(((n1 - 1) * a.variance + (n2 - 1) * b.variance) / (n1 + n2 - 2));
  if (pooledSd === 0) return undefined;
  return ((b.mean - a.mean) / pooledSd) * (1 - 3 / (4 * (n1 + n2) - 9));
}
