import type { z } from 'zod';
import type { Language } from '../config';
import { t } from '../i18n/messages';
import type { QuestionnaireFile } from './questionnaire.schema';

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

/**
 * What the schema's shape cannot say: references between parts of the file and complete
 * translations. One message per problem, each with the path where it is.
 */
export function checkQuestionnaireRules(q: QuestionnaireFile, lang: Language, report: Report): void {
  const languages = new Set<string>();
  q.languages.forEach((code, i) => {
    if (languages.has(code)) report(['languages', i], t(lang, 'q.duplicate-language', { lang: code }));
    languages.add(code);
  });

  const checkText = (text: Record<string, string> | undefined, path: Path) => {
    if (!text) return;
    for (const code of languages) if (!(code in text)) report([...path, code], t(lang, 'q.translation.missing', { lang: code }));
    for (const code of Object.keys(text)) {
      if (!languages.has(code)) report([...path, code], t(lang, 'q.translation.undeclared', { lang: code }));
    }
  };

  checkText(q.title, ['title']);
  if (q.ageBand.min > q.ageBand.max) report(['ageBand'], t(lang, 'q.age-band'));

  const rs = q.responseScale;
  if (rs.min >= rs.max) report(['responseScale'], t(lang, 'q.scale-range'));
  const values = rs.points.map((p) => p.value).sort((a, b) => a - b);
  const expected = Array.from({ length: rs.max - rs.min + 1 }, (_, i) => rs.min + i);
  if (values.join() !== expected.join()) report(['responseScale', 'points'], t(lang, 'q.scale-points', { min: rs.min, max: rs.max }));
  const withSmiley = rs.points.filter((p) => p.smiley !== undefined).length;
  if (withSmiley > 0 && withSmiley < rs.points.length) report(['responseScale', 'points'], t(lang, 'q.smileys-partial'));
  rs.points.forEach((p, i) => checkText(p.label, ['responseScale', 'points', i, 'label']));

  const scaleIds = uniqueIds(q.scales, ['scales'], lang, report);
  q.scales.forEach((s, i) => {
    checkText(s.name, ['scales', i, 'name']);
    checkText(s.description, ['scales', i, 'description']);
  });
  const knownScales = [...scaleIds].join(', ');

  const itemIds = uniqueIds(q.items, ['items'], lang, report);
  q.openQuestions.forEach((oq, i) => {
    if (itemIds.has(oq.id)) report(['openQuestions', i, 'id'], t(lang, 'q.duplicate-id', { id: oq.id }));
  });
  uniqueIds(q.openQuestions, ['openQuestions'], lang, report);
  q.items.forEach((item, i) => {
    if (!scaleIds.has(item.scale)) report(['items', i, 'scale'], t(lang, 'q.unknown-scale', { id: item.scale, known: knownScales }));
    checkText(item.text, ['items', i, 'text']);
    checkText(item.simple, ['items', i, 'simple']);
  });
  q.scales.forEach((s, i) => {
    if (!q.items.some((item) => item.scale === s.id)) report(['scales', i], t(lang, 'q.scale-without-items', { id: s.id }));
  });
  q.openQuestions.forEach((oq, i) => {
    checkText(oq.text, ['openQuestions', i, 'text']);
    checkText(oq.simple, ['openQuestions', i, 'simple']);
  });

  const closedItems = new Set(q.items.map((item) => item.id));
  const seenReverse = new Set<string>();
  q.scoring.reverseKeyed.forEach((id, i) => {
    const path = ['scoring', 'reverseKeyed', i];
    if (!closedItems.has(id)) report(path, t(lang, 'q.unknown-item', { id }));
    if (seenReverse.has(id)) report(path, t(lang, 'q.duplicate-id', { id }));
    seenReverse.add(id);
  });

  const total = q.scoring.total;
  if (total) {
    checkText(total.name, ['scoring', 'total', 'name']);
    checkText(total.description, ['scoring', 'total', 'description']);
    const seen = new Set<string>();
    total.components.forEach((c, i) => {
      const path = ['scoring', 'total', 'components', i, 'scale'];
      if (!scaleIds.has(c.scale)) report(path, t(lang, 'q.unknown-scale', { id: c.scale, known: knownScales }));
      if (seen.has(c.scale)) report(path, t(lang, 'q.duplicate-id', { id: c.scale }));
      seen.add(c.scale);
    });
  }
}

function uniqueIds(list: readonly { id: string }[], path: Path, lang: Language, report: Report): Set<string> {
  const ids = new Set<string>();
  list.forEach((entry, i) => {
    if (ids.has(entry.id)) report([...path, i, 'id'], t(lang, 'q.duplicate-id', { id: entry.id }));
    ids.add(entry.id);
  });
  return ids;
}

/** Adapts the rules to a zod `superRefine`, so shape and rule problems come out as one list. */
export function rulesRefinement(lang: Language) {
  return (q: QuestionnaireFile, ctx: z.RefinementCtx) =>
    checkQuestionnaireRules(q, lang, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
}
