import { respondentScores, scaleItemMatrix } from '../../src/results/scoring';
import {
  cronbachAlpha,
  describe as describeSample,
  hedgesG,
  mean,
  sampleSd,
  sampleVariance,
  welchTest,
} from '../../src/results/statistics';
import {
  field,
  fixtureModel,
  mismatch,
  optionalNumber,
  readFixtureCsv,
  readFixtureResponses,
  requiredNumber,
} from '../support/fixtures';

/** Respondents of responses.csv with their scores, as the results service would have them. */
function scoredFixture() {
  return readFixtureResponses().map((respondent) => ({
    ...respondent,
    scores: respondentScores(fixtureModel, respondent.answers),
  }));
}

type Scored = ReturnType<typeof scoredFixture>[number];

/** 'total' is the model's total; anything else is a scale id. */
function scoresOf(respondents: readonly Scored[], scale: string): number[] {
  return respondents.flatMap(({ scores }) => {
    const score = scale === 'total' ? scores.total : scores.scales[scale];
    return score === undefined ? [] : [score];
  });
}

describe('group statistics against the R reference', () => {
  it('reproduces the R group statistics for every group, round and scale', () => {
    const scored = scoredFixture();
    const expected = readFixtureCsv('expected-group-stats.csv');
    expect(expected.length).toBeGreaterThan(0);

    const problems: string[] = [];
    for (const row of expected) {
      const group = field(row, 'group');
      const round = requiredNumber(row, 'round');
      const scale = field(row, 'scale');
      const label = `group ${group} round ${round} ${scale}`;
      const members = scored.filter((r) => r.group === group && r.round === round);

      const stats = describeSample(scoresOf(members, scale));
      problems.push(...mismatch(`${label} n`, stats.n, requiredNumber(row, 'n')));
      problems.push(...mismatch(`${label} mean`, stats.mean, requiredNumber(row, 'mean')));
      problems.push(...mismatch(`${label} sd`, stats.sd, requiredNumber(row, 'sd')));
      problems.push(...mismatch(`${label} ci95_low`, stats.ci95?.low, requiredNumber(row, 'ci95_low')));
      problems.push(...mismatch(`${label} ci95_high`, stats.ci95?.high, requiredNumber(row, 'ci95_high')));

      // Alpha is a property of a scale's items; the total has none in the reference either.
      const alpha =
        scale === 'total'
          ? undefined
          : cronbachAlpha(scaleItemMatrix(fixtureModel, scale, members.map((r) => r.answers)));
      problems.push(...mismatch(`${label} cronbach_alpha`, alpha, optionalNumber(row, 'cronbach_alpha')));
    }
    expect(problems).toEqual([]);
  });

  it('reproduces the R change, Welch test and Hedges g from round 1 to round 2 for every group and scale', () => {
    const scored = scoredFixture();
    const expected = readFixtureCsv('expected-change.csv');
    expect(expected.length).toBeGreaterThan(0);

    const problems: string[] = [];
    for (const row of expected) {
      const group = field(row, 'group');
      const scale = field(row, 'scale');
      const label = `group ${group} ${scale}`;
      const inRound = (round: number) => scoresOf(scored.filter((r) => r.group === group && r.round === round), scale);
      const before = inRound(1);
      const after = inRound(2);

      const difference = (mean(after) ?? Number.NaN) - (mean(before) ?? Number.NaN);
      problems.push(...mismatch(`${label} mean_difference`, difference, requiredNumber(row, 'mean_difference')));
      const welch = welchTest(before, after);
      problems.push(...mismatch(`${label} welch_t`, welch?.t, requiredNumber(row, 'welch_t')));
      problems.push(...mismatch(`${label} welch_df`, welch?.df, requiredNumber(row, 'welch_df')));
      problems.push(...mismatch(`${label} welch_p`, welch?.p, requiredNumber(row, 'welch_p_two_sided')));
      problems.push(...mismatch(`${label} hedges_g`, hedgesG(before, after), requiredNumber(row, 'hedges_g')));
    }
    expect(problems).toEqual([]);
  });
});

describe('descriptive statistics', () => {
  it('computes mean and the n − 1 variance of a hand-checked sample', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(sampleVariance(xs)).toBeCloseTo(32 / 7, 12);
    expect(sampleSd(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('gives a single value a mean but no SD and no confidence interval', () => {
    expect(describeSample([3.5])).toEqual({ n: 1, mean: 3.5, sd: undefined, ci95: undefined });
    expect(sampleVariance([3.5])).toBeUndefined();
  });

  it('describes an empty sample without NaN', () => {
    expect(describeSample([])).toEqual({ n: 0, mean: undefined, sd: undefined, ci95: undefined });
  });

  it('uses the t distribution for the confidence interval', () => {
    // n = 2, sd = √2: half width t(0.975, 1) · √2 / √2 = 12.7062047361747
    const ci = describeSample([1, 3]).ci95;
    expect(ci?.low).toBeCloseTo(2 - 12.7062047361747, 10);
    expect(ci?.high).toBeCloseTo(2 + 12.7062047361747, 10);
  });
});

describe('cronbachAlpha', () => {
  it('is undefined with only 2 complete rows', () => {
    expect(cronbachAlpha([[1, 2, 3], [2, 3, 4]])).toBeUndefined();
  });

  it('is undefined with a single item or no variance in the sums', () => {
    expect(cronbachAlpha([[1], [2], [3]])).toBeUndefined();
    expect(cronbachAlpha([[2, 2], [2, 2], [2, 2]])).toBeUndefined();
  });

  it('leaves out items nobody varied on, as psych::alpha does', () => {
    // Two agreeing items and a constant one: alpha over the two is 1, not 3/2 · (1 − 2/4) = 0.75.
    expect(cronbachAlpha([[1, 1, 4], [2, 2, 4], [3, 3, 4]])).toBeCloseTo(1, 12);
  });

  it('is 1 for items that agree perfectly', () => {
    expect(cronbachAlpha([[1, 1], [2, 2], [3, 3]])).toBeCloseTo(1, 12);
  });

  it('refuses rows of different lengths', () => {
    expect(() => cronbachAlpha([[1, 2], [2], [3, 3]])).toThrow(RangeError);
  });
});

describe('comparing two rounds', () => {
  it('has no test or effect size when a round has fewer than 2 scores or nothing varies', () => {
    expect(welchTest([3], [2, 4])).toBeUndefined();
    expect(hedgesG([2, 4], [])).toBeUndefined();
    expect(welchTest([3, 3], [4, 4])).toBeUndefined();
    expect(hedgesG([3, 3], [4, 4])).toBeUndefined();
  });

  it('signs the difference as later round minus earlier round', () => {
    expect(welchTest([1, 2, 3], [4, 5, 6])?.t).toBeGreaterThan(0);
    expect(hedgesG([1, 2, 3], [4, 5, 6])).toBeGreaterThan(0);
  });
});
