import type { ScoringModel } from '../../src/questionnaires/questionnaire';
import { minimumAnswered, recode, respondentScores, scaleItemMatrix } from '../../src/results/scoring';
import { field, fixtureModel, mismatch, optionalNumber, readFixtureCsv, readFixtureResponses } from '../support/fixtures';

describe('respondent scores against the R reference', () => {
  it('reproduces every respondent scale score and total, including the missing ones', () => {
    const responses = readFixtureResponses();
    const expected = readFixtureCsv('expected-respondent-scores.csv');
    expect(expected).toHaveLength(responses.length);
    expect(expected.length).toBeGreaterThan(0);

    const problems: string[] = [];
    expected.forEach((row, index) => {
      const respondent = responses[index];
      const id = field(row, 'respondent');
      if (respondent?.respondent !== id) {
        problems.push(`row ${index + 1}: responses.csv has ${respondent?.respondent ?? 'no row'}, expected ${id}`);
        return;
      }
      const scores = respondentScores(fixtureModel, respondent.answers);
      for (const { id: scale } of fixtureModel.scales) {
        problems.push(...mismatch(`${id} ${scale}`, scores.scales[scale], optionalNumber(row, `score_${scale}`)));
      }
      problems.push(...mismatch(`${id} total`, scores.total, optionalNumber(row, 'score_total')));
    });
    expect(problems).toEqual([]);
  });
});

describe('recode', () => {
  const threePoint: ScoringModel = {
    responseScale: { min: 1, max: 3 },
    scales: [{ id: 'mood' }],
    items: [
      { id: 'up', scale: 'mood', reverse: false },
      { id: 'down', scale: 'mood', reverse: true },
    ],
    scoring: { minAnsweredShare: 1 },
  };

  it('mirrors a reverse-keyed item within the response scale', () => {
    expect([1, 2, 3].map((x) => recode(threePoint, 'down', x))).toEqual([3, 2, 1]);
    expect([1, 2, 3].map((x) => recode(threePoint, 'up', x))).toEqual([1, 2, 3]);
  });

  it('refuses unknown items and answers outside the scale', () => {
    expect(() => recode(threePoint, 'sideways', 2)).toThrow(/unknown item "sideways"/);
    expect(() => recode(threePoint, 'down', 4)).toThrow(RangeError);
  });
});

describe('the minimum-answered rule', () => {
  const fiveItems: ScoringModel = {
    responseScale: { min: 1, max: 5 },
    scales: [{ id: 'growth' }],
    items: ['g1', 'g2', 'g3', 'g4', 'g5'].map((id) => ({ id, scale: 'growth', reverse: false })),
    scoring: { minAnsweredShare: 0.8 },
  };

  it('scores a scale with exactly the minimum share answered and not one item fewer', () => {
    expect(respondentScores(fiveItems, { g1: 2, g2: 3, g3: 4, g4: 5 }).scales.growth).toBe(3.5);
    expect(respondentScores(fiveItems, { g1: 2, g2: 3, g3: 4 }).scales.growth).toBeUndefined();
  });

  it('rounds the required count up without tripping over floating point', () => {
    expect(minimumAnswered(0.8, 5)).toBe(4);
    expect(minimumAnswered(0.7, 10)).toBe(7); // 0.7 × 10 is 7.000000000000001 in binary
    expect(minimumAnswered(0.8, 6)).toBe(5);
    expect(minimumAnswered(1, 3)).toBe(3);
  });
});

describe('respondentScores on other instruments', () => {
  const twoFactor: ScoringModel = {
    responseScale: { min: 0, max: 3 },
    scales: [{ id: 'warmth' }, { id: 'control' }],
    items: [
      { id: 'w1', scale: 'warmth', reverse: false },
      { id: 'w2', scale: 'warmth', reverse: true },
      { id: 'c1', scale: 'control', reverse: false },
      { id: 'c2', scale: 'control', reverse: false },
    ],
    scoring: {
      minAnsweredShare: 0.5,
      total: { id: 'climate', components: [{ scale: 'warmth', reverse: false }, { scale: 'control', reverse: true }] },
    },
  };

  it('scores a two-scale model with its own range and a reversed total component', () => {
    const scores = respondentScores(twoFactor, new Map([['w1', 3], ['w2', 1], ['c1', 1], ['c2', 2]]));
    expect(scores.scales).toEqual({ warmth: 2.5, control: 1.5 }); // w2: 0 + 3 − 1 = 2
    expect(scores.total).toBe(2); // (2.5 + (3 − 1.5)) / 2
  });

  it('reads plain objects the same as maps and ignores answers it has no item for', () => {
    const answers = { w1: 3, w2: 1, c1: 1, c2: 2, open: 7 };
    expect(respondentScores(twoFactor, answers)).toEqual(respondentScores(twoFactor, new Map(Object.entries(answers))));
  });

  it('leaves the total missing when a component scale is missing', () => {
    const scores = respondentScores(twoFactor, { w1: 3 });
    expect(scores.scales).toEqual({ warmth: 3, control: undefined });
    expect(scores.total).toBeUndefined();
  });

  it('has no total when the model defines none', () => {
    const withoutTotal: ScoringModel = { ...twoFactor, scoring: { minAnsweredShare: 0.5 } };
    expect(respondentScores(withoutTotal, { w1: 3, c1: 1 }).total).toBeUndefined();
  });
});

describe('scaleItemMatrix', () => {
  it('keeps only respondents who answered every item of the scale, recoded, in item order', () => {
    const rows = scaleItemMatrix(fixtureModel, 'atmosphere', [
      { a1: 1, a2: 2, a3: 3, a4: 4, a5: 5 },
      { a1: 1, a2: 2, a3: 3, a5: 5 },
      new Map([['a5', 1], ['a4', 1], ['a3', 1], ['a2', 1], ['a1', 1]]),
    ]);
    expect(rows).toEqual([
      [1, 2, 3, 2, 5],
      [1, 1, 1, 5, 1],
    ]);
  });

  it('refuses a scale the model does not have', () => {
    expect(() => scaleItemMatrix(fixtureModel, 'nope', [])).toThrow(/unknown scale "nope"/);
  });
});
