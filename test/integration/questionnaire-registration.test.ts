import { paths } from '../../src/paths';
import { loadQuestionnaires } from '../../src/questionnaires/questionnaire.loader';
import { registerQuestionnaires } from '../../src/questionnaires/questionnaire.service';
import type { Questionnaire } from '../../src/questionnaires/questionnaire';
import { createTestDatabase, fixedClock } from '../support/db';

function shipped(): Questionnaire[] {
  const result = loadQuestionnaires(paths.surveys, 'en');
  if (!result.ok) throw new Error('shipped questionnaires do not load');
  return [...result.questionnaires];
}

describe('registering questionnaire versions', () => {
  const clock = fixedClock('2026-11-22T10:00:00.000Z');

  it('records each version with its hash once, and accepts the same files again', async () => {
    const { db, cleanup } = await createTestDatabase();
    try {
      expect(await registerQuestionnaires(db, shipped(), clock, 'en')).toEqual([]);
      expect(await registerQuestionnaires(db, shipped(), clock, 'en')).toEqual([]);
      const rows = await db.selectFrom('questionnaire_version').select(['questionnaire_id', 'version', 'sha256']).orderBy('questionnaire_id').execute();
      expect(rows.map((r) => `${r.questionnaire_id}@${r.version}`)).toEqual(['lk-jeugd@1', 'lk-jongvolwassen@1', 'lk-kind@1']);
      const definition = JSON.parse((await db.selectFrom('questionnaire_version').select('definition').where('questionnaire_id', '=', 'lk-kind').executeTakeFirstOrThrow()).definition);
      expect(definition.items.length).toBeGreaterThan(0);
    } finally {
      await cleanup();
    }
  });

  it('refuses a file changed after its version was registered, and registers nothing', async () => {
    const { db, cleanup } = await createTestDatabase();
    try {
      const [first, ...rest] = shipped();
      await registerQuestionnaires(db, [first!], clock, 'en');
      const edited = { ...first!, sha256: 'f'.repeat(64) };
      const problems = await registerQuestionnaires(db, [edited, ...rest], clock, 'en');
      expect(problems).toEqual([
        { file: first!.file, path: 'version', message: `questionnaire ${first!.id}@1 changed after it was registered; give the changed file a new version number` },
      ]);
      // The other, valid files were not registered either: a refused start changes nothing.
      expect(await db.selectFrom('questionnaire_version').select('questionnaire_id').execute()).toHaveLength(1);
    } finally {
      await cleanup();
    }
  });
});
