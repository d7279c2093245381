import compression from 'compression';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { loadSession } from './auth/auth.middleware';
import { authRoutes } from './auth/auth.routes';
import { AttemptLimiter } from './auth/login-limiter';
import type { Config } from './config';
import type { Database } from './db/database';
import { healthRoutes } from './health/health.routes';
import { parseCookies } from './http/cookies';
import { csrfProtection } from './http/csrf';
import { errorHandler, notFound } from './http/error-handler';
import { languageMiddleware } from './http/language';
import { refuseNulCharacters } from './http/nul-characters';
import './http/locals';
import { sendPage } from './http/page';
import { requestLog } from './http/request-log';
import type { Logger } from './logger';
import { organisationRoutes } from './organisation/organisation.routes';
import { paths } from './paths';
import type { QuestionnaireCatalog } from './questionnaires/questionnaire.service';
import { resultsRoutes } from './results/results.routes';
import { PdfRenderer } from './reports/pdf-renderer';
import { reportRoutes } from './reports/report.routes';
import type { ReportScheduler } from './reports/report.scheduler';
import { createReportTemplates } from './reports/report.templates';
import { roundRoutes } from './rounds/round.routes';
import { staffRoutes } from './staff/staff.routes';
import { SubmissionWriter, type AnswerWriter } from './survey/submission.writer';
import { SURVEY_PATHS, surveyRoutes, type SurveyTimings } from './survey/survey.routes';
import type { Clock } from './system';
import { userRoutes } from './auth/users.routes';
import type { PageRenderer } from './views/render';

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  readonly config: Config;
  readonly db: Database;
  readonly questionnaires: QuestionnaireCatalog;
  readonly views: PageRenderer;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The server's secret key (`secret.ts`): keys code hashes, signs survey tickets. */
  readonly secret: Buffer;
  /** Login attempts; shared so a test can see or reset it. */
  readonly limiter?: AttemptLimiter;
  /** Stores survey answers with group commit; one per database. */
  readonly writer?: AnswerWriter;
  /** Tablet idle timings (tests shorten them). */
  readonly survey?: SurveyTimings;
  /** Renders reports to PDF; launches Chromium only when a report is made. */
  readonly renderer?: PdfRenderer;
  /** Makes the automatic reports; the server passes one, so closing a round starts its group reports. */
  readonly reportScheduler?: ReportScheduler;
}

/** Everything is served by this server: no inline script, no external origin (SPEC §5, §7). */
const contentSecurityPolicy = {
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
};

/** Builds the Express app: routers, views, static files and the one error handler. Never listens. */
export function createApp(deps: AppDeps): Express {
  const secure = deps.config.publicUrl.startsWith('https:');
  const routeDeps = {
    ...deps,
    limiter: deps.limiter ?? new AttemptLimiter(deps.clock),
    writer: deps.writer ?? new SubmissionWriter(deps.db, deps.logger),
    renderer: deps.renderer ?? new PdfRenderer({ logger: deps.logger }),
    reportTemplates: createReportTemplates(),
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('etag', false);
  app.use(helmet({ contentSecurityPolicy, referrerPolicy: { policy: 'no-referrer' }, strictTransportSecurity: secure }));
  // Young people's pages, and the files they load, leave no timed trace in the log.
  app.use(requestLog(deps.logger, (path) => SURVEY_PATHS.test(path) || path.startsWith('/static/')));
  // Small pages on weak Wi-Fi (SPEC §5): compress what is worth it. Only pages and files: the
  // answers to POSTs are small, and skipping the wrapper there keeps submissions cheap.
  const compress = compression({ threshold: 1024 });
  app.use((req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? compress(req, res, next) : next()));
  // Chart.js from our own dependency, never a CDN (SPEC §7).
  app.get('/static/vendor/chart.js', (_req, res) => res.sendFile(paths.chartJs, { maxAge: '1h' }));
  app.use('/static', express.static(paths.public, { index: false, maxAge: '1h' }));
  app.use(healthRoutes(deps));

  // Language and layout come from the address and cookies alone, and are set before any check can
  // fail: a refused body (too large, unreadable) on a young person's page still gets their layout.
  app.use(parseCookies);
  app.use(languageMiddleware(deps.config.language, secure, (path) => SURVEY_PATHS.test(path)));
  app.use((req, res, next) => {
    if (SURVEY_PATHS.test(req.path)) res.locals.layout = 'survey';
    next();
  });
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '64kb' }));
  app.use(refuseNulCharacters);
  app.use(loadSession(deps.db, deps.clock));
  app.use(csrfProtection(secure));
  // Staff pages are personal and survey pages hold answers: never cached by a browser or proxy.
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  app.get('/', (_req, res) => sendPage(res, deps.views, 'home'));
  app.use(surveyRoutes(routeDeps));
  app.use(authRoutes(routeDeps));
  app.use(staffRoutes(routeDeps));
  app.use(organisationRoutes(routeDeps));
  app.use(roundRoutes(routeDeps));
  app.use(resultsRoutes(routeDeps));
  app.use(reportRoutes(routeDeps));
  app.use(userRoutes(routeDeps));
  app.use(notFound);
  app.use(errorHandler({ logger: deps.logger, views: deps.views, language: deps.config.language }));
  return app;
}
