import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from './config';
import type { Database } from './db/database';
import { healthRoutes } from './health/health.routes';
import { errorHandler, notFound } from './http/error-handler';
import { requestLanguage } from './http/language';
import { requestLog } from './http/request-log';
import type { Logger } from './logger';
import { paths } from './paths';
import type { QuestionnaireCatalog } from './questionnaires/questionnaire.service';
import type { Clock } from './system';
import type { PageRenderer } from './views/render';

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  readonly config: Config;
  readonly db: Database;
  readonly questionnaires: QuestionnaireCatalog;
  readonly views: PageRenderer;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** Builds the Express app: routers, views, static files and the one error handler. Never listens. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    helmet({
      // Everything is served by this server: no inline script, no external origin (SPEC §5, §7).
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: deps.config.publicUrl.startsWith('https:'),
    }),
  );
  app.use(requestLog(deps.logger));
  app.use('/static', express.static(paths.public, { index: false, maxAge: '1h' }));
  app.use(healthRoutes(deps));
  app.get('/', (req, res) => {
    res.type('html').send(deps.views.render('home', { lang: requestLanguage(req, deps.config.language) }));
  });
  app.use(notFound);
  app.use(errorHandler({ logger: deps.logger, views: deps.views, language: deps.config.language }));
  return app;
}
