import { Router } from 'express';
import type { Database } from '../db/database';
import { pingDatabase } from '../db/database';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';

/** `/healthz`: for monitoring. Says whether the database answers and which questionnaires are loaded. */
export function healthRoutes(deps: { db: Database; questionnaires: QuestionnaireCatalog }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const databaseUp = await pingDatabase(deps.db);
    res.status(databaseUp ? 200 : 503).json({
      status: databaseUp ? 'ok' : 'unavailable',
      database: databaseUp ? 'ok' : 'unavailable',
      questionnaires: deps.questionnaires.list().map((q) => ({ id: q.id, version: q.version, languages: q.languages })),
    });
  });
  return router;
}
