import type { Express } from 'express';
import { randomBytes } from 'node:crypto';
import { createApp, type AppDeps } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { paths } from '../../src/paths';
import { PdfRenderer } from '../../src/reports/pdf-renderer';
import { loadQuestionnaires } from '../../src/questionnaires/questionnaire.loader';
import { QuestionnaireCatalog, registerQuestionnaires } from '../../src/questionnaires/questionnaire.service';
import { createPageRenderer } from '../../src/views/render';
import { createTestDatabase, fixedClock } from './db';

/** The real app on a fresh, migrated database with the shipped questionnaires registered. */
export async function createTestApp(env: NodeJS.ProcessEnv = {}, overrides: Partial<Pick<AppDeps, 'survey' | 'limiter' | 'logger' | 'renderer' | 'reportScheduler'>> = {}) {
  const testDb = await createTestDatabase();
  const config: Config = loadConfig({ DATABASE_URL: testDb.url, LOG_LEVEL: 'silent', ...env });
  const loaded = loadQuestionnaires(paths.surveys, 'en');
  if (!loaded.ok) throw new Error('shipped questionnaires do not load');
  const clock = fixedClock('2026-11-22T10:00:00.000Z');
  await registerQuestionnaires(testDb.db, loaded.questionnaires, clock, 'en');
  const questionnaires = new QuestionnaireCatalog(loaded.questionnaires);
  const secret = randomBytes(32);
  // Chromium starts only when a test makes a report; closed with the database.
  const renderer = overrides.renderer ?? new PdfRenderer();
  const app: Express = createApp({ config, db: testDb.db, questionnaires, views: createPageRenderer(paths.views), logger: silentLogger, clock, secret, ...overrides, renderer });
  const cleanup = async () => {
    await renderer.close();
    await testDb.cleanup();
  };
  return { app, config, clock, questionnaires, secret, renderer, ...testDb, cleanup };
}
