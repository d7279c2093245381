import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../db/database';
import type { DB } from '../db/schema';
import type { Logger } from '../logger';
import type { Questionnaire } from '../questionnaires/questionnaire';
import type { QuestionnaireCatalog } from '../questionnaires/questionnaire.service';
import { respondentScores, scaleItemMatrix } from './scoring';
import { cronbachAlpha } from './statistics';

/**
 * Summarises closed rounds, once per group: the respondents' scale scores (by `scoring.ts`, the one
 * implementation of the scoring rules) stored as n, Σ and Σ², Cronbach's alpha, and how often each
 * answer was given (counted by SQL). A closed round never changes — the survey writer re-checks
 * that a round is open inside its own transaction — so the summary is final.
 *
 * Runs after a round closes and before results are read, so rounds closed by any path (the
 * scheduler, a manager, the demo, an older version of the server) are summarised. Idempotent and
 * safe to run twice at once: the `group_result` row is inserted first, and whoever fails to insert
 * it leaves the rest to the one who did.
 */
export async function summarizeClosedRounds(db: Kysely<DB>, catalog: QuestionnaireCatalog, logger?: Logger): Promise<number> {
  // One run at a time per database: a request that arrives while a round is being summarised
  // waits for that run instead of doing the same work at once; then it looks again (cheaply), for
  // a round that closed after that run made its list.
  for (let running = inFlight.get(db); running; running = inFlight.get(db)) await running.catch(() => 0);
  const run = summarizePending(db, catalog, logger).finally(() => inFlight.delete(db));
  inFlight.set(db, run);
  return run;
}

const inFlight = new WeakMap<Kysely<DB>, Promise<number>>();
/** Groups already reported as not summarisable, so the log says it once. */
const warned = new Set<string>();

async function summarizePending(db: Kysely<DB>, catalog: QuestionnaireCatalog, logger?: Logger): Promise<number> {
  // Nearly always nothing is pending: one indexed look, before the full list.
  const any = await pendingQuery(db).select('rg.round_id').limit(1).executeTakeFirst();
  if (!any) return 0;
  const pending = await pendingQuery(db)
    .innerJoin('living_group as g', 'g.id', 'rg.group_id')
    .select(['rg.round_id', 'rg.group_id', 'rg.questionnaire_id', 'rg.questionnaire_version', 'g.places'])
    .execute();

  let done = 0;
  for (const row of pending) {
    const key = `${row.round_id}/${row.group_id}`;
    const q = row.questionnaire_version === null ? undefined : catalog.get(row.questionnaire_id, row.questionnaire_version);
    if (!q) {
      // Said once per group and round, not at every page view; it stays pending until the file is back.
      if (!warned.has(key)) logger?.warn('round not summarised: questionnaire version not loaded', { questionnaire: `${row.questionnaire_id}@${row.questionnaire_version ?? '?'}` });
      warned.add(key);
      continue;
    }
    try {
      if (await summarizeGroup(db, q, row.round_id, row.group_id, row.places)) done++;
    } catch (error) {
      // One group that cannot be summarised must not take everyone's results down with it.
      if (!warned.has(key)) logger?.error('round not summarised', { error });
      warned.add(key);
    }
  }
  // PostgreSQL plans the results queries from its statistics; until autovacuum gets to the new
  // summary rows it guesses one row per table and picks plans 3–6× slower (bench:results).
  if (done > 0 && isPostgres(db)) await sql`analyze group_result, scale_result, item_result`.execute(db);
  return done;
}

/** Groups of closed rounds without a summary yet. */
function pendingQuery(db: Kysely<DB>) {
  return db
    .selectFrom('round_group as rg')
    .innerJoin('round as r', 'r.id', 'rg.round_id')
    .where('r.status', '=', 'closed')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('group_result as gr').select('gr.round_id').whereRef('gr.round_id', '=', 'rg.round_id').whereRef('gr.group_id', '=', 'rg.group_id'))),
    );
}

async function summarizeGroup(db: Kysely<DB>, q: Questionnaire, roundId: string, groupId: string, places: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const answers = await trx
      .selectFrom('response as r')
      .innerJoin('response_answer as a', 'a.response_id', 'r.id')
      .select(['r.id', 'a.item_id', 'a.value'])
      .where('r.round_id', '=', roundId)
      .where('r.group_id', '=', groupId)
      .where('r.questionnaire_id', '=', q.id)
      .where('r.questionnaire_version', '=', q.version)
      .execute();
    const byResponse = new Map<string, Map<string, number>>();
    for (const a of answers) {
      let map = byResponse.get(a.id);
      if (!map) byResponse.set(a.id, (map = new Map()));
      map.set(a.item_id, Number(a.value));
    }
    // A response with no closed answers (only open ones) still counts as a response.
    const responses = await trx
      .selectFrom('response')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('round_id', '=', roundId)
      .where('group_id', '=', groupId)
      .executeTakeFirstOrThrow();

    const inserted = await trx
      .insertInto('group_result')
      .values({ round_id: roundId, group_id: groupId, questionnaire_id: q.id, questionnaire_version: q.version, responses: Number(responses.n), places })
      .onConflict((oc) => oc.columns(['round_id', 'group_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;

    const respondents = [...byResponse.values()];
    const scores = respondents.map((answers) => respondentScores(q, answers));
    const rows = q.scales.map((scale) => ({
      scale_id: scale.id,
      ...sums(scores.map((s) => s.scales[scale.id])),
      ...alphaOf(q, scale.id, respondents),
    }));
    if (q.scoring.total) rows.push({ scale_id: q.scoring.total.id, ...sums(scores.map((s) => s.total)), alpha: null, alpha_n: 0 });
    if (rows.length > 0) {
      await trx.insertInto('scale_result').values(rows.map((r) => ({ round_id: roundId, group_id: groupId, ...r }))).execute();
    }

    await trx
      .insertInto('item_result')
      .columns(['round_id', 'group_id', 'item_id', 'value', 'count'])
      .expression((eb) =>
        eb
          .selectFrom('response as r')
          .innerJoin('response_answer as a', 'a.response_id', 'r.id')
          .select((s) => [s.val(roundId).as('round_id'), s.val(groupId).as('group_id'), 'a.item_id', 'a.value', s.fn.countAll<number>().as('count')])
          .where('r.round_id', '=', roundId)
          .where('r.group_id', '=', groupId)
          .groupBy(['a.item_id', 'a.value']),
      )
      .execute();
    return true;
  });
}

/** Alpha over the respondents who answered every item of the scale, and how many they were. */
function alphaOf(q: Questionnaire, scaleId: string, respondents: readonly Map<string, number>[]): { alpha: number | null; alpha_n: number } {
  const complete = scaleItemMatrix(q, scaleId, respondents);
  return { alpha: cronbachAlpha(complete) ?? null, alpha_n: complete.length };
}

function sums(values: readonly (number | undefined)[]): { n: number; sum: number; sum_squares: number } {
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const v of values) {
    if (v === undefined) continue;
    n++;
    sum += v;
    sumSquares += v * v;
  }
  return { n, sum, sum_squares: sumSquares };
}
