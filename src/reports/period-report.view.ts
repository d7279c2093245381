import type { Language } from '../config';
import { t } from '../i18n/messages';
import { localized, scalesTrendChart, scriptJson } from '../results/charts';
import type { PeriodResults, PeriodSection } from '../results/period.service';
import type { Aggregate, Figure, GroupRound, ScaleCell } from '../results/results.service';
import { aggregateNote, formatNumber, formatPercent, scaleHeader } from '../results/results.view';

/**
 * What a period report prints, in the reader's language, from the results service's period
 * results unchanged: numbers formatted like the pages (3,82 in Dutch), every hidden figure as
 * its reason, each chart's configuration beside a table that says the same. Pure.
 */

const dateFormats = new Map<Language, Intl.DateTimeFormat>();

export function formatDay(lang: Language, isoDay: string): string {
  let format = dateFormats.get(lang);
  if (!format) dateFormats.set(lang, (format = new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })));
  return format.format(new Date(`${isoDay}T00:00:00Z`));
}

export function periodText(lang: Language, from: string, to: string): string {
  return t(lang, 'rep.period-range', { from: formatDay(lang, from), to: formatDay(lang, to) });
}

export function periodReportTitle(lang: Language, result: Pick<PeriodResults, 'institution' | 'municipality' | 'from' | 'to'>): string {
  const audience = result.municipality ? t(lang, 'rep.for-municipality', { municipality: result.municipality.name }) : t(lang, 'rep.whole-institution');
  return t(lang, 'rep.period-title', { institution: result.institution.name, audience, period: periodText(lang, result.from, result.to) });
}

function cellText(lang: Language, cell: { figure?: Figure; hidden?: ScaleCell['hidden'] } | undefined) {
  if (cell?.figure) {
    return { mean: formatNumber(lang, cell.figure.mean), ci: `${formatNumber(lang, cell.figure.ciLow)}–${formatNumber(lang, cell.figure.ciHigh)}`, n: cell.figure.n };
  }
  // No round for this group (it was not measured then) and a hidden figure read alike: no figures;
  // the report says why beside the table (the suppression notice, the method section).
  return { hidden: t(lang, 'rep.hidden-cell') };
}

/** Rows = scales, columns = rounds: the shape of every figure table in the report. */
function scaleTable(lang: Language, section: PeriodSection, columns: readonly { readonly scales: readonly { readonly scaleId: string; readonly figure?: Figure; readonly hidden?: ScaleCell['hidden'] }[] }[]) {
  return section.instrument.scales.map((scale, index) => ({
    ...scaleHeader(lang, scale, index),
    cells: columns.map((column) => cellText(lang, column.scales.find((c) => c.scaleId === scale.id))),
  }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((n, item) => n + value(item), 0);
}

export function periodReportView(result: PeriodResults, lang: Language) {
  const { k } = result;
  const scopeName = t(lang, result.municipality ? 'rep.scope-contract' : 'rep.scope-institution');
  const sections = result.sections.map((section, s) => {
    const { instrument } = section;
    const periods = section.rounds.map((r) => r.period);
    const allGroupRounds: GroupRound[] = section.groups.flatMap((g) => [...g.rounds]);
    const latest = section.scope.at(-1);
    const responses = sum(allGroupRounds, (r) => r.responses);
    const places = sum(allGroupRounds, (r) => r.places);
    const aggregateBlock = (id: string, rounds: readonly Aggregate[]) => ({
      chartId: id,
      chartJson: scriptJson(scalesTrendChart(instrument, rounds, lang)),
      rows: scaleTable(lang, section, rounds),
      counted: rounds.map((a) => aggregateNote(lang, a)),
    });
    return {
      title: localized(instrument.title, lang),
      versions: t(lang, 'rep.questionnaire-version', { title: localized(instrument.title, lang), versions: section.versions.join(', ') }),
      scoring: t(lang, 'rep.method-scores', { min: instrument.min, max: instrument.max }),
      periods,
      summary: {
        ...aggregateBlock(`chart-s${s}-summary`, section.scope),
        lead: t(lang, 'rep.summary-lead', { scope: scopeName }),
        keyFigures: [
          { label: t(lang, 'rep.groups-measured'), value: latest ? t(lang, 'rep.of', { count: latest.groupsShown, total: latest.groupsMeasured }) : '0' },
          { label: t(lang, 'rep.responses-total'), value: String(responses) },
          { label: t(lang, 'rep.response-rate'), value: places > 0 ? formatPercent(lang, responses / places) : '–' },
          { label: t(lang, 'rep.group-rounds-hidden'), value: t(lang, 'rep.of', { count: allGroupRounds.filter((r) => !r.shown).length, total: allGroupRounds.length }) },
          { label: t(lang, 'rep.actions-total'), value: String(sum(section.groups, (g) => g.actions.length)) },
        ],
      },
      roundTable: section.rounds.map((round) => {
        const rows = allGroupRounds.filter((r) => r.roundId === round.roundId);
        const meta = result.rounds.find((r) => r.roundId === round.roundId)!;
        const roundResponses = sum(rows, (r) => r.responses);
        const roundPlaces = sum(rows, (r) => r.places);
        return {
          period: round.period,
          dates: `${formatDay(lang, meta.opensOn)} – ${formatDay(lang, meta.closesOn)}`,
          groups: rows.length,
          shown: rows.filter((r) => r.shown).length,
          responses: roundResponses,
          places: roundPlaces,
          rate: roundPlaces > 0 ? formatPercent(lang, roundResponses / roundPlaces) : '–',
        };
      }),
      locations: section.locations.map((location, l) => ({
        name: location.name,
        ...aggregateBlock(`chart-s${s}-l${l}`, location.rounds),
        groups: section.groups
          .filter((g) => g.locationId === location.id)
          .map((group, g) => {
            const hiddenRounds = group.rounds.filter((r) => !r.shown).map((r) => r.period);
            // One column per round of the section, so a group's table lines up with its location's.
            const columns = section.rounds.map((r) => group.rounds.find((gr) => gr.roundId === r.roundId));
            return {
              name: group.name,
              chartId: `chart-s${s}-l${l}-g${g}`,
              chartJson: group.rounds.some((r) => r.shown) ? scriptJson(scalesTrendChart(instrument, columns.map((c, i) => ({ period: periods[i]!, scales: c?.scales ?? [] })), lang)) : undefined,
              responses: columns.map((c) => (c ? `${c.responses}/${c.places}` : '–')),
              rows: scaleTable(lang, section, columns.map((c) => ({ scales: c?.scales ?? [] }))),
              suppressed: hiddenRounds.length > 0 ? t(lang, 'rep.suppressed', { periods: hiddenRounds.join(', '), k }) : undefined,
            };
          }),
      })),
      // Alpha is a property of a scale's items; the total is made of scales, so it has none.
      reliability: instrument.scales.filter((scale) => !scale.isTotal).map((scale, index) => ({
        ...scaleHeader(lang, scale, index),
        cells: section.rounds.map((round) => {
          const alphas = allGroupRounds
            .filter((r) => r.roundId === round.roundId)
            .flatMap((r) => r.scales.find((c) => c.scaleId === scale.id)?.alpha ?? []);
          if (alphas.length === 0) return t(lang, 'rep.alpha-none');
          return t(lang, 'rep.alpha-cell', {
            median: formatNumber(lang, median(alphas)),
            low: formatNumber(lang, Math.min(...alphas)),
            high: formatNumber(lang, Math.max(...alphas)),
            count: alphas.length,
          });
        }),
      })),
    };
  });
  const glossary = ['score', 'interval', 'n', 'k', 'response', 'round', 'alpha', 'left-out'].map((term) => ({
    term: t(lang, `rep.term-${term}` as Parameters<typeof t>[1], { k }),
    definition: t(lang, `rep.def-${term}` as Parameters<typeof t>[1]),
  }));
  return {
    k,
    institution: result.institution.name,
    audience: result.municipality ? result.municipality.name : t(lang, 'rep.whole-institution'),
    contractNote: result.municipality ? t(lang, 'rep.contract-locations', { municipality: result.municipality.name }) : undefined,
    period: periodText(lang, result.from, result.to),
    locations: result.locations.map((l) => l.name).join(', '),
    rounds: result.rounds.map((r) => r.period).join(', '),
    cadence: t(lang, 'rep.cadence', { months: result.institution.cadenceMonths }),
    anonymity: t(lang, 'rep.method-anonymity', { k }),
    suppressedAnswers: t(lang, 'rep.suppressed-answers', { k }),
    // All groups' actions in location and group order, whatever questionnaire the group uses.
    actions: result.sections
      .flatMap((section) => section.groups)
      .filter((g) => g.actions.length > 0)
      .sort((a, b) => a.locationName.localeCompare(b.locationName) || a.name.localeCompare(b.name))
      .map((g) => ({ location: g.locationName, group: g.name, actions: g.actions.map((a) => ({ period: a.period, text: a.text })) })),
    sections,
    glossary,
  };
}
