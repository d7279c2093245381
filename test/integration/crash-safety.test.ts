import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { openDatabase } from '../../src/db/database';
import { paths } from '../../src/paths';
import { loadQuestionnaires } from '../../src/questionnaires/questionnaire.loader';
import type { Questionnaire } from '../../src/questionnaires/questionnaire';
import { loadOrCreateSecret } from '../../src/secret';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { startServer, type ServerProcess } from '../support/processes';
import { httpRequest } from '../support/server';
import { buildInstitution } from '../support/staff';
import { issueCodes, tabletCookie } from '../support/survey';

/**
 * SPEC §7: "a crash never loses an acknowledged response". The real server, as its own process,
 * takes a burst of submissions from tablets and one-time codes and is killed (SIGKILL: no clean
 * shutdown, no `finally`) while answers are in flight. After a restart on the same database every
 * acknowledged submission is there exactly once, nothing is half-written, and sending the others
 * again — as the page does — stores each of them once.
 *
 * Responses have no link to their submission (SPEC §4), so each submission is recognised by its
 * answers: the first items spell its index in base 5, the others follow from it.
 */

const loaded = loadQuestionnaires(paths.surveys, 'en');
if (!loaded.ok) throw new Error('shipped questionnaires do not load');
const q: Questionnaire = loaded.questionnaires.find((x) => x.id === 'lk-jeugd' && x.version === 1)!;
const DIGITS = 5; // 5^5 = 3125 distinct submissions

/** The answer pattern of submission `index`: every item answered, all of them determined by the index. */
function answersOf(index: number): Record<string, number> {
  return Object.fromEntries(q.items.map((item, i) => [item.id, i < DIGITS ? (Math.floor(index / 5 ** i) % 5) + 1 : ((index * 3 + i * 7) % 5) + 1]));
}

/** The index whose pattern these stored answers are, or undefined when they are no one's whole pattern. */
function indexOfAnswers(answers: ReadonlyMap<string, number>): number | undefined {
  if (answers.size !== q.items.length) return undefined;
  let index = 0;
  for (let i = 0; i < DIGITS; i++) index += ((answers.get(q.items[i]!.id) ?? 0) - 1) * 5 ** i;
  const expected = answersOf(index);
  return q.items.every((item) => answers.get(item.id) === expected[item.id]) ? index : undefined;
}

/** What happened, for a person looking into this test: LEEFKLIMAAT_TEST_VERBOSE=1 prints it. */
const note = (line: string) => process.env['LEEFKLIMAAT_TEST_VERBOSE'] && process.stdout.write(`crash-safety: ${line}\n`);

const openTextOf = (index: number) => `Submission ${index}: more outings, please`;

interface Planned {
  readonly index: number;
  readonly submissionId: string;
  readonly groupId: string;
  readonly via: 'tablet' | 'code';
  /** The survey cookies of the device: a tablet's, or a code's ticket. */
  readonly cookie: string;
  readonly open: boolean;
}

type Sent = Planned & { acknowledged: boolean; result: string };

interface World {
  readonly testDb: TestDatabase;
  readonly env: NodeJS.ProcessEnv;
  readonly roundId: string;
  readonly groups: readonly string[];
  readonly tablets: readonly string[];
  readonly codes: string[];
}

const CSRF = randomBytes(18).toString('base64url');

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** A migrated database with an institution, a round open today, a tablet per group and one-time codes. */
async function buildWorld(codeCount: number): Promise<World> {
  const testDb = await createTestDatabase();
  const secretFile = path.join(testDb.dir, 'leefklimaat.key');
  const secret = loadOrCreateSecret(secretFile);
  const org = await buildInstitution(testDb.db);
  // Open whatever today's date is, so the server's schedule does not close it at start.
  await testDb.db.updateTable('round').set({ opens_on: isoDay(-1), closes_on: isoDay(30) }).where('id', '=', org.roundId).execute();
  const tablets = [];
  for (const groupId of org.groups) tablets.push(await tabletCookie(testDb.db, org.roundId, groupId, org.users.group_leader.id));
  const codes = await issueCodes(testDb.db, secret, org.roundId, org.groups[1]!, codeCount);
  await testDb.db.destroy();
  return { testDb, env: { DATABASE_URL: testDb.url, SECRET_FILE: secretFile }, roundId: org.roundId, groups: org.groups, tablets, codes };
}

/** Types a code on `/code`, as a young person would: the ticket cookie the server hands back. */
async function redeem(server: ServerProcess, code: string): Promise<string> {
  const reply = await httpRequest(`${server.base}/code?lang=en`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `lk_csrf=${CSRF}` },
    body: new URLSearchParams({ code, _csrf: CSRF }).toString(),
  });
  const ticket = (reply.headers['set-cookie'] ?? []).map((c) => /^lk_code=([^;]+)/.exec(c)?.[1]).find(Boolean);
  if (reply.status !== 303 || !ticket) throw new Error(`code not accepted: ${reply.status} ${reply.text}`);
  return `lk_code=${ticket}`;
}

/** Submissions `from`…`from + count - 1`: mostly from the two tablets, every fifth with a code. */
async function plan(world: World, server: ServerProcess, from: number, count: number): Promise<Planned[]> {
  const planned: Planned[] = [];
  for (let index = from; index < from + count; index++) {
    const viaCode = index % 5 === 4;
    const cookie = viaCode ? await redeem(server, world.codes.pop()!) : world.tablets[index % 2]!;
    planned.push({ index, submissionId: randomUUID(), groupId: viaCode ? world.groups[1]! : world.groups[index % 2]!, via: viaCode ? 'code' : 'tablet', cookie, open: index % 3 === 0 });
  }
  return planned;
}

/** Sends one submission as the survey page's script does (JSON, CSRF header, the device's cookies). */
function send(server: ServerProcess, world: World, s: Planned, agent: http.Agent) {
  const body = { submissionId: s.submissionId, roundId: world.roundId, groupId: s.groupId, answers: answersOf(s.index), open: s.open ? { change: openTextOf(s.index) } : {} };
  return httpRequest(`${server.base}/survey/submit`, {
    method: 'POST',
    agent,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'x-csrf-token': CSRF, Cookie: `lk_csrf=${CSRF}; ${s.cookie}` },
    body: JSON.stringify(body),
  });
}

const acknowledged = (reply: { status: number; text: string }) => reply.status === 200 && (JSON.parse(reply.text) as { ok?: boolean }).ok === true;

/**
 * Sends the submissions as young people on many devices do: `perTick` every 2 ms, whether or not
 * the earlier ones are answered yet (so the writer's transactions are not in step with the
 * answers), and SIGKILLs the server `thenMs` after the `killAfter`th acknowledgement. What was not
 * sent by then is not sent (the pages will retry).
 */
async function burstAndKill(server: ServerProcess, world: World, planned: readonly Planned[], options: { perTick: number; killAfter: number; thenMs: number }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const sent: Sent[] = planned.map((p) => ({ ...p, acknowledged: false, result: 'not sent' }));
  let acks = 0;
  let killed = false;
  let inFlight = 0;
  let inFlightAtKill = -1;
  const one = async (s: Sent) => {
    inFlight++;
    try {
      const reply = await send(server, world, s, agent);
      s.acknowledged = acknowledged(reply);
      s.result = String(reply.status);
    } catch (error) {
      s.result = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    } finally {
      inFlight--;
    }
    if (s.acknowledged && ++acks === options.killAfter) setTimeout(kill, options.thenMs);
  };
  const kill = () => {
    killed = true;
    inFlightAtKill = inFlight;
    server.child.kill('SIGKILL');
  };
  const started = Date.now();
  const requests: Promise<void>[] = [];
  for (const [i, s] of sent.entries()) {
    const wait = started + Math.floor(i / options.perTick) * 2 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (killed) break;
    requests.push(one(s));
  }
  await Promise.all(requests);
  // All answered before the moment came: killed now, with nothing in flight (which the test refuses).
  if (!killed) kill();
  agent.destroy();
  return { sent, inFlightAtKill, exit: await server.exited };
}

/** What the database holds, read through a connection of the test's own. */
async function inspect(world: World) {
  const db = openDatabase(world.testDb.database);
  try {
    const responses = await db.selectFrom('response').select(['id', 'round_id', 'group_id', 'questionnaire_id', 'questionnaire_version']).execute();
    const answerRows = await db.selectFrom('response_answer').select(['response_id', 'item_id', 'value']).execute();
    const receipts = (await db.selectFrom('submission_receipt').select(['submission_id', 'round_id']).execute()).map((r) => r.submission_id);
    const openTexts = (await db.selectFrom('open_answer').select('text').execute()).map((r) => r.text);
    const usedCodes = (await db.selectFrom('access_code').select('code_hash').where('used', '=', 1).execute()).length;

    const answers = new Map<string, Map<string, number>>(responses.map((r) => [r.id, new Map()]));
    const orphanAnswers = answerRows.filter((a) => !answers.has(a.response_id)).length;
    for (const a of answerRows) answers.get(a.response_id)?.set(a.item_id, Number(a.value));
    const byIndex = new Map<number, { count: number; groupId: string }>();
    /** Responses that are no submission's whole pattern: half-written, or mixed up. */
    const garbled: { id: string; answers: number }[] = [];
    for (const r of responses) {
      const index = indexOfAnswers(answers.get(r.id)!);
      if (index === undefined || r.round_id !== world.roundId || r.questionnaire_id !== 'lk-jeugd' || Number(r.questionnaire_version) !== 1) {
        garbled.push({ id: r.id, answers: answers.get(r.id)!.size });
        continue;
      }
      byIndex.set(index, { count: (byIndex.get(index)?.count ?? 0) + 1, groupId: r.group_id });
    }
    return { responses: responses.length, receipts, openTexts, usedCodes, orphanAnswers, garbled, byIndex };
  } finally {
    await db.destroy();
  }
}

type Stored = Awaited<ReturnType<typeof inspect>>;

/**
 * Nothing half-written, and everything stored is one of `sent`, once, whole, with its receipt, its
 * open answer and (for a code) its used code — and nothing else.
 */
function expectConsistent(stored: Stored, sent: readonly Sent[]) {
  expect(stored.garbled).toEqual([]);
  expect(stored.orphanAnswers).toBe(0);
  const bySubmission = new Map(sent.map((s) => [s.index, s]));
  const storedSent = sent.filter((s) => stored.byIndex.has(s.index));
  // Only submissions that were sent, each at most once, in its own group.
  expect([...stored.byIndex.keys()].filter((i) => !bySubmission.has(i))).toEqual([]);
  expect([...stored.byIndex].filter(([, v]) => v.count !== 1)).toEqual([]);
  expect(storedSent.filter((s) => stored.byIndex.get(s.index)!.groupId !== s.groupId).map((s) => s.index)).toEqual([]);
  // A receipt exactly for the stored ones: a receipt without its response would turn the page's
  // retry away ("already received") while nothing was stored.
  expect(stored.receipts.length).toBe(stored.responses);
  expect(new Set(stored.receipts)).toEqual(new Set(storedSent.map((s) => s.submissionId)));
  expect(stored.openTexts.sort()).toEqual(storedSent.filter((s) => s.open).map((s) => openTextOf(s.index)).sort());
  expect(stored.usedCodes).toBe(storedSent.filter((s) => s.via === 'code').length);
}

/** Sends every unacknowledged submission again, as their pages would: stored ones are "already received". */
async function resend(server: ServerProcess, world: World, sent: readonly Sent[], storedBefore: Stored) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const outcomes: { index: number; expected: string; got: string }[] = [];
  const queue = [...sent];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        const reply = await send(server, world, s, agent);
        const code = reply.status === 200 ? 'stored' : ((JSON.parse(reply.text) as { error?: { code?: string } }).error?.code ?? String(reply.status));
        outcomes.push({ index: s.index, expected: storedBefore.byIndex.has(s.index) ? 'already-received' : 'stored', got: code });
      }
    }),
  );
  agent.destroy();
  return outcomes.filter((o) => o.expected !== o.got);
}

describe('a server killed in the middle of a burst of submissions (SPEC §7)', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.testDb.cleanup();
    world = undefined;
  });

  it('keeps every acknowledged submission exactly once, half-writes none, and stores each resent one once', async () => {
    const perBurst = 300;
    // Early (the first transactions), late (the writer well into the burst), and a few ms after an
    // answer rather than right on it: an acknowledgement follows a commit, so a kill right on one
    // tends to find the writer between transactions.
    const kills = [
      { killAfter: 25, thenMs: 0 },
      { killAfter: 200, thenMs: 0 },
      { killAfter: 100, thenMs: 4 },
    ];
    world = await buildWorld(kills.length * (perBurst / 5));
    let server = await startServer(world.env);
    const everyone: Sent[] = [];
    const report: unknown[] = [];
    try {
      for (const [cycle, { killAfter, thenMs }] of kills.entries()) {
        const planned = await plan(world, server, cycle * perBurst, perBurst);
        const { sent, inFlightAtKill, exit } = await burstAndKill(server, world, planned, { perTick: 3, killAfter, thenMs });
        // It was killed, not ended by itself, and while answers were on their way.
        expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
        expect(inFlightAtKill).toBeGreaterThan(0);
        expect(sent.filter((s) => !s.acknowledged && !/^(5\d\d|ECONNRESET|ECONNREFUSED|EPIPE|not sent|socket hang up)$/.test(s.result))).toEqual([]);
        const acked = sent.filter((s) => s.acknowledged);
        expect(acked.length).toBeGreaterThanOrEqual(killAfter);

        server = await startServer(world.env, { port: server.port });
        const afterCrash = await inspect(world);
        expectConsistent(afterCrash, [...everyone, ...sent]);
        // Every acknowledged one is there (exactly once: checked above).
        expect(acked.filter((s) => !afterCrash.byIndex.has(s.index)).map((s) => s.index)).toEqual([]);
        for (const s of everyone) expect(afterCrash.byIndex.has(s.index)).toBe(true);

        const unacked = sent.filter((s) => !s.acknowledged);
        const mismatches = await resend(server, world, [...unacked, ...acked.slice(0, 5)], afterCrash);
        expect(mismatches).toEqual([]);
        everyone.push(...sent);
        const afterResend = await inspect(world);
        expectConsistent(afterResend, everyone);
        expect(everyone.filter((s) => !afterResend.byIndex.has(s.index)).map((s) => s.index)).toEqual([]);
        report.push({
          killAfter,
          thenMs,
          acknowledged: acked.length,
          inFlightAtKill,
          failed: unacked.filter((s) => s.result !== 'not sent').length,
          notSent: unacked.filter((s) => s.result === 'not sent').length,
          storedWithoutAck: unacked.filter((s) => afterCrash.byIndex.has(s.index)).length,
        });
      }
      note(`kills: ${JSON.stringify(report)}`);
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }, 120_000);
});

/** A bare keep-alive HTTP/1.1 connection, to hold a request half-sent. */
class RawConnection {
  #buffer = Buffer.alloc(0);
  #waiting: (() => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, d]);
      this.#waiting?.();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    void this.closed.then(() => this.#waiting?.());
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string): void {
    this.socket.write(data);
  }

  /** The next whole response on this connection (its status and body). */
  async response(): Promise<{ status: number; body: string }> {
    for (;;) {
      const text = this.#buffer.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end >= 0) {
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
        if (this.#buffer.length >= end + 4 + length) {
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
          const body = this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8');
          this.#buffer = this.#buffer.subarray(end + 4 + length);
          return { status, body };
        }
      }
      if (this.socket.destroyed) throw new Error(`connection closed before a whole response: ${JSON.stringify(text)}`);
      await new Promise<void>((resolve) => (this.#waiting = resolve));
    }
  }
}

/** Whether a new connection to the port is refused (rather than accepted). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Polls until new connections are refused; how long that took (undefined: not within 5 s). */
async function untilRefused(port: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < 5_000) {
    if (await refused(port)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

/**
 * Starts sending a submission on a connection: its headers with `Expect: 100-continue`, and once
 * the server has answered "100 Continue" (it has read them and is handling the request), the first
 * `sentChars` of its body. Returns the rest of the body.
 */
async function startSubmission(connection: RawConnection, world: World, s: Planned, sentChars: (body: string) => number): Promise<string> {
  const body = JSON.stringify({ submissionId: s.submissionId, roundId: world.roundId, groupId: s.groupId, answers: answersOf(s.index), open: s.open ? { change: openTextOf(s.index) } : {} });
  connection.write(
    `POST /survey/submit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nExpect: 100-continue\r\n` +
      `x-csrf-token: ${CSRF}\r\nCookie: lk_csrf=${CSRF}; ${s.cookie}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
  );
  expect((await connection.response()).status).toBe(100);
  connection.write(body.slice(0, sentChars(body)));
  return body.slice(sentChars(body));
}

describe('a server told to stop (SIGTERM) while answers are on their way', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.testDb.cleanup();
    world = undefined;
  });

  it('refuses new connections, finishes and stores the requests in flight, then exits 0', async () => {
    world = await buildWorld(0);
    const server = await startServer(world.env);
    try {
      const pending = Array.from({ length: 12 }, (_, i) => ({ index: 3000 + i, submissionId: randomUUID(), groupId: world!.groups[i % 2]!, via: 'tablet' as const, cookie: world!.tablets[i % 2]!, open: i % 3 === 0 }));
      // Each in flight: the server has read its headers (and said "100 Continue") and is reading its body.
      const connections: { connection: RawConnection; rest: string }[] = [];
      for (const s of pending) {
        const connection = await RawConnection.open(server.port);
        connections.push({ connection, rest: await startSubmission(connection, world, s, (body) => Math.floor(body.length / 2)) });
      }
      // And one connection that has nothing in flight: an idle keep-alive connection.
      const idle = await RawConnection.open(server.port);
      idle.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      expect((await idle.response()).status).toBe(200);

      server.child.kill('SIGTERM');
      const refusedAfter = await untilRefused(server.port);
      expect(refusedAfter).toBeDefined();
      // The idle one is closed at once; the others are still waiting for the rest of their body.
      await idle.closed;
      expect(connections.flatMap((c, i) => (c.connection.socket.destroyed ? [i] : []))).toEqual([]);

      for (const c of connections) c.connection.write(c.rest);
      const replies = await Promise.all(connections.map((c) => c.connection.response()));
      expect(replies.map((r) => [r.status, (JSON.parse(r.body) as { ok?: boolean }).ok])).toEqual(replies.map(() => [200, true]));
      const answeredAt = Date.now();

      const exit = await server.exited;
      const exitedAfter = Date.now() - answeredAt;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(server.output().stdout).toContain('Leefklimaat is stopping');
      note(`SIGTERM: new connections refused after ${refusedAfter} ms; exited ${exitedAfter} ms after the last answer`);
      // Without closing idle connections Node waits out their keep-alive (5 s) first.
      expect(exitedAfter).toBeLessThan(4_000);

      const sent = pending.map((p) => ({ ...p, acknowledged: true, result: '200' }));
      const stored = await inspect(world);
      expectConsistent(stored, sent);
      expect(sent.filter((s) => !stored.byIndex.has(s.index)).map((s) => s.index)).toEqual([]);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }, 60_000);
  it('does not let a client that keeps using its connection hold it up: that connection is closed, the process exits 0', async () => {
    world = await buildWorld(0);
    const server = await startServer(world.env);
    try {
      const s = { index: 3100, submissionId: randomUUID(), groupId: world.groups[0]!, via: 'tablet' as const, cookie: world.tablets[0]!, open: false };
      const connection = await RawConnection.open(server.port);
      const rest = await startSubmission(connection, world, s, () => 10);
      server.child.kill('SIGTERM');
      expect(await untilRefused(server.port)).toBeDefined();
      connection.write(rest);
      expect((await connection.response()).status).toBe(200);
      // A tablet's browser goes on with its next page at once, on the same connection, again and again.
      const served: number[] = [];
      const started = Date.now();
      while (!connection.socket.destroyed && Date.now() - started < 12_000) {
        connection.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        const reply = await connection.response().catch(() => undefined);
        if (reply) served.push(reply.status);
        await new Promise((r) => setTimeout(r, 20));
      }
      const closedAfter = Date.now() - started;
      const exit = await server.exited;
      note(`SIGTERM, busy connection: ${served.length} more requests served, closed after ${closedAfter} ms, exit ${JSON.stringify(exit)}`);
      expect(served.length).toBeLessThanOrEqual(1);
      // Left to itself Node serves such a connection until the 10 s guard ends the process.
      expect(closedAfter).toBeLessThan(3_000);
      expect(exit).toEqual({ code: 0, signal: null });
      const stored = await inspect(world);
      expectConsistent(stored, [{ ...s, acknowledged: true, result: '200' }]);
      expect(stored.byIndex.has(s.index)).toBe(true);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }, 60_000);
});
