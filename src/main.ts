import type { Server } from 'node:http';
import { createApp } from './app';
import { createHttpServer } from './http/server';
import { purgeExpiredSessions } from './auth/session.service';
import { issueSetupTokenIfNeeded } from './auth/setup.service';
import { describeStartupError, prepare } from './bootstrap';
import { checkpointInBackground } from './db/database';
import { loadConfig } from './config';
import { StartupError } from './errors';
import { t, tBoth } from './i18n/messages';
import { createLogger } from './logger';
import { systemClock } from './system';
import { paths } from './paths';
import { summarizeClosedRounds } from './results/round-summary';
import { PdfRenderer } from './reports/pdf-renderer';
import { ReportScheduler } from './reports/report.scheduler';
import { createReportTemplates } from './reports/report.templates';
import { runSchedule } from './rounds/round.service';
import { ThreadedSubmissionWriter } from './survey/submission.writer';
import { deleteTabletSessionsOfClosedRounds } from './survey/survey.repository';
import { createPageRenderer } from './views/render';

/** load config → check questionnaires → open and migrate db → createApp → listen; clean shutdown. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { db, questionnaires, secret, migrated } = await prepare(config, systemClock);
  const say = (line: string) => process.stdout.write(line + '\n');
  if (migrated.length > 0) say(t(config.language, 'startup.migrated', { names: migrated.join(', ') }));

  const views = createPageRenderer(paths.views);
  const writer = new ThreadedSubmissionWriter(config.database, config.logLevel, logger);
  const checkpoints = checkpointInBackground(db, { quiet: () => writer.quietFor(500) });
  const renderer = new PdfRenderer({ logger });
  const reportScheduler = new ReportScheduler(
    { results: { db, questionnaires, k: config.anonymityK, logger }, renderer, templates: createReportTemplates(), clock: systemClock, timeZone: config.timeZone },
    config.language,
    logger,
  );
  const app = createApp({ config, db, questionnaires, views, logger, clock: systemClock, secret, writer, renderer, reportScheduler });
  // Not app.listen: Express 5 calls its callback on errors too, which would report a taken port
  // as a started server. Our own server: limits for slow clients, plain answers to malformed requests.
  const server: Server = createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.listen(config.port, config.host);
    server.once('error', (cause: NodeJS.ErrnoException) =>
      reject(new StartupError(tBoth('startup.cannot-listen'), [{ path: 'PORT / HOST', message: `${config.host}:${config.port}: ${cause.code ?? cause.message}` }], { cause })),
    );
  });

  // From the moment the server listens, a stop finishes what is in flight — also during the first
  // schedule step below, which after an upgrade may take long (it summarises every closed round).
  let stopping = false;
  let scheduler: NodeJS.Timeout | undefined;
  let scheduled: Promise<unknown> = Promise.resolve();
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(t(config.language, 'startup.stopping'));
    clearInterval(scheduler);
    clearInterval(checkpoints);
    logger.info('shutdown', { signal });
    // Finish requests in flight, then close the database (which waits for a running transaction).
    // Node keeps a kept-alive connection open after close() until its keep-alive timeout (6 s) and
    // serves every further request on it: so a request that still arrives says the connection
    // closes, and each connection is closed as soon as its response is done.
    server.prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
    const closeIdle = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearInterval(closeIdle);
      Promise.all([writer.idle(), scheduled.then(() => reportScheduler.idle())])
        .then(() => renderer.close())
        .then(() => db.destroy())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error('closing the database failed', { error });
            process.exit(1);
          },
        );
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  say(t(config.language, 'startup.listening', { url: config.publicUrl }));
  const setupToken = await issueSetupTokenIfNeeded(db, systemClock);
  if (setupToken) say(`\n${t(config.language, 'startup.setup-link')}\n  ${config.publicUrl}/setup/${setupToken}\n`);

  // Rounds open and close on their dates; the next ones stay planned; expired sessions and the
  // tablets of closed rounds go.
  // At start, then every 10 minutes. Rounds that closed are summarised straight away, so the
  // first person to open the results does not wait for it.
  const schedule = () =>
    (scheduled = Promise.all([runSchedule(db, questionnaires, systemClock, logger), purgeExpiredSessions(db, systemClock), deleteTabletSessionsOfClosedRounds(db)])
      .then(
        ([done]) => (done.opened || done.closed || done.planned) && logger.info('schedule', done),
        (error: unknown) => logger.error('schedule failed', { error }),
      )
      .then(() => summarizeClosedRounds(db, questionnaires, logger))
      .then(
        (summarised) => summarised > 0 && logger.info('rounds summarised', { groups: summarised }),
        (error: unknown) => logger.error('summarising closed rounds failed', { error }),
      )
      // Then the reports that are due: a group report per closed group, municipalities' period reports.
      .then(() => reportScheduler.kick()));
  if (stopping) return;
  await schedule();
  if (!stopping) scheduler = setInterval(schedule, 10 * 60_000);
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(describeStartupError(error) + '\n');
  } else {
    process.stderr.write(`Leefklimaat kon niet starten / could not start:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
