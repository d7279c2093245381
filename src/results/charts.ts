import type { Language } from '../config';
import type { LocalizedText } from '../questionnaires/questionnaire';
import type { Aggregate, Figure, GroupRound, GroupTrend, Instrument, OverviewGroup } from './results.service';

/**
 * Chart.js configurations, built by pure functions from the results service's output: the page
 * (and later the PDF) only hands them to Chart.js. Plain JSON — no functions — so they can travel
 * in a `<script type="application/json">` under the strict content security policy; the few
 * behaviours that need code (hiding the unnamed band edge from the legend) live in
 * `public/js/charts.js`. Animation is off: charts must look finished at once, also in a PDF.
 * Hidden (below-k) rounds are `null`: a gap in the line, never a value.
 */
export interface ChartConfig {
  readonly type: 'line' | 'bar';
  readonly data: { readonly labels: readonly string[]; readonly datasets: readonly Record<string, unknown>[] };
  readonly options: Record<string, unknown>;
}

/** Okabe–Ito colours: told apart with the common colour-vision deficiencies. */
const PALETTE = ['#0072B2', '#009E73', '#D55E00', '#CC79A7', '#000000', '#E69F00', '#56B4E9'];

export function scaleColour(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

export function localized(text: LocalizedText, lang: Language): string {
  return text[lang] ?? text['nl'] ?? Object.values(text)[0] ?? '';
}

const LABELS = {
  nl: { band: '95%-betrouwbaarheidsinterval', institution: 'Instelling', previous: 'Vorige meting', current: 'Deze meting' },
  en: { band: '95% confidence interval', institution: 'Institution', previous: 'Previous round', current: 'This round' },
} as const;

function baseOptions(lang: Language, instrument: Instrument, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    locale: lang === 'nl' ? 'nl-NL' : 'en-GB',
    scales: { y: { min: instrument.min, max: instrument.max, ticks: { stepSize: 1 } } },
    ...extra,
  };
}

function cellOf(source: { readonly scales: readonly { readonly scaleId: string; readonly figure?: Figure }[] } | undefined, scaleId: string) {
  return source?.scales.find((s) => s.scaleId === scaleId)?.figure;
}

/** One scale of one group over its closed rounds: mean, the 95% band, and the institution. */
export function trendChart(trend: GroupTrend, scaleId: string, lang: Language): ChartConfig | undefined {
  const instrument = trend.instrument;
  const index = instrument?.scales.findIndex((s) => s.id === scaleId) ?? -1;
  const scale = instrument?.scales[index];
  if (!instrument || !scale) return undefined;
  const colour = scaleColour(index);
  const figures = trend.rounds.map((r) => cellOf(r, scaleId));
  const institution = trend.rounds.map((r) => cellOf(trend.institution.find((a) => a.roundId === r.roundId), scaleId));
  const datasets: Record<string, unknown>[] = [
    { label: LABELS[lang].band, data: figures.map((f) => f?.ciHigh ?? null), borderWidth: 0, pointRadius: 0, fill: '+1', backgroundColor: `${colour}33`, spanGaps: false },
    { label: '', data: figures.map((f) => f?.ciLow ?? null), borderWidth: 0, pointRadius: 0, fill: false, spanGaps: false },
    { label: localized(scale.name, lang), data: figures.map((f) => f?.mean ?? null), borderColor: colour, backgroundColor: colour, borderWidth: 3, pointRadius: 4, spanGaps: false },
  ];
  if (institution.some((f) => f !== undefined)) {
    datasets.push({ label: LABELS[lang].institution, data: institution.map((f) => f?.mean ?? null), borderColor: '#4a5562', backgroundColor: '#4a5562', borderDash: [6, 4], borderWidth: 2, pointRadius: 2, spanGaps: false });
  }
  return { type: 'line', data: { labels: trend.rounds.map((r) => r.period), datasets }, options: baseOptions(lang, instrument, { plugins: { legend: { position: 'bottom' } } }) };
}

/** This round against the previous one and the institution, a bar per scale. */
export function comparisonChart(instrument: Instrument, round: GroupRound, previous: GroupRound | undefined, institution: Aggregate | undefined, lang: Language): ChartConfig {
  const labels = instrument.scales.map((s) => localized(s.name, lang));
  const series = (source: GroupRound | Aggregate | undefined) => instrument.scales.map((s) => cellOf(source, s.id)?.mean ?? null);
  const datasets: Record<string, unknown>[] = [];
  if (previous) datasets.push({ label: `${LABELS[lang].previous} (${previous.period})`, data: series(previous), backgroundColor: '#9fb3c8' });
  datasets.push({ label: `${LABELS[lang].current} (${round.period})`, data: series(round), backgroundColor: '#0b5c8a' });
  if (institution) datasets.push({ label: LABELS[lang].institution, data: series(institution), backgroundColor: '#4a5562' });
  return { type: 'bar', data: { labels, datasets }, options: baseOptions(lang, instrument, { plugins: { legend: { position: 'bottom' } } }) };
}

/** A small multiple: every scale of one group over the rounds, without axes' clutter. */
export function smallMultiple(group: OverviewGroup, instrument: Instrument, lang: Language): ChartConfig {
  const datasets = instrument.scales.map((s, i) => ({
    label: localized(s.name, lang),
    data: group.trend.map((t) => t.means[i] ?? null),
    borderColor: scaleColour(i),
    backgroundColor: scaleColour(i),
    borderWidth: 2,
    pointRadius: 2,
    spanGaps: false,
  }));
  return {
    type: 'line',
    data: { labels: group.trend.map((t) => t.period), datasets },
    options: baseOptions(lang, instrument, {
      plugins: { legend: { display: false }, tooltip: { enabled: true } },
      scales: { y: { min: instrument.min, max: instrument.max, ticks: { display: false }, grid: { display: false } }, x: { ticks: { display: false }, grid: { display: false } } },
    }),
  };
}

/**
 * Every scale over some rounds, one line each: a group's or a location's trend in a period
 * report (the intervals are in the table beside it; bands for five lines would hide the lines).
 */
export function scalesTrendChart(instrument: Instrument, rounds: readonly { readonly period: string; readonly scales: readonly { readonly scaleId: string; readonly figure?: Figure }[] }[], lang: Language): ChartConfig {
  const datasets = instrument.scales.map((s, i) => ({
    label: localized(s.name, lang),
    data: rounds.map((r) => cellOf(r, s.id)?.mean ?? null),
    borderColor: scaleColour(i),
    backgroundColor: scaleColour(i),
    borderWidth: 2,
    pointRadius: 3,
    spanGaps: false,
  }));
  return { type: 'line', data: { labels: rounds.map((r) => r.period), datasets }, options: baseOptions(lang, instrument, { plugins: { legend: { position: 'right', labels: { boxWidth: 12 } } } }) };
}

/**
 * JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` as \u escapes, so
 * a name such as `</script><script>…` stays text. The only way charts reach a page.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
