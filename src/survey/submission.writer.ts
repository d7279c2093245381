import { randomInt } from 'node:crypto';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config';
import { sql, type Kysely, type Transaction } from 'kysely';
import { isPostgres, jsonRows } from '../db/database';
import type { DB } from '../db/schema';
import type { Logger } from '../logger';
import { randomId } from '../system';

/** One young person's answers, checked against the questionnaire, ready to store. */
export interface Submission {
  readonly submissionId: string;
  readonly roundId: string;
  readonly groupId: string;
  readonly questionnaireId: string;
  readonly questionnaireVersion: number;
  readonly answers: readonly { readonly itemId: string; readonly value: number }[];
  readonly openAnswers: readonly { readonly questionId: string; readonly text: string }[];
  /** Set when the young person came in with a one-time code: it is used up with this response. */
  readonly codeHash?: string;
}

export type SubmitOutcome = 'stored' | 'already-received' | 'round-closed' | 'code-used';

interface Pending {
  readonly submission: Submission;
  resolve(outcome: SubmitOutcome): void;
  reject(error: unknown): void;
}

export class WriterBusy extends Error {}

/** What the routes need from a writer: the in-process one below, or the same on its own thread. */
export interface AnswerWriter {
  submit(submission: Submission): Promise<SubmitOutcome>;
  /** Resolves when everything submitted so far is written; for a clean shutdown. */
  idle(): Promise<void>;
}

/** Bound parameters per statement stay far below SQLite's 32,766 (and PostgreSQL's 65,535). */
const ROWS_PER_INSERT = 200;

function chunks<T>(rows: readonly T[], size = ROWS_PER_INSERT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function shuffled<T>(rows: readonly T[]): T[] {
  const out = [...rows];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Stores submissions with group commit: while one transaction is being written and made durable,
 * newly arriving submissions queue; the next transaction takes all of them. Each caller's promise
 * settles only after the transaction holding its submission has committed (synchronous=FULL), so
 * "sent" on the young person's screen always means stored. One fsync then serves many responses.
 *
 * Every check that can refuse a submission (already received, round no longer open, code already
 * used) runs before anything of that submission is written, so a refused one leaves no trace and
 * does not disturb the others in its batch. Rows are inserted in a shuffled order (SPEC §4.2).
 */
export class SubmissionWriter implements AnswerWriter {
  #queue: Pending[] = [];
  #writing: Promise<void> | undefined;
  /** Transactions committed and submissions they held: how well group commit is grouping. */
  readonly stats = { transactions: 0, submissions: 0 };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly logger: Logger,
    private readonly options = { maxBatch: 256, maxQueue: 5_000 },
  ) {}

  submit(submission: Submission): Promise<SubmitOutcome> {
    if (this.#queue.length >= this.options.maxQueue) return Promise.reject(new WriterBusy());
    const outcome = new Promise<SubmitOutcome>((resolve, reject) => this.#queue.push({ submission, resolve, reject }));
    this.#writing ??= this.#drain().finally(() => (this.#writing = undefined));
    return outcome;
  }

  /** Resolves when everything queued so far is written (for a clean shutdown). */
  async idle(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      let batch: Pending[] = [];
      try {
        // The batch is taken once the transaction has the connection, so it also holds everything
        // that arrived while waiting for it.
        const outcomes = await this.db.transaction().execute((trx) => {
          batch = this.#queue.splice(0, this.options.maxBatch);
          return writeBatch(trx, batch.map((p) => p.submission));
        });
        this.stats.transactions += 1;
        this.stats.submissions += batch.length;
        batch.forEach((p, i) => p.resolve(outcomes[i]!));
      } catch (error) {
        if (batch.length === 0) {
          // The transaction could not even begin (the database is locked too long, or closed):
          // everyone waiting is told to try again, rather than waiting for ever.
          this.logger.warn('could not begin a transaction for submissions', { error });
          for (const p of this.#queue.splice(0)) p.reject(new WriterBusy());
          continue;
        }
        if (batch.length === 1) {
          batch[0]!.reject(error);
          continue;
        }
        // Something unexpected (not a refusal): write each alone, so one bad submission fails alone.
        this.logger.warn('batched write failed; writing one by one', { size: batch.length, error });
        for (const p of batch) {
          try {
            p.resolve((await this.db.transaction().execute((trx) => writeBatch(trx, [p.submission])))[0]!);
          } catch (single) {
            p.reject(single);
          }
        }
      }
    }
  }
}

async function writeBatch(trx: Transaction<DB>, batch: readonly Submission[]): Promise<SubmitOutcome[]> {
  const roundIds = [...new Set(batch.map((s) => s.roundId))];
  const open = new Set(
    (
      await trx
        .selectFrom('round_group')
        .innerJoin('round', 'round.id', 'round_group.round_id')
        .select(['round_group.round_id', 'round_group.group_id', 'round_group.questionnaire_id', 'round_group.questionnaire_version'])
        .where('round.status', '=', 'open')
        .where('round_group.round_id', 'in', roundIds)
        // PostgreSQL: the rounds stay open until this commits — closing one waits for it, and a
        // close that came first is seen here (SQLite runs one write transaction at a time anyway).
        .$if(isPostgres(trx), (q) => q.forShare('round'))
        .execute()
    ).map((r) => `${r.round_id}|${r.group_id}|${r.questionnaire_id}|${r.questionnaire_version}`),
  );
  const received = new Set(
    (
      await sql<{ submission_id: string }>`select submission_id from submission_receipt where submission_id in (select value ->> 0 from ${jsonRows(trx, batch.map((s) => [s.submissionId]))})`.execute(trx)
    ).rows.map((r) => r.submission_id),
  );

  const outcomes: SubmitOutcome[] = [];
  const accepted: Submission[] = [];
  for (const s of batch) {
    if (received.has(s.submissionId)) {
      outcomes.push('already-received');
      continue;
    }
    if (!open.has(`${s.roundId}|${s.groupId}|${s.questionnaireId}|${s.questionnaireVersion}`)) {
      outcomes.push('round-closed');
      continue;
    }
    if (s.codeHash !== undefined) {
      // Used up in the same transaction as the response is stored; the code row gets no reference
      // to the response (SPEC §4.6).
      const result = await trx
        .updateTable('access_code')
        .set({ used: 1 })
        .where('code_hash', '=', s.codeHash)
        .where('round_id', '=', s.roundId)
        .where('group_id', '=', s.groupId)
        .where('used', '=', 0)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        outcomes.push('code-used');
        continue;
      }
    }
    received.add(s.submissionId);
    accepted.push(s);
    outcomes.push('stored');
  }
  if (accepted.length === 0) return outcomes;

  // Whole batches go in as one JSON parameter per table: the statement text never changes (one
  // prepared statement), and the database unpacks the rows instead of binding thousands of values.
  const responses = shuffled(accepted).map((s) => ({ s, id: randomId() }));
  await sql`insert into submission_receipt (submission_id, round_id)
    select value ->> 0, value ->> 1 from ${jsonRows(trx, responses.map(({ s }) => [s.submissionId, s.roundId]))}`.execute(trx);
  await sql`insert into response (id, round_id, group_id, questionnaire_id, questionnaire_version)
    select value ->> 0, value ->> 1, value ->> 2, value ->> 3, cast(value ->> 4 as integer)
    from ${jsonRows(trx, responses.map(({ s, id }) => [id, s.roundId, s.groupId, s.questionnaireId, s.questionnaireVersion]))}`.execute(trx);
  await sql`insert into response_answer (response_id, item_id, value)
    select value ->> 0, value ->> 1, cast(value ->> 2 as integer)
    from ${jsonRows(trx, responses.flatMap(({ s, id }) => s.answers.map((a) => [id, a.itemId, a.value])))}`.execute(trx);
  // Open answers: their own random ids, no reference to the response (SPEC §4.5).
  const open_answers = shuffled(accepted.flatMap((s) => s.openAnswers.map((o) => ({ id: randomId(), round_id: s.roundId, group_id: s.groupId, question_id: o.questionId, text: o.text }))));
  for (const rows of chunks(open_answers, 200)) await trx.insertInto('open_answer').values(rows).execute();
  return outcomes;
}

/**
 * The server's writer: a SubmissionWriter on a worker thread (`submission.worker.ts`) with its own
 * database connection. Under load the main thread is busy with HTTP; a transaction run from it
 * waits for that work between each of its statements, which stretched a 10 ms commit of 100
 * answers to 40 ms. On its own thread the transaction runs straight through.
 */
export class ThreadedSubmissionWriter implements AnswerWriter {
  #worker!: Worker;
  readonly #pending = new Map<number, { resolve(outcome: SubmitOutcome): void; reject(error: unknown): void }>();
  #next = 0;
  #closed: Promise<void> | undefined;
  #lastSubmit = 0;

  constructor(
    private readonly database: Config['database'],
    private readonly logLevel: Config['logLevel'],
    private readonly logger: Logger,
    /** The thread's script; tests pass a stand-in. */
    private readonly workerFile = path.join(__dirname, `submission.worker${path.extname(__filename) === '.ts' ? '.ts' : '.js'}`),
  ) {
    this.#start();
  }

  /**
   * Starts the thread, and starts a new one whenever it stops unasked: answers must keep being
   * taken. Submissions it had not acknowledged fail; their pages send them again, and the ones
   * already stored are recognised by their receipt.
   */
  #start(): void {
    const options = { workerData: { database: this.database, logLevel: this.logLevel } };
    // From TypeScript (tests, development) the script is a .ts file, run through tsx's loader.
    const worker = this.workerFile.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(this.workerFile)});`, { ...options, eval: true })
      : new Worker(this.workerFile, options);
    worker.on('message', (message: { id?: number; outcome?: SubmitOutcome; error?: string; closed?: true }) => {
      if (message.id === undefined) return;
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (!pending) return;
      if (message.outcome) pending.resolve(message.outcome);
      else pending.reject(message.error === 'busy' ? new WriterBusy() : new Error(message.error));
    });
    worker.on('error', (error) => this.logger.error('submission writer thread failed', { error }));
    worker.on('exit', (code) => {
      for (const pending of this.#pending.values()) pending.reject(new Error('submission writer thread stopped'));
      this.#pending.clear();
      if (this.#closed) return;
      this.logger.error('submission writer thread stopped; starting a new one', { code });
      this.#start();
    });
    this.#worker = worker;
  }

  submit(submission: Submission): Promise<SubmitOutcome> {
    if (this.#closed) return Promise.reject(new WriterBusy());
    const id = this.#next++;
    this.#lastSubmit = Date.now();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, submission });
    });
  }

  /** True when no answers have come in for this long: a good moment for housekeeping. */
  quietFor(ms: number): boolean {
    return this.#pending.size === 0 && Date.now() - this.#lastSubmit >= ms;
  }

  /** Waits for every submission sent so far, then closes the thread and its connection. */
  idle(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      const worker = this.#worker;
      worker.on('message', (message: { closed?: true }) => {
        if (message.closed) void worker.terminate().then(() => resolve());
      });
      worker.postMessage({ close: true });
    });
    return this.#closed;
  }
}
