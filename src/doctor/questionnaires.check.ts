import type { Language } from '../config';
import { questionnaireKey } from '../questionnaires/questionnaire';
import { formatProblem, loadQuestionnaires } from '../questionnaires/questionnaire.loader';
import type { DatabaseFacts } from './database.check';
import { findingsOf, type Finding } from './finding';

const f = findingsOf('questionnaires');

/**
 * The questionnaire files load and validate, as the server loads them at start; and a version the
 * database already registered (rounds used it) still has the content it had — else the server
 * refuses to start.
 */
export function checkQuestionnaires(dir: string, lang: Language, registered: DatabaseFacts['registered']): Finding[] {
  const loaded = loadQuestionnaires(dir, lang);
  if (!loaded.ok) {
    return [f.fail('dr.q-invalid', { dir, count: loaded.problems.length }, { fix: 'dr.q-invalid-fix', fixParams: { dir }, details: loaded.problems.map(formatProblem) })];
  }
  const findings = [f.ok('dr.q-ok', { count: loaded.questionnaires.length, keys: loaded.questionnaires.map(questionnaireKey).join(', ') })];
  const files = new Map(loaded.questionnaires.map((q) => [questionnaireKey(q), q]));
  for (const row of registered ?? []) {
    const key = questionnaireKey({ id: row.questionnaire_id, version: row.version });
    const q = files.get(key);
    if (q && q.sha256 !== row.sha256) findings.push(f.fail('dr.q-changed', { key, file: q.file }, { fix: 'dr.q-changed-fix', fixParams: { key } }));
  }
  return findings;
}
