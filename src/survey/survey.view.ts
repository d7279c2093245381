import type { Language } from '../config';
import type { Questionnaire, Smiley } from '../questionnaires/questionnaire';

/** Scripts written right to left; the page's `dir` follows the questionnaire language. */
const RTL = new Set(['ar', 'ckb', 'dv', 'fa', 'he', 'ku', 'ps', 'sd', 'ug', 'ur', 'yi']);

export function textDirection(lang: string): 'rtl' | 'ltr' {
  return RTL.has(lang.split('-')[0]!) ? 'rtl' : 'ltr';
}

/** The language the questions are shown in: the one asked for when the questionnaire has it. */
export function questionLanguage(q: Pick<Questionnaire, 'languages'>, asked: unknown): string {
  return typeof asked === 'string' && q.languages.includes(asked) ? asked : q.languages[0]!;
}

/** Buttons, headings and messages come from our catalog (Dutch, English); questions from the file. */
export function interfaceLanguage(questionLang: string, fallback: Language): Language {
  const base = questionLang.slice(0, 2);
  return base === 'nl' || base === 'en' ? base : fallback;
}

/** Each language named in itself ("Nederlands", "English", "العربية"), for the language choice. */
export function languageChoices(q: Pick<Questionnaire, 'languages'>, current: string) {
  return q.languages.map((code) => ({
    code,
    name: new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code,
    current: code === current,
    dir: textDirection(code),
  }));
}

export interface OptionView {
  readonly value: number;
  readonly label: string;
  readonly smiley?: Smiley;
}

export interface ScreenView {
  readonly kind: 'item' | 'open';
  readonly id: string;
  readonly field: string;
  readonly number: number;
  readonly total: number;
  readonly text: string;
  readonly simple?: string;
  readonly options: readonly OptionView[];
  /** What the read-aloud button says: the question, then the answers to choose from. */
  readonly spoken: string;
}

/**
 * The smileys say how good the answer is for the young person, the words how much they agree. On a
 * question where agreeing is bad ("I get punished and don't know why" — a reverse-keyed item, or an
 * item of a scale where high is unfavourable, like repression), the faces turn around: "Yes" gets
 * the sad face. A child who answers by the words and a child who answers by the faces then give the
 * same answer, and no child has to tap a happy face to say something bad is happening.
 */
export function facesFor(q: Questionnaire, itemId: string): readonly (Smiley | undefined)[] {
  const points = q.responseScale.points;
  const item = q.items.find((i) => i.id === itemId)!;
  const scale = q.scales.find((s) => s.id === item.scale)!;
  const agreeingIsGood = scale.higherIsBetter !== item.reverse;
  return points.map((_, i) => points[agreeingIsGood ? i : points.length - 1 - i]!.smiley);
}

/** Every screen of the questionnaire in one language: the closed items, then the open questions. */
export function surveyScreens(q: Questionnaire, lang: string): ScreenView[] {
  const total = q.items.length + q.openQuestions.length;
  const items = q.items.map((item, index): ScreenView => {
    const faces = facesFor(q, item.id);
    const options = q.responseScale.points.map((p, i) => ({ value: p.value, label: p.label[lang]!, smiley: faces[i] }));
    return {
      kind: 'item',
      id: item.id,
      field: `a:${item.id}`,
      number: index + 1,
      total,
      text: item.text[lang]!,
      simple: item.simple[lang],
      options,
      spoken: `${item.text[lang]!} … ${options.map((o) => o.label).join(', ')}`,
    };
  });
  const open = q.openQuestions.map((o, index): ScreenView => ({
    kind: 'open',
    id: o.id,
    field: `o:${o.id}`,
    number: q.items.length + index + 1,
    total,
    text: o.text[lang]!,
    simple: o.simple?.[lang],
    options: [],
    spoken: o.text[lang]!,
  }));
  return [...items, ...open];
}
