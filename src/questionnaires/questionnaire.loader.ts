import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { Language } from '../config';
import { t, translate } from '../i18n/messages';
import { questionnaireKey, type Questionnaire } from './questionnaire';
import { questionnaireSchema, type QuestionnaireFile } from './questionnaire.schema';
import { rulesRefinement } from './questionnaire.rules';

/** One problem in one file: printed as `file:path: message`. */
export interface QuestionnaireProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

export type LoadResult =
  | { readonly ok: true; readonly questionnaires: readonly Questionnaire[] }
  | { readonly ok: false; readonly problems: readonly QuestionnaireProblem[] };

export function formatProblem(p: QuestionnaireProblem): string {
  return p.path ? `${p.file}:${p.path}: ${p.message}` : `${p.file}: ${p.message}`;
}

const zodLocales = { nl: z.locales.nl, en: z.locales.en } as const;

/** Parses and checks one file's text; `file` only names it in problems. */
export function parseQuestionnaire(
  file: string,
  text: string,
  lang: Language,
): { ok: true; questionnaire: Questionnaire } | { ok: false; problems: QuestionnaireProblem[] } {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => ({ file, path: '', message: t(lang, 'q.file.yaml', { reason: e.message }) })) };
  }
  const parsed = questionnaireSchema
    .superRefine(rulesRefinement(lang))
    .safeParse(doc.toJS(), { error: zodLocales[lang]().localeError });
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({ file, path: issue.path.map(String).join('.'), message: translate(lang, issue.message) })),
    };
  }
  // The hash is of the content, not the bytes: line endings, a byte-order mark, comments or key
  // order (an editor, git's autocrlf) must not count as a changed questionnaire.
  const sha256 = createHash('sha256').update(canonicalJson(parsed.data)).digest('hex');
  return { ok: true, questionnaire: toQuestionnaire(parsed.data, file, sha256) };
}

function toQuestionnaire(q: QuestionnaireFile, file: string, sha256: string): Questionnaire {
  const reverse = new Set(q.scoring.reverseKeyed);
  return deepFreeze({
    id: q.id,
    version: q.version,
    title: q.title,
    ageBand: q.ageBand,
    languages: q.languages,
    source: q.source,
    responseScale: { ...q.responseScale, points: [...q.responseScale.points].sort((a, b) => a.value - b.value) },
    scales: q.scales,
    items: q.items.map((item) => ({ ...item, reverse: reverse.has(item.id) })),
    openQuestions: q.openQuestions,
    scoring: { minAnsweredShare: q.scoring.minAnsweredShare, ...(q.scoring.total ? { total: q.scoring.total } : {}) },
    sha256,
    file,
  });
}

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Loads every `*.yaml`/`*.yml` file in a folder. All problems in all files are collected, so an
 * author sees everything to fix at once; one bad file fails the whole load.
 */
export function loadQuestionnaires(dir: string, lang: Language): LoadResult {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, problems: [{ file: dir, path: '', message: t(lang, 'q.file.unreadable', { reason }) }] };
  }
  if (files.length === 0) return { ok: false, problems: [{ file: dir, path: '', message: t(lang, 'q.file.none', { dir }) }] };

  const problems: QuestionnaireProblem[] = [];
  const byKey = new Map<string, Questionnaire>();
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, file), 'utf8');
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      problems.push({ file, path: '', message: t(lang, 'q.file.unreadable', { reason }) });
      continue;
    }
    const result = parseQuestionnaire(file, text, lang);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const key = questionnaireKey(result.questionnaire);
    const other = byKey.get(key);
    if (other) problems.push({ file, path: 'id', message: t(lang, 'q.duplicate-version', { key, other: other.file }) });
    else byKey.set(key, result.questionnaire);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, questionnaires: [...byKey.values()] };
}
