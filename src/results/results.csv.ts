import type { Language } from '../config';
import { localized } from './charts';
import type { PeriodResults } from './period.service';
import type { Aggregate, Figure, GroupTrend, Instrument, Overview, ScaleCell } from './results.service';

/**
 * CSV of the same aggregates the pages show, from the same service output (so the same k rules):
 * RFC 4180, comma-separated, numbers with a full stop and full precision, UTF-8 with a byte-order
 * mark so spreadsheet programs read the accents. A hidden figure is an empty cell with the reason
 * in `note`. Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) get a
 * leading apostrophe: a group called `=HYPERLINK(…)` stays a name.
 */
type Cell = string | number | undefined | null;

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const line = (cells: readonly Cell[]) => cells.map(csvCell).join(',');
  return `\uFEFF${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}

function csvCell(cell: Cell): string {
  if (cell === undefined || cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const FIGURE_COLUMNS = ['n', 'mean', 'sd', 'ci_low', 'ci_high'] as const;

function figureCells(figure: Figure | undefined): Cell[] {
  return figure ? [figure.n, figure.mean, figure.sd, figure.ciLow, figure.ciHigh] : [undefined, undefined, undefined, undefined, undefined];
}

function scaleName(instrument: Instrument, scaleId: string, lang: Language): string {
  const scale = instrument.scales.find((s) => s.id === scaleId);
  return scale ? localized(scale.name, lang) : scaleId;
}

/** One row per closed round and scale of one group, with the institution beside it. */
export function groupTrendCsv(trend: GroupTrend, lang: Language): string {
  const header = [
    'location', 'group', 'period', 'questionnaire', 'responses', 'places', 'response_rate', 'scale_id', 'scale',
    ...FIGURE_COLUMNS, 'alpha', 'change_from', 'change', 'hedges_g', 'p', 'direction',
    'institution_mean', 'institution_groups', 'institution_groups_left_out', 'note',
  ];
  const rows: Cell[][] = [];
  const instrument = trend.instrument;
  for (const round of instrument ? trend.rounds : []) {
    const institution = trend.institution.find((a) => a.roundId === round.roundId);
    for (const cell of round.scales) {
      const inst = institution?.scales.find((s) => s.scaleId === cell.scaleId);
      rows.push([
        trend.group.locationName, trend.group.name, round.period, trend.questionnaireId, round.responses, round.places, round.responseRate,
        cell.scaleId, scaleName(instrument!, cell.scaleId, lang),
        ...figureCells(cell.figure), cell.alpha, cell.change?.fromPeriod, cell.change?.difference, cell.change?.hedgesG, cell.change?.p, cell.change?.direction,
        inst?.figure?.mean, inst?.groups, inst?.leftOut, note(cell),
      ]);
    }
  }
  return toCsv(header, rows);
}

/** The overview of one round: each group, each location and the institution, per scale. */
export function overviewCsv(overview: Overview, lang: Language): string {
  const header = ['period', 'questionnaire', 'level', 'location', 'group', 'responses', 'places', 'response_rate', 'scale_id', 'scale', ...FIGURE_COLUMNS, 'groups_included', 'groups_left_out', 'note'];
  const rows: Cell[][] = [];
  const period = overview.round?.period;
  for (const section of overview.sections) {
    const { instrument } = section;
    const q = instrument.questionnaireId;
    for (const g of section.groups) {
      for (const cell of g.round.scales) {
        rows.push([period, q, 'group', g.locationName, g.name, g.round.responses, g.round.places, g.round.responseRate, cell.scaleId, scaleName(instrument, cell.scaleId, lang), ...figureCells(cell.figure), undefined, undefined, note(cell)]);
      }
    }
    const aggregateRows = (level: string, location: string | undefined, aggregate: Aggregate) =>
      aggregate.scales.map((cell): Cell[] => [
        period, q, level, location, undefined, undefined, undefined, undefined, cell.scaleId, scaleName(instrument, cell.scaleId, lang),
        ...figureCells(cell.figure), cell.groups, cell.leftOut, cell.figure ? undefined : 'no-group-meets-k',
      ]);
    for (const l of section.locations) rows.push(...aggregateRows('location', l.name, l.aggregate));
    rows.push(...aggregateRows('institution', undefined, section.institution));
  }
  return toCsv(header, rows);
}

function note(cell: ScaleCell): string | undefined {
  return cell.hidden;
}

/** A period report's figures: per round and scale, the report's scope, each location and each group. */
export function periodCsv(result: PeriodResults, lang: Language): string {
  const header = ['period', 'questionnaire', 'level', 'location', 'group', 'responses', 'places', 'response_rate', 'scale_id', 'scale', ...FIGURE_COLUMNS, 'alpha', 'groups_included', 'groups_left_out', 'note'];
  const rows: Cell[][] = [];
  const scope = result.municipality ? 'contract' : 'institution';
  for (const section of result.sections) {
    const { instrument } = section;
    const q = instrument.questionnaireId;
    const aggregateRows = (level: string, location: string | undefined, aggregate: Aggregate) => {
      for (const cell of aggregate.scales) {
        rows.push([aggregate.period, q, level, location, undefined, undefined, undefined, undefined, cell.scaleId, scaleName(instrument, cell.scaleId, lang), ...figureCells(cell.figure), undefined, cell.groups, cell.leftOut, undefined]);
      }
    };
    for (const aggregate of section.scope) aggregateRows(scope, undefined, aggregate);
    for (const location of section.locations) for (const aggregate of location.rounds) aggregateRows('location', location.name, aggregate);
    for (const group of section.groups) {
      for (const round of group.rounds) {
        for (const cell of round.scales) {
          rows.push([round.period, q, 'group', group.locationName, group.name, round.responses, round.places, round.responseRate, cell.scaleId, scaleName(instrument, cell.scaleId, lang), ...figureCells(cell.figure), cell.alpha, undefined, undefined, note(cell)]);
        }
      }
    }
  }
  return toCsv(header, rows);
}
