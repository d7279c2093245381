/**
 * The datasets of `bench:results`, the same on both databases: a plan (ids, which group and round
 * each response belongs to, every answer's value — drawn once from the seeded generator), then
 * per database the organisation, closed rounds and a signed-in manager through `prepare` and the
 * repositories (Kysely: the same code for both), and the responses and answers by each database's
 * own fast path.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import sqlite3 from 'sqlite3';
import { hashToken } from '../src/auth/setup.service';
import { SESSION_COOKIE } from '../src/auth/session.service';
import type { CurrentUser } from '../src/auth/current-user';
import { insertUser } from '../src/auth/user.repository';
import { prepare } from '../src/bootstrap';
import type { Config, DatabaseConfig } from '../src/config';
import type { Random } from '../src/demo/random';
import { insertGroup, insertInstitution, insertLocation } from '../src/organisation/organisation.repository';
import type { Questionnaire } from '../src/questionnaires/questionnaire';
import { defaultWindow, periodLabel, periodOf, previousPeriod, type Period } from '../src/rounds/period';
import { insertRound, insertRoundGroups } from '../src/rounds/round.repository';
import { randomId, systemClock } from '../src/system';
import { countOne, withClient } from './postgres';
import { fmtInt, QUESTIONNAIRE_ID, QUESTIONNAIRE_VERSION, rawClose, rawGet, rawOpen, rawRun, sqliteFileOf } from './support';

export interface Shape {
  readonly name: 'A' | 'B';
  readonly groups: number;
  readonly locations: number;
  readonly rounds: number;
  /** Responses per group per round. */
  readonly perCell: number;
  /** Items answered by every response. */
  readonly items: number;
}

export const responsesOf = (s: Shape) => s.groups * s.rounds * s.perCell;

/** Everything random about a dataset, drawn once, so both databases hold the very same rows. */
export interface Plan {
  readonly shape: Shape;
  readonly institutionId: string;
  readonly locationIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly periods: readonly Period[];
  /** Oldest first. */
  readonly roundIds: readonly string[];
  readonly managerId: string;
  readonly token: string;
  readonly csrf: string;
  /** The items every response answers, sorted by id. */
  readonly items: readonly string[];
  /** Response ids, sorted. */
  readonly ids: readonly string[];
  /** Response i belongs to group `cellOf[i] % groups` in round `floor(cellOf[i] / groups)`. */
  readonly cellOf: Uint32Array;
  /** Response i's answers are `values[i * items.length …]`, 1–5, in the order of `items`. */
  readonly values: Buffer;
}

/**
 * The items a response of `shape` answers: all of them, or (BENCH_1M_ITEMS) the first few of each
 * scale in turn, so that every scale keeps as many answers as it can. Sorted by id: the answers
 * then go into `response_answer` in its primary key's order.
 */
function itemsFor(q: Questionnaire, count: number): string[] {
  if (count >= q.items.length) return q.items.map((i) => i.id).sort();
  const byScale = q.scales.map((s) => q.items.filter((i) => i.scale === s.id).map((i) => i.id));
  const chosen: string[] = [];
  for (let at = 0; chosen.length < count; at++) for (const list of byScale) if (chosen.length < count && list[at] !== undefined) chosen.push(list[at]!);
  return chosen.sort();
}

/** The `rounds` periods (half-years) before the current one, oldest first: all closed in the past. */
function pastPeriods(rounds: number): Period[] {
  const periods: Period[] = [];
  let p = previousPeriod(periodOf(systemClock.now(), 6));
  for (let i = 0; i < rounds; i++, p = previousPeriod(p)) periods.unshift(p);
  return periods;
}

export function makePlan(shape: Shape, q: Questionnaire, random: Random): Plan {
  const items = itemsFor(q, shape.items);
  const total = responsesOf(shape);
  const cells = shape.groups * shape.rounds;
  // Random ids as the survey writer makes them, sorted; which group and round each belongs to is
  // shuffled, so a group's responses are spread over the ids as they are after months of surveys.
  const ids = Array.from({ length: total }, () => randomUUID()).sort();
  const cellOf = new Uint32Array(total);
  for (let i = 0; i < total; i++) cellOf[i] = i % cells;
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const t = cellOf[i]!;
    cellOf[i] = cellOf[j]!;
    cellOf[j] = t;
  }
  const values = Buffer.alloc(total * items.length);
  for (let v = 0; v < values.length; v++) values[v] = 1 + Math.floor(random.next() * 5);
  const periods = pastPeriods(shape.rounds);
  return {
    shape,
    institutionId: randomId(),
    locationIds: Array.from({ length: shape.locations }, () => randomId()),
    groupIds: Array.from({ length: shape.groups }, () => randomId()),
    periods,
    roundIds: periods.map(() => randomId()),
    managerId: randomId(),
    token: randomBytes(32).toString('base64url'),
    csrf: randomBytes(24).toString('base64url'),
    items,
    ids,
    cellOf,
    values,
  };
}

export interface Seeded {
  readonly plan: Plan;
  readonly database: DatabaseConfig;
  readonly manager: CurrentUser;
  /** `lk_session=<token>`, for a Cookie header. */
  readonly cookie: string;
  readonly seedMs: number;
  /** Where the seeding time went, for the log. */
  readonly seedSteps: string;
  readonly answers: number;
  /** The SQLite file, or PostgreSQL's `pg_database_size`. */
  readonly bytes: number;
}

/** Seeds `config`'s database (created and migrated by `prepare`) with the plan. */
export async function seedResults(plan: Plan, config: Config, log: (line: string) => void): Promise<Seeded> {
  const started = performance.now();
  await seedOrganisation(plan, config);
  const steps = config.database.kind === 'sqlite' ? await seedSqlite(plan, config.database, started, log) : await seedPostgres(plan, config.database.url, started, log);
  const seedMs = performance.now() - started;
  const bytes =
    config.database.kind === 'sqlite'
      ? fs.statSync(config.database.file).size
      : await withClient(config.database.url, (c) => countOne(c, 'select pg_database_size(current_database()) as n'));
  return {
    plan,
    database: config.database,
    manager: {
      id: plan.managerId,
      email: 'manager@bench.example.org',
      displayName: 'Bench manager',
      role: 'manager',
      institutionId: plan.institutionId,
      municipalityId: null,
      hasPin: false,
      csrfToken: plan.csrf,
      sessionHash: hashToken(plan.token),
    },
    cookie: `${SESSION_COOKIE}=${plan.token}`,
    seedMs,
    seedSteps: steps,
    answers: responsesOf(plan.shape) * plan.items.length,
    bytes,
  };
}

/** The organisation, closed rounds and a signed-in manager, through the repositories. */
async function seedOrganisation(plan: Plan, config: Config): Promise<void> {
  const { shape } = plan;
  const now = systemClock.now().toISOString();
  const { db } = await prepare(config, systemClock);
  try {
    await db.transaction().execute(async (trx) => {
      await insertInstitution(trx, { id: plan.institutionId, name: `Bench ${shape.name}`, cadence_months: 6, created_at: now });
      for (const [i, id] of plan.locationIds.entries()) await insertLocation(trx, { id, institution_id: plan.institutionId, name: `Locatie ${String(i + 1).padStart(2, '0')}` });
      for (const [i, id] of plan.groupIds.entries()) {
        await insertGroup(trx, {
          id,
          location_id: plan.locationIds[i % shape.locations]!,
          name: `Groep ${String(i + 1).padStart(3, '0')}`,
          places: shape.perCell + 2,
          questionnaire_id: QUESTIONNAIRE_ID,
          active: 1,
        });
      }
      for (const [i, period] of plan.periods.entries()) {
        const window = defaultWindow(period);
        const roundId = plan.roundIds[i]!;
        await insertRound(trx, { id: roundId, institution_id: plan.institutionId, period: periodLabel(period), opens_on: window.opensOn, closes_on: window.closesOn, status: 'closed' });
        await insertRoundGroups(
          trx,
          plan.groupIds.map((g) => ({ round_id: roundId, group_id: g, questionnaire_id: QUESTIONNAIRE_ID, questionnaire_version: QUESTIONNAIRE_VERSION })),
        );
      }
      await insertUser(trx, {
        id: plan.managerId,
        institution_id: plan.institutionId,
        municipality_id: null,
        email: 'manager@bench.example.org',
        display_name: 'Bench manager',
        role: 'manager',
        password_hash: 'scrypt$1$1$1$x$x',
        pin_hash: null,
        active: 1,
        created_at: now,
      });
      await trx
        .insertInto('staff_session')
        .values({ token_hash: hashToken(plan.token), user_id: plan.managerId, csrf_token: plan.csrf, created_at: now, expires_at: '2099-01-01T00:00:00.000Z' })
        .execute();
    });
  } finally {
    await db.destroy();
  }
}

const roundOf = (plan: Plan, i: number) => plan.roundIds[Math.floor(plan.cellOf[i]! / plan.shape.groups)]!;
const groupOf = (plan: Plan, i: number) => plan.groupIds[plan.cellOf[i]! % plan.shape.groups]!;

function progress(started: number, log: (line: string) => void) {
  let last = performance.now();
  return (done: number, total: number) => {
    if (performance.now() - last < 10_000) return;
    last = performance.now();
    log(`  … ${fmtInt(done)} of ${fmtInt(total)} responses (${((last - started) / 1000).toFixed(0)} s)`);
  };
}

// ---------------------------------------------------------------------------------------------
// SQLite: big `json_each` inserts on a connection without journal or fsync (a bench database)

const SQLITE_ANSWERS_SQL =
  'insert into response_answer (response_id, item_id, value) ' +
  // CROSS JOIN keeps the responses as the outer loop: rows arrive in the primary key's order.
  'select r.value, i.value, cast(hex(substr(?3, r.key * ?4 + i.key + 1, 1)) as integer) from json_each(?1) as r cross join json_each(?2) as i';
const SQLITE_RESPONSES_SQL =
  'insert into response (id, round_id, group_id, questionnaire_id, questionnaire_version) ' +
  'select value ->> 0, value ->> 1, value ->> 2, ?2, ?3 from json_each(?1)';

/** In id order: the WITHOUT ROWID tables keep their rows in key order, whatever order they came in. */
async function seedSqlite(plan: Plan, database: DatabaseConfig, started: number, log: (line: string) => void): Promise<string> {
  const total = plan.ids.length;
  const width = plan.items.length;
  const report = progress(started, log);
  const raw = await rawOpen(sqliteFileOf(database));
  try {
    for (const pragma of ['journal_mode = off', 'synchronous = off', 'foreign_keys = off', 'cache_size = -1048576', 'temp_store = memory', 'locking_mode = exclusive']) {
      await rawGet(raw, `pragma ${pragma}`);
    }
    const batch = 20_000;
    const itemsJson = JSON.stringify(plan.items);
    for (let from = 0; from < total; from += batch) {
      const to = Math.min(total, from + batch);
      const responses: [string, string, string][] = [];
      for (let i = from; i < to; i++) responses.push([plan.ids[i]!, roundOf(plan, i), groupOf(plan, i)]);
      await rawRun(raw, 'begin');
      await rawRun(raw, SQLITE_RESPONSES_SQL, [JSON.stringify(responses), QUESTIONNAIRE_ID, QUESTIONNAIRE_VERSION]);
      await rawRun(raw, SQLITE_ANSWERS_SQL, [JSON.stringify(plan.ids.slice(from, to)), itemsJson, plan.values.subarray(from * width, to * width), width]);
      await rawRun(raw, 'commit');
      report(to, total);
    }
  } finally {
    await rawClose(raw);
  }
  return 'inserts in 20,000-response transactions, journal and fsync off';
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: `unnest` inserts in one transaction, then VACUUM ANALYZE

const PG_RESPONSES_SQL =
  'insert into response (id, round_id, group_id, questionnaire_id, questionnaire_version) ' +
  'select id, round_id, group_id, $4, $5 from unnest($1::text[], $2::text[], $3::text[]) as t(id, round_id, group_id)';
const PG_ANSWERS_SQL =
  'insert into response_answer (response_id, item_id, value) ' +
  'select r.id, i.item, get_byte($3::bytea, ((r.ord - 1) * $4 + i.ord - 1)::int) ' +
  'from unnest($1::text[]) with ordinality as r(id, ord) cross join unnest($2::text[]) with ordinality as i(item, ord) order by r.ord, i.ord';

/**
 * Round by round, in id order within a round: where PostgreSQL keeps the rows of a closed round
 * once the server has closed it (`forgetArrivalOrder` writes them anew in that order). One
 * transaction with synchronous_commit off; foreign-key triggers off (session_replication_role =
 * replica — SQLite's seeding has foreign_keys off too; the ids are right by construction and
 * checked after); the answers' primary key dropped during the inserts and built again, exactly as
 * it was, before the commit (one sort instead of 32 million index insertions). Then VACUUM ANALYZE,
 * as the server vacuums after closing a round: visibility map and planner statistics in place.
 */
async function seedPostgres(plan: Plan, url: string, started: number, log: (line: string) => void): Promise<string> {
  const total = plan.ids.length;
  const width = plan.items.length;
  const report = progress(started, log);
  const order = Array.from({ length: total }, (_, i) => i);
  const roundIndex = (i: number) => Math.floor(plan.cellOf[i]! / plan.shape.groups);
  order.sort((a, b) => roundIndex(a) - roundIndex(b) || a - b);
  return withClient(url, async (c) => {
    const t0 = performance.now();
    await c.query('begin');
    await c.query('set local synchronous_commit = off');
    await c.query('set local session_replication_role = replica');
    await c.query("set local maintenance_work_mem = '1GB'");
    const pk = (await c.query<{ def: string }>("select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'response_answer_pk' and conrelid = 'response_answer'::regclass")).rows[0]?.def;
    if (!pk) throw new Error('response_answer_pk not found');
    await c.query('alter table response_answer drop constraint response_answer_pk');
    const batch = 50_000;
    for (let from = 0; from < total; from += batch) {
      const chunk = order.slice(from, from + batch);
      const ids = chunk.map((i) => plan.ids[i]!);
      const values = Buffer.alloc(chunk.length * width);
      chunk.forEach((i, at) => plan.values.copy(values, at * width, i * width, (i + 1) * width));
      await c.query(PG_RESPONSES_SQL, [ids, chunk.map((i) => roundOf(plan, i)), chunk.map((i) => groupOf(plan, i)), QUESTIONNAIRE_ID, QUESTIONNAIRE_VERSION]);
      await c.query(PG_ANSWERS_SQL, [ids, plan.items, values, width]);
      report(from + chunk.length, total);
    }
    const t1 = performance.now();
    await c.query(`alter table response_answer add constraint response_answer_pk ${pk}`);
    await c.query('commit');
    const t2 = performance.now();
    await c.query('vacuum (analyze) response, response_answer');
    const t3 = performance.now();
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return `inserts ${s(t1 - t0)} (${fmtInt((total * width) / ((t1 - t0) / 1000))} answers/s), primary key ${s(t2 - t1)}, VACUUM ANALYZE ${s(t3 - t2)}`;
  });
}

// ---------------------------------------------------------------------------------------------

/** What the database holds after seeding: responses, answers, values out of range, answers without their response. */
export async function countSeeded(database: DatabaseConfig): Promise<{ responses: number; answers: number; outOfRange: number; orphans: number }> {
  if (database.kind === 'postgres') {
    return withClient(database.url, async (c) => ({
      responses: await countOne(c, 'select count(*) as n from response'),
      answers: await countOne(c, 'select count(*) as n from response_answer'),
      outOfRange: await countOne(c, 'select count(*) as n from response_answer where value not between 1 and 5'),
      // The seeding ran without foreign-key triggers: check what they would have.
      orphans:
        (await countOne(c, 'select count(*) as n from response_answer a where not exists (select 1 from response r where r.id = a.response_id)')) +
        (await countOne(c, 'select count(*) as n from response r where not exists (select 1 from round_group g where g.round_id = r.round_id and g.group_id = r.group_id)')),
    }));
  }
  const db = await rawOpen(sqliteFileOf(database), sqlite3.OPEN_READONLY);
  try {
    const responses = await rawGet<{ n: number }>(db, 'select count(*) as n from response');
    const answers = await rawGet<{ n: number; bad: number }>(db, 'select count(*) as n, total(value not between 1 and 5) as bad from response_answer');
    const orphans = await rawGet<{ n: number }>(db, 'select count(*) as n from pragma_foreign_key_check');
    return { responses: Number(responses?.n), answers: Number(answers?.n), outOfRange: Number(answers?.bad), orphans: Number(orphans?.n) };
  } finally {
    await rawClose(db);
  }
}
