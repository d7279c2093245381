import { createRandom } from '../../src/demo/random';
import {
  describe as describeSample,
  describeMoments,
  hedgesFromMoments,
  hedgesG,
  moments,
  momentsFromSums,
  welchFromMoments,
  welchTest,
} from '../../src/results/statistics';

/**
 * Results are stored as sums (n, Σx, Σx²) and combined for locations and the institution. These
 * tests hold the sums route to the values route: the same figures, whichever way they came.
 */
function sample(seed: number, n: number, low = 1, high = 5): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => low + (high - low) * random.next());
}

function sums(xs: readonly number[]) {
  return { n: xs.length, sum: xs.reduce((a, x) => a + x, 0), squares: xs.reduce((a, x) => a + x * x, 0) };
}

describe('moments from sums', () => {
  it.each([2, 3, 5, 10, 1000, 100_000])('gives the two-pass mean and variance for %i scale scores', (n) => {
    const xs = sample(n, n);
    const s = sums(xs);
    const fromSums = momentsFromSums(s.n, s.sum, s.squares);
    const direct = moments(xs);
    expect(fromSums.mean).toBeCloseTo(direct.mean!, 12);
    expect(fromSums.variance).toBeCloseTo(direct.variance!, 9);
  });

  it('describes, tests and sizes effects as the value functions do', () => {
    const a = sample(1, 9);
    const b = sample(2, 12, 2, 5);
    const [sa, sb] = [sums(a), sums(b)];
    const ma = momentsFromSums(sa.n, sa.sum, sa.squares);
    const mb = momentsFromSums(sb.n, sb.sum, sb.squares);
    const d = describeMoments(mb);
    const expected = describeSample(b);
    expect(d.mean).toBeCloseTo(expected.mean!, 12);
    expect(d.sd).toBeCloseTo(expected.sd!, 10);
    expect(d.ci95!.low).toBeCloseTo(expected.ci95!.low, 10);
    expect(d.ci95!.high).toBeCloseTo(expected.ci95!.high, 10);
    expect(welchFromMoments(ma, mb)!.p).toBeCloseTo(welchTest(a, b)!.p, 10);
    expect(welchFromMoments(ma, mb)!.t).toBeCloseTo(welchTest(a, b)!.t, 10);
    expect(hedgesFromMoments(ma, mb)).toBeCloseTo(hedgesG(a, b)!, 10);
  });

  it('pools groups: the sum of the groups’ sums describes all their scores together', () => {
    const groups = [sample(10, 7), sample(11, 12, 2, 4), sample(12, 5)];
    const all = groups.flat();
    const pooled = groups.map(sums).reduce((a, s) => ({ n: a.n + s.n, sum: a.sum + s.sum, squares: a.squares + s.squares }));
    const d = describeMoments(momentsFromSums(pooled.n, pooled.sum, pooled.squares));
    expect(d.n).toBe(all.length);
    expect(d.mean).toBeCloseTo(describeSample(all).mean!, 12);
    expect(d.sd).toBeCloseTo(describeSample(all).sd!, 10);
  });

  it('has no variance, interval or test below two values, and no NaN from rounding', () => {
    expect(momentsFromSums(0, 0, 0)).toEqual({ n: 0, mean: undefined, variance: undefined });
    expect(momentsFromSums(1, 3, 9)).toEqual({ n: 1, mean: 3, variance: undefined });
    expect(describeMoments(momentsFromSums(1, 3, 9)).ci95).toBeUndefined();
    // Identical values whose squares round: the variance is 0, never a tiny negative number.
    const same = Array.from({ length: 7 }, () => 10 / 3);
    const s = sums(same);
    expect(momentsFromSums(s.n, s.sum, s.squares).variance).toBeGreaterThanOrEqual(0);
    expect(welchFromMoments(momentsFromSums(1, 3, 9), moments([1, 2, 3]))).toBeUndefined();
    expect(hedgesFromMoments(moments([2, 2, 2]), moments([2, 2, 2]))).toBeUndefined();
  });
});
