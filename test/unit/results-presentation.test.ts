import { comparisonChart, scriptJson, smallMultiple, trendChart } from '../../src/results/charts';
import { toCsv } from '../../src/results/results.csv';
import type { GroupRound, GroupTrend, Instrument, OverviewGroup } from '../../src/results/results.service';
import { formatNumber, groupPageView } from '../../src/results/results.view';

const instrument: Instrument = {
  questionnaireId: 'q',
  title: { nl: 'Vragenlijst', en: 'Questionnaire' },
  min: 1,
  max: 5,
  scales: [
    { id: 'support', name: { nl: 'Steun', en: 'Support' }, description: { nl: 'd', en: 'd' }, higherIsBetter: true, isTotal: false },
    { id: 'repression', name: { nl: 'Repressie', en: 'Repression' }, description: { nl: 'd', en: 'd' }, higherIsBetter: false, isTotal: false },
  ],
};

const figure = (mean: number) => ({ n: 6, mean, sd: 0.5, ciLow: mean - 0.4, ciHigh: mean + 0.4 });

function round(period: string, shown: boolean, means: [number, number]): GroupRound {
  return {
    roundId: `r-${period}`,
    period,
    questionnaireVersion: 1,
    closesOn: '2026-01-01',
    responses: shown ? 6 : 2,
    places: 8,
    responseRate: shown ? 0.75 : 0.25,
    shown,
    scales: shown
      ? [{ scaleId: 'support', figure: figure(means[0]) }, { scaleId: 'repression', figure: figure(means[1]) }]
      : [{ scaleId: 'support', hidden: 'too-few-responses' }, { scaleId: 'repression', hidden: 'too-few-responses' }],
  };
}

const trend: GroupTrend = {
  k: 5,
  group: { id: 'g', name: 'De Linde', locationId: 'l', locationName: 'Noord', questionnaireId: 'q' },
  instrument,
  rounds: [round('2025-H1', true, [3.1, 2.9]), round('2025-H2', false, [0, 0]), round('2026-H1', true, [3.6, 2.4])],
  questionnaireId: 'q',
  roundChoices: [],
  institution: [
    { roundId: 'r-2025-H1', period: '2025-H1', questionnaireId: 'q', groupsMeasured: 3, groupsShown: 2, scales: [{ scaleId: 'support', groups: 2, leftOut: 1, figure: figure(3.3) }] },
  ],
};

describe('chart configurations', () => {
  it('draws a hidden round as a gap in the line, band and all, never as a value', () => {
    const config = trendChart(trend, 'support', 'nl')!;
    const [high, low, line] = config.data.datasets as { data: (number | null)[] }[];
    expect(config.data.labels).toEqual(['2025-H1', '2025-H2', '2026-H1']);
    expect(line!.data).toEqual([3.1, null, 3.6]);
    expect(high!.data[1]).toBeNull();
    expect(low!.data[1]).toBeNull();
    expect(high!.data[0]).toBeCloseTo(3.5);
    expect(low!.data[2]).toBeCloseTo(3.2);
  });

  it('adds the institution only where it has a figure, and keeps the scale range and no animation', () => {
    const config = trendChart(trend, 'support', 'en')!;
    const institution = config.data.datasets[3] as { label: string; data: (number | null)[] };
    expect(institution.label).toBe('Institution');
    expect(institution.data).toEqual([3.3, null, null]);
    expect(config.options['animation']).toBe(false);
    expect(config.options['scales']).toEqual({ y: { min: 1, max: 5, ticks: { stepSize: 1 } } });
    expect(trendChart(trend, 'no-such-scale', 'nl')).toBeUndefined();
  });

  it('compares with the previous round only when it was shown', () => {
    const current = trend.rounds[2]!;
    expect(comparisonChart(instrument, current, undefined, undefined, 'nl').data.datasets).toHaveLength(1);
    const withPrevious = comparisonChart(instrument, current, trend.rounds[0], undefined, 'nl');
    expect((withPrevious.data.datasets[0] as { data: number[] }).data).toEqual([3.1, 2.9]);
  });

  it('small multiples have a line per scale with gaps where hidden', () => {
    const group: OverviewGroup = { ...trend.group, round: trend.rounds[2]!, trend: [{ period: 'a', means: [3, null] }, { period: 'b', means: [3.5, 2] }] };
    const config = smallMultiple(group, instrument, 'nl');
    expect(config.data.datasets.map((d) => d['data'])).toEqual([[3, 3.5], [null, 2]]);
  });

  it('keeps names that look like markup inert inside a script element', () => {
    const json = scriptJson({ label: '</script><script>alert(1)</script>', other: 'a & b <!--' });
    expect(json).not.toMatch(/[<>&]/);
    expect(JSON.parse(json)).toEqual({ label: '</script><script>alert(1)</script>', other: 'a & b <!--' });
  });
});

describe('CSV', () => {
  it('quotes separators, quotes and line breaks, and keeps numbers at full precision', () => {
    const csv = toCsv(['a', 'b', 'c'], [['x, "y"', 1 / 3, undefined], ['line\nbreak', -0.25, null]]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual(['a,b,c', '"x, ""y""",0.3333333333333333,', '"line\nbreak",-0.25,', '']);
  });

  it('neutralises text a spreadsheet would run as a formula, but not negative numbers', () => {
    const csv = toCsv(['name', 'value'], [['=HYPERLINK("http://x")', -1], ['+1', 2], ['@SUM(A1)', 3], ['-2', 4]]);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"")",-1`);
    expect(lines[2]).toBe("'+1,2");
    expect(lines[3]).toBe("'@SUM(A1),3");
    expect(lines[4]).toBe("'-2,4");
  });
});

describe('the group page in plain words', () => {
  it('formats numbers the Dutch way and the English way', () => {
    expect(formatNumber('nl', 3.456)).toBe('3,46');
    expect(formatNumber('en', 3.456)).toBe('3.46');
    expect(formatNumber('nl', undefined)).toBe('');
  });

  it('says a hidden round is hidden, and why there is no comparison with it', () => {
    const detail = {
      ...trend,
      round: trend.rounds[2]!,
      previous: trend.rounds[1]!,
      institutionRound: undefined,
      items: [],
      standOut: { highest: [], lowest: [], changed: [] },
      openAnswers: [],
      actions: [],
    };
    const view = groupPageView(detail, 'nl');
    const support = view.scales[0]!;
    expect(support.current?.mean).toBe('3,60');
    expect(support.current?.change).toBe('Geen vergelijking met 2025-H2: toen waren er te weinig reacties.');
    expect(support.rows[1]!.hidden).toBe('Te weinig reacties om resultaten te tonen (minder dan 5).');
    expect(support.rows[1]!.figure).toBeUndefined();
    expect(view.comparison?.previousPeriod).toBeUndefined();
  });
});
