import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config';
import { openDatabase } from '../db/database';
import { createLogger } from '../logger';
import { SubmissionWriter, WriterBusy, type Submission } from './submission.writer';

/**
 * The submission writer on its own thread, with its own connection (WAL lets the server's other
 * connection read and write beside it). Its transactions then never wait for the HTTP work on the
 * main thread between their statements. Messages: `{id, submission}` in, `{id, outcome | error}` out.
 */
const { database, logLevel } = workerData as { database: Config['database']; logLevel: Config['logLevel'] };
// The writer runs one transaction at a time: two PostgreSQL connections are plenty.
const db = openDatabase(database, { checkpoints: 'elsewhere', poolSize: 2 });
const writer = new SubmissionWriter(db, createLogger(logLevel));
const port = parentPort!;

port.on('message', (message: { id: number; submission: Submission } | { close: true }) => {
  if ('close' in message) {
    void writer
      .idle()
      .then(() => db.destroy())
      .then(() => port.postMessage({ closed: true }));
    return;
  }
  writer.submit(message.submission).then(
    (outcome) => port.postMessage({ id: message.id, outcome }),
    (error: unknown) => port.postMessage({ id: message.id, error: error instanceof WriterBusy ? 'busy' : error instanceof Error ? error.message : String(error) }),
  );
});
