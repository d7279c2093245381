import type { ScoringModel } from '../questionnaires/questionnaire';
import { mean } from './statistics';

/**
 * Scoring of one respondent's answers against a questionnaire's scoring model. Pure; knows
 * nothing about which scales exist beyond what the model says, so any instrument works.
 *
 * Answers are keyed by item id; an item that is absent (or not a finite number) is unanswered.
 * A value outside the response scale is a bug upstream, so it throws instead of being scored.
 */
export type Answers = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

export interface RespondentScores {
  /** One entry per scale of the model; undefined when too few of its items were answered. */
  readonly scales: Readonly<Record<string, number | undefined>>;
  /** The model's total; undefined when it has none or any component scale is missing. */
  readonly total: number | undefined;
}

type Item = ScoringModel['items'][number];

/** The value counted for an item: reverse-keyed items as min + max − x. */
export function recode(model: ScoringModel, itemId: string, value: number): number {
  const item = model.items.find((candidate) => candidate.id === itemId);
  if (item === undefined) throw new RangeError(`unknown item "${itemId}"`);
  return recodeItem(model, item, value);
}

/**
 * How many of `itemCount` items must be answered: ceil(share × count), tolerant of floating
 * point so that e.g. 0.7 × 10 (7.000000000000001 in binary) asks for 7 items, not 8.
 */
export function minimumAnswered(minAnsweredShare: number, itemCount: number): number {
  const exact = minAnsweredShare * itemCount;
  return Math.ceil(exact - 1e-9 * Math.max(1, Math.abs(exact)));
}

export function respondentScores(model: ScoringModel, answers: Answers): RespondentScores {
  const scales: Record<string, number | undefined> = {};
  for (const scale of model.scales) {
    const items = itemsOfScale(model, scale.id);
    const values = items.flatMap((item) => {
      const value = answerFor(answers, item.id);
      return value === undefined ? [] : [recodeItem(model, item, value)];
    });
    const enough = values.length >= minimumAnswered(model.scoring.minAnsweredShare, items.length);
    scales[scale.id] = enough ? mean(values) : undefined;
  }
  return { scales, total: totalScore(model, scales) };
}

/**
 * The recoded answers to one scale's items, one row per respondent who answered all of them
 * (in the model's item order): the input Cronbach's alpha needs.
 */
export function scaleItemMatrix(model: ScoringModel, scaleId: string, respondents: Iterable<Answers>): number[][] {
  if (!model.scales.some((scale) => scale.id === scaleId)) throw new RangeError(`unknown scale "${scaleId}"`);
  const items = itemsOfScale(model, scaleId);
  const rows: number[][] = [];
  for (const answers of respondents) {
    const row: number[] = [];
    for (const item of items) {
      const value = answerFor(answers, item.id);
      if (value === undefined) break;
      row.push(recodeItem(model, item, value));
    }
    if (row.length === items.length) rows.push(row);
  }
  return rows;
}

function totalScore(model: ScoringModel, scales: Readonly<Record<string, number | undefined>>): number | undefined {
  const total = model.scoring.total;
  if (total === undefined) return undefined;
  const { min, max } = model.responseScale;
  const components: number[] = [];
  for (const component of total.components) {
    const score = scales[component.scale];
    if (score === undefined) return undefined;
    components.push(component.reverse ? min + max - score : score);
  }
  return mean(components);
}

function itemsOfScale(model: ScoringModel, scaleId: string): Item[] {
  return model.items.filter((item) => item.scale === scaleId);
}

function recodeItem(model: ScoringModel, item: Item, value: number): number {
  const { min, max } = model.responseScale;
  if (value < min || value > max) {
    throw new RangeError(`answer ${value} to item "${item.id}" is outside the scale ${min}–${max}`);
  }
  return item.reverse ? min + max - value : value;
}

function answerFor(answers: Answers, itemId: string): number | undefined {
  const value = isMap(answers) ? answers.get(itemId) : Object.hasOwn(answers, itemId) ? answers[itemId] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isMap(answers: Answers): answers is ReadonlyMap<string, number> {
  return answers instanceof Map;
}
