import { z } from 'zod';

/**
 * The format of a questionnaire file in `surveys/` (YAML). One file holds one version of one
 * questionnaire. The schema checks the shape; `questionnaire.rules.ts` checks what the shape cannot
 * say (every text in every declared language, every item on a declared scale, …).
 */

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'q.identifier');

/** ISO 639-1 language code, optionally with a region: `nl`, `en`, `ar`, `pt-BR`. */
export const languageCode = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'q.language-code');

/** A text in several languages: `{ nl: "…", en: "…" }`. Completeness is checked by the rules. */
export const localizedText = z.record(languageCode, z.string().trim().min(1, 'q.text-empty'));

export const smileys = ['very-sad', 'sad', 'neutral', 'happy', 'very-happy'] as const;

const scalePoint = z.strictObject({
  value: z.int(),
  label: localizedText,
  smiley: z.enum(smileys).optional(),
});

const responseScale = z.strictObject({
  /** Points from `min` to `max`, each with a label; e.g. 1–3 with smileys for children. */
  min: z.int(),
  max: z.int(),
  points: z.array(scalePoint).min(2).max(11),
});

const scale = z.strictObject({
  id: identifier,
  name: localizedText,
  /** Plain-language explanation for staff and reports. */
  description: localizedText,
  /** `false` for a scale where a high score is bad (repression). */
  higherIsBetter: z.boolean().default(true),
});

const item = z.strictObject({
  id: identifier,
  scale: identifier,
  text: localizedText,
  /** A simpler rephrasing, read aloud and shown by the "explain" button. */
  simple: localizedText,
});

const openQuestion = z.strictObject({
  id: identifier,
  text: localizedText,
  simple: localizedText.optional(),
});

const totalComponent = z.strictObject({
  scale: identifier,
  /** Recode the scale score as min + max − score before averaging (e.g. repression). */
  reverse: z.boolean().default(false),
});

const total = z.strictObject({
  id: identifier,
  name: localizedText,
  description: localizedText,
  /** The total is the mean of these scale scores, present only when all of them are. */
  components: z.array(totalComponent).min(2),
});

const scoring = z.strictObject({
  /** A respondent's scale score counts only when at least this share of its items is answered. */
  minAnsweredShare: z.number().gt(0).max(1),
  /** Items scored as min + max − answer. */
  reverseKeyed: z.array(identifier).default([]),
  total: total.optional(),
});

export const questionnaireSchema = z.strictObject({
  id: identifier,
  version: z.int().min(1),
  title: localizedText,
  ageBand: z.strictObject({ min: z.int().min(4).max(30), max: z.int().min(4).max(30) }),
  /** Every text in the file must exist in each of these languages; the first is the default. */
  languages: z.array(languageCode).min(1),
  /** Where the items come from, and under which terms (our own, or a published instrument). */
  source: z.string().trim().min(1),
  responseScale,
  scales: z.array(scale).min(1),
  items: z.array(item).min(1),
  openQuestions: z.array(openQuestion).default([]),
  scoring,
});

export type QuestionnaireFile = z.infer<typeof questionnaireSchema>;
