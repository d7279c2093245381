import type { Language } from '../config';
import { t } from '../i18n/messages';
import { comparisonChart, localized, scaleColour, scriptJson, smallMultiple, trendChart } from './charts';
import type { Aggregate, AggregateCell, Figure, GroupRound, GroupRoundDetail, GroupTrend, ItemFigure, Overview, ScaleCell, ScaleInfo } from './results.service';

/**
 * What the results pages show, in the reader's language: numbers formatted (3,8 in Dutch), change
 * in plain words, each chart's configuration beside the table that says the same. Pure; the
 * figures themselves come from the results service unchanged.
 */

/** Formatters are costly to make (tens of µs) and a page formats thousands of numbers: made once. */
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(lang: Language, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}:${JSON.stringify(options)}`;
  let made = formatters.get(key);
  if (!made) formatters.set(key, (made = new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', options)));
  return made;
}

export function formatNumber(lang: Language, value: number | undefined, digits = 2): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  return formatter(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

export function formatPercent(lang: Language, share: number): string {
  return formatter(lang, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

function figureText(lang: Language, figure: Figure | undefined) {
  if (!figure) return undefined;
  return {
    mean: formatNumber(lang, figure.mean),
    sd: formatNumber(lang, figure.sd),
    ciLow: formatNumber(lang, figure.ciLow),
    ciHigh: formatNumber(lang, figure.ciHigh),
    n: figure.n,
  };
}

function hiddenText(lang: Language, k: number, cell: { hidden?: ScaleCell['hidden'] } | undefined): string | undefined {
  if (!cell?.hidden) return undefined;
  return t(lang, cell.hidden === 'too-few-responses' ? 'res.too-few-responses' : 'res.too-few-answers', { k });
}

function changeText(lang: Language, cell: ScaleCell, previous: GroupRound | undefined): string | undefined {
  if (!previous) return undefined;
  if (!previous.shown) return t(lang, 'res.change-none-previous-hidden', { period: previous.period });
  const change = cell.change;
  if (!change) return undefined;
  const params = { period: change.fromPeriod, difference: formatNumber(lang, Math.abs(change.difference)) };
  if (change.direction === 'better') return t(lang, 'res.change-better', params);
  if (change.direction === 'worse') return t(lang, 'res.change-worse', params);
  if (change.direction === 'same') return t(lang, 'res.change-same', params);
  return t(lang, 'res.change-unclear', params);
}

function aggregateText(lang: Language, cell: AggregateCell | undefined) {
  if (!cell) return undefined;
  return {
    ...figureText(lang, cell.figure),
    groups: cell.groups,
    leftOut: cell.leftOut,
    note: groupsNote(lang, cell.groups, cell.leftOut, 'answers'),
    shown: cell.figure !== undefined,
    withheld: cell.withheld ? t(lang, 'res.institution-withheld') : undefined,
  };
}

/** "3 groups" or "2 of 3 groups; 1 left out": how many groups a location or institution figure holds. */
export function aggregateNote(lang: Language, aggregate: Aggregate): string {
  return groupsNote(lang, aggregate.groupsShown, aggregate.groupsMeasured - aggregate.groupsShown, 'responses');
}

/** Left out of a location or the institution: for too few responses, or (on one scale) too few answers. */
function groupsNote(lang: Language, counted: number, left: number, why: 'responses' | 'answers'): string {
  const text = t(lang, counted === 1 ? 'res.one-group' : 'res.groups', { count: counted });
  if (left === 0) return text;
  const key = why === 'responses' ? (left === 1 ? 'res.one-left-out' : 'res.left-out') : left === 1 ? 'res.one-left-out-answers' : 'res.left-out-answers';
  return `${text}; ${t(lang, key, { count: left })}`;
}

function responseText(lang: Language, round: GroupRound) {
  return t(lang, 'res.responses-of-places', { responses: round.responses, places: round.places, rate: formatPercent(lang, round.responseRate) });
}

export function scaleHeader(lang: Language, scale: ScaleInfo, index: number) {
  return {
    id: scale.id,
    name: localized(scale.name, lang),
    description: localized(scale.description, lang),
    direction: t(lang, scale.higherIsBetter ? 'res.higher-is-better' : 'res.higher-is-worse'),
    isTotal: scale.isTotal,
    colour: scaleColour(index),
  };
}

/** The group page: trend charts with tables, the chosen round in detail. */
export function groupPageView(result: GroupTrend | GroupRoundDetail, lang: Language) {
  const instrument = result.instrument;
  const detail = 'round' in result ? result : undefined;
  const scaleRange = instrument ? { min: instrument.min, max: instrument.max } : undefined;
  const scales = (instrument?.scales ?? []).map((scale, index) => {
    const chart = trendChart(result, scale.id, lang);
    const cell = detail?.round.scales.find((c) => c.scaleId === scale.id);
    const inst = detail?.institutionRound?.scales.find((c) => c.scaleId === scale.id);
    return {
      ...scaleHeader(lang, scale, index),
      chartId: `chart-${scale.id}`,
      chartJson: chart ? scriptJson(chart) : undefined,
      current: cell && { ...figureText(lang, cell.figure), hidden: hiddenText(lang, result.k, cell), alpha: formatNumber(lang, cell.alpha), change: changeText(lang, cell, detail?.previous) },
      institution: aggregateText(lang, inst),
      rows: result.rounds.map((round) => {
        const c = round.scales.find((x) => x.scaleId === scale.id);
        const i = result.institution.find((a) => a.roundId === round.roundId)?.scales.find((x) => x.scaleId === scale.id);
        return { period: round.period, responses: responseText(lang, round), figure: figureText(lang, c?.figure), hidden: hiddenText(lang, result.k, c), institution: formatNumber(lang, i?.figure?.mean) };
      }),
    };
  });
  const comparison = detail && instrument && detail.round.shown ? comparisonChart(instrument, detail.round, detail.previous?.shown ? detail.previous : undefined, detail.institutionRound, lang) : undefined;
  return {
    k: result.k,
    group: result.group,
    instrumentTitle: instrument ? localized(instrument.title, lang) : result.group.questionnaireId,
    scaleRange,
    rounds: result.roundChoices.map((r) => ({
      id: r.roundId,
      period: r.questionnaireId === result.questionnaireId ? r.period : `${r.period} (${r.questionnaireId})`,
      selected: r.roundId === detail?.round.roundId,
    })),
    otherQuestionnaire: otherQuestionnaireNote(lang, result),
    scales,
    round: detail && { id: detail.round.roundId, period: detail.round.period, shown: detail.round.shown, responses: responseText(lang, detail.round), hidden: t(lang, 'res.too-few-responses', { k: result.k }) },
    comparison: comparison && { json: scriptJson(comparison), rows: comparisonRows(lang, instrument!.scales, detail!.round, detail!.previous, detail!.institutionRound), previousPeriod: detail!.previous?.shown ? detail!.previous.period : undefined },
    standOut: detail && {
      highest: detail.standOut.highest.map((i) => itemView(lang, i, instrument!.scales)),
      lowest: detail.standOut.lowest.map((i) => itemView(lang, i, instrument!.scales)),
      changed: detail.standOut.changed.map((i) => itemView(lang, i, instrument!.scales)),
    },
    itemsByScale: detail
      ? (instrument?.scales ?? []).filter((s) => !s.isTotal).map((s) => ({ name: localized(s.name, lang), items: detail.items.filter((i) => i.scaleId === s.id).map((i) => itemView(lang, i, instrument!.scales)) })).filter((s) => s.items.length > 0)
      : [],
    answerLabels: detail?.items[0]?.distribution.map((d) => localized(d.label, lang)) ?? [],
    openAnswers: detail?.openAnswers.map((o) => ({ question: localized(o.question, lang), answers: o.answers })) ?? [],
    actions: detail?.actions ?? [],
  };
}

/** Rounds on another questionnaire are not in the charts: say which, and that they can be chosen. */
function otherQuestionnaireNote(lang: Language, result: GroupTrend): string | undefined {
  const others = result.roundChoices.filter((r) => r.questionnaireId !== result.questionnaireId);
  if (others.length === 0) return undefined;
  return t(lang, 'res.other-questionnaire', { periods: others.map((r) => `${r.period} (${r.questionnaireId})`).join(', ') });
}

function comparisonRows(lang: Language, scales: readonly ScaleInfo[], round: GroupRound, previous: GroupRound | undefined, institution: Aggregate | undefined) {
  return scales.map((s) => ({
    name: localized(s.name, lang),
    previous: previous?.shown ? formatNumber(lang, previous.scales.find((c) => c.scaleId === s.id)?.figure?.mean) : '',
    current: formatNumber(lang, round.scales.find((c) => c.scaleId === s.id)?.figure?.mean),
    institution: formatNumber(lang, institution?.scales.find((c) => c.scaleId === s.id)?.figure?.mean),
  }));
}

function itemView(lang: Language, item: ItemFigure, scales: readonly ScaleInfo[]) {
  const scale = scales.find((s) => s.id === item.scaleId);
  const total = item.distribution.reduce((n, d) => n + d.count, 0);
  return {
    text: localized(item.text, lang),
    scale: scale ? localized(scale.name, lang) : item.scaleId,
    mean: formatNumber(lang, item.figure.mean),
    n: item.figure.n,
    reverse: item.reverse,
    change: item.changeFavourable === undefined ? undefined : `${item.changeFavourable > 0 ? '+' : '−'}${formatNumber(lang, Math.abs(item.changeFavourable))}`,
    changeUp: (item.changeFavourable ?? 0) > 0,
    distribution: item.distribution.map((d) => ({ label: localized(d.label, lang), count: d.count, share: formatPercent(lang, total > 0 ? d.count / total : 0) })),
  };
}

/** The overview page: one table per questionnaire, locations and the institution below the groups. */
export function overviewView(overview: Overview, lang: Language) {
  return {
    k: overview.k,
    sections: overview.sections.map((section) => {
      const { instrument } = section;
      const scales = instrument.scales.map((s, i) => scaleHeader(lang, s, i));
      const aggregateView = (name: string, aggregate: Aggregate) => ({
        name,
        measured: aggregate.groupsMeasured,
        shown: aggregate.groupsShown,
        note: aggregateNote(lang, aggregate),
        cells: aggregate.scales.map((c) => ({ ...aggregateText(lang, c), hidden: c.figure ? undefined : t(lang, 'res.no-group-meets-k', { k: overview.k }) })),
      });
      return {
        id: instrument.questionnaireId,
        title: localized(instrument.title, lang),
        range: { min: instrument.min, max: instrument.max },
        scales,
        groups: section.groups.map((g) => ({
          id: g.id,
          name: g.name,
          locationName: g.locationName,
          responses: responseText(lang, g.round),
          shown: g.round.shown,
          cells: g.round.scales.map((c) => ({ ...figureText(lang, c.figure), hidden: hiddenText(lang, overview.k, c) })),
          chartJson: scriptJson(smallMultiple(g, instrument, lang)),
          trendRows: g.trend.map((row) => ({ period: row.period, means: row.means.map((m) => (m === null ? '–' : formatNumber(lang, m))) })),
        })),
        locations: section.locations.map((l) => aggregateView(l.name, l.aggregate)),
        institution: aggregateView(t(lang, 'res.institution'), section.institution),
      };
    }),
  };
}
