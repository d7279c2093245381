import type { Kysely } from 'kysely';
import type { Language } from '../config';
import type { DB } from '../db/schema';
import { t } from '../i18n/messages';
import type { Clock } from '../system';
import { questionnaireKey, type Questionnaire } from './questionnaire';
import type { QuestionnaireProblem } from './questionnaire.loader';
import { insertVersion, listVersions } from './questionnaire.repository';

/** The questionnaire versions the server knows: the files loaded now, by `id@version`. */
export class QuestionnaireCatalog {
  readonly #byKey: ReadonlyMap<string, Questionnaire>;

  constructor(questionnaires: readonly Questionnaire[]) {
    this.#byKey = new Map(questionnaires.map((q) => [questionnaireKey(q), q]));
  }

  get(id: string, version: number): Questionnaire | undefined {
    return this.#byKey.get(questionnaireKey({ id, version }));
  }

  /** The highest version of a questionnaire: what a round uses when it opens. */
  latest(id: string): Questionnaire | undefined {
    return this.list()
      .filter((q) => q.id === id)
      .sort((a, b) => b.version - a.version)[0];
  }

  list(): Questionnaire[] {
    return [...this.#byKey.values()].sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version);
  }
}

/**
 * Records each loaded version with its file's SHA-256. A version once registered may not change:
 * rounds that used it must keep meaning what they meant. A changed file is refused, and the
 * author is told to give it a new version number.
 */
export async function registerQuestionnaires(
  db: Kysely<DB>,
  questionnaires: readonly Questionnaire[],
  clock: Clock,
  lang: Language,
): Promise<QuestionnaireProblem[]> {
  return db.transaction().execute(async (trx) => {
    const registered = new Map((await listVersions(trx)).map((row) => [`${row.questionnaire_id}@${row.version}`, row]));
    const problems: QuestionnaireProblem[] = [];
    for (const q of questionnaires) {
      const key = questionnaireKey(q);
      const existing = registered.get(key);
      if (existing && existing.sha256 !== q.sha256) {
        problems.push({ file: q.file, path: 'version', message: t(lang, 'q.changed-after-registration', { key }) });
      } else if (!existing) {
        const { sha256, file, ...definition } = q;
        await insertVersion(trx, {
          questionnaire_id: q.id,
          version: q.version,
          sha256,
          definition: JSON.stringify(definition),
          registered_at: clock.now().toISOString(),
        });
      }
    }
    if (problems.length > 0) throw new RegistrationRefused(problems);
    return problems;
  }).catch((error: unknown) => {
    if (error instanceof RegistrationRefused) return error.problems;
    throw error;
  });
}

/** Rolls the registration back when any file is refused, so nothing is half-registered. */
class RegistrationRefused extends Error {
  constructor(readonly problems: QuestionnaireProblem[]) {
    super('questionnaire registration refused');
  }
}
