/**
 * The PostgreSQL side of the benches: a private, durable PostgreSQL server for the run (the tests'
 * `startPostgresCluster`, with fsync and synchronous_commit on — PostgreSQL's defaults, as
 * durable as SQLite's WAL + synchronous=FULL), a fresh database per use, the raw `pg` transaction
 * that is the yardstick for the server's write figures, and reading back what a database holds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { startPostgresCluster } from '../test/support/postgres-cluster';
import { ANSWERS_PER_RESPONSE, newSubmission, processTreeCpuSeconds, seed, type Counts, type LoadedQuestionnaire, type RawTarget, type Teardown } from './support';

export interface BenchCluster {
  /** Superuser URL of the cluster's `postgres` database. */
  readonly url: string;
  /** `server_version`, and the settings that decide what a commit costs. */
  readonly describe: string;
  /** CPU seconds of the server and its backends so far (Linux /proc), or undefined. */
  cpuSeconds(): number | undefined;
  /** A new, empty database on the cluster; its URL. */
  createDatabase(name: string): Promise<string>;
  dropDatabase(url: string): Promise<void>;
}

/**
 * Starts the cluster and registers its stop with `teardown` (which also runs on Ctrl-C). Its data
 * folder goes under BENCH_DIR when that is set (the cluster makes it in the OS's temporary folder,
 * which is TMPDIR), so both databases write to the same disk.
 */
export async function startBenchCluster(teardown: Teardown): Promise<BenchCluster> {
  const tmp = process.env['TMPDIR'];
  if (process.env['BENCH_DIR']) process.env['TMPDIR'] = process.env['BENCH_DIR'];
  let cluster: Awaited<ReturnType<typeof startPostgresCluster>>;
  try {
    cluster = await startPostgresCluster({ durable: true });
  } finally {
    if (tmp === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = tmp;
  }
  teardown.add(() => cluster.stop(), 'stop the PostgreSQL server');
  const settings = await withClient(cluster.url, async (c) => {
    const show = async (name: string) => String((await c.query<Record<string, string>>(`show ${name}`)).rows[0]?.[name]);
    const names = ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'max_wal_size', 'data_directory'];
    const values: Record<string, string> = {};
    for (const n of names) values[n] = await show(n);
    return values;
  });
  if (settings['fsync'] !== 'on' || settings['synchronous_commit'] !== 'on') {
    throw new Error(`the bench's PostgreSQL cluster is not durable: ${JSON.stringify(settings)}`);
  }
  // postmaster.pid's first line: the server's process id, the parent of every backend.
  const postmaster = Number(fs.readFileSync(path.join(settings['data_directory']!, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url: cluster.url,
    cpuSeconds: () => processTreeCpuSeconds(postmaster),
    describe:
      `PostgreSQL ${settings['server_version']} (fsync ${settings['fsync']}, synchronous_commit ${settings['synchronous_commit']}, ` +
      `full_page_writes ${settings['full_page_writes']}, wal_sync_method ${settings['wal_sync_method']}, shared_buffers ${settings['shared_buffers']}, max_wal_size ${settings['max_wal_size']})`,
    async createDatabase(name) {
      await withClient(cluster.url, (c) => c.query(`create database ${pg.escapeIdentifier(name)}`));
      const url = new URL(cluster.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropDatabase(url) {
      const name = new URL(url).pathname.slice(1);
      await withClient(cluster.url, (c) => c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`));
    },
  };
}

/** One `pg` connection for the duration of `work`. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function countOne(client: pg.Client, text: string): Promise<number> {
  return Number((await client.query<{ n: string }>(text)).rows[0]?.n ?? NaN);
}

// ---------------------------------------------------------------------------------------------
// The raw side: one `pg` client, the same work unit as the raw `sqlite3` transaction

export const PG_RESPONSE_SQL = 'insert into "response" ("id", "round_id", "group_id", "questionnaire_id", "questionnaire_version") values ($1, $2, $3, $4, $5)';
export const PG_ANSWERS_SQL = `insert into "response_answer" ("item_id", "value", "response_id") values ${Array.from(
  { length: ANSWERS_PER_RESPONSE },
  (_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`,
).join(', ')}`;

/**
 * BEGIN; 1 response; 1 insert of its 32 answers; COMMIT — on its own database, migrated and
 * seeded through Kysely first, with the SQL Kysely's PostgreSQL dialect sends for `insertResponse`.
 */
export async function rawPostgresTarget(url: string, q: LoadedQuestionnaire): Promise<RawTarget> {
  const setup = openDatabase({ kind: 'postgres', url, poolSize: 2 });
  let fixture;
  try {
    fixture = await seed(setup, q.all, q.itemIds);
    const { response, answers } = newSubmission(fixture);
    const responseSql = setup.insertInto('response').values(response).compile().sql;
    const answersSql = setup
      .insertInto('response_answer')
      .values(answers.map((a) => ({ ...a, response_id: response.id })))
      .compile().sql;
    if (responseSql !== PG_RESPONSE_SQL) throw new Error(`raw response SQL differs from Kysely's:\n  ${PG_RESPONSE_SQL}\n  ${responseSql}`);
    if (answersSql !== PG_ANSWERS_SQL) throw new Error(`raw answers SQL differs from Kysely's:\n  ${PG_ANSWERS_SQL}\n  ${answersSql}`);
  } finally {
    await setup.destroy();
  }
  const f = fixture;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const target: RawTarget = {
    committed: 0,
    async runTx() {
      const { response, answers } = newSubmission(f);
      const answerParams: unknown[] = [];
      for (const a of answers) answerParams.push(a.item_id, a.value, response.id);
      await client.query('begin');
      try {
        await client.query(PG_RESPONSE_SQL, [response.id, response.round_id, response.group_id, response.questionnaire_id, response.questionnaire_version]);
        await client.query(PG_ANSWERS_SQL, answerParams);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
      target.committed++;
    },
    close: () => client.end(),
  };
  return target;
}

// ---------------------------------------------------------------------------------------------
// Verification

/**
 * What a PostgreSQL database holds, as `countRows` reads a SQLite file. PostgreSQL enforces its
 * foreign keys at every statement, so `fkViolations` counts what would break them anyway: answers
 * without their response, responses without their round's group.
 */
export async function countPostgresRows(database: Extract<DatabaseConfig, { kind: 'postgres' }>): Promise<Counts & { receipts: number }> {
  return withClient(database.url, async (c) => ({
    responses: await countOne(c, 'select count(*) as n from response'),
    answers: await countOne(c, 'select count(*) as n from response_answer'),
    incomplete: await countOne(
      c,
      `select count(*) as n from (select r.id from response r left join response_answer a on a.response_id = r.id
         group by r.id having count(a.item_id) <> ${ANSWERS_PER_RESPONSE}) as x`,
    ),
    outOfRange: await countOne(c, 'select count(*) as n from response_answer where value not between 1 and 5'),
    fkViolations:
      (await countOne(c, 'select count(*) as n from response_answer a where not exists (select 1 from response r where r.id = a.response_id)')) +
      (await countOne(
        c,
        'select count(*) as n from response r where not exists (select 1 from round_group g where g.round_id = r.round_id and g.group_id = r.group_id)',
      )),
    receipts: await countOne(c, 'select count(*) as n from submission_receipt'),
  }));
}

/** For messages: where the cluster keeps its files (it follows TMPDIR, see `startBenchCluster`). */
export const clusterParent = () => process.env['BENCH_DIR'] || os.tmpdir();
