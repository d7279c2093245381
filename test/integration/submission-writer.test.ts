import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/logger';
import { loadOrCreateSecret } from '../../src/secret';
import { SubmissionWriter, ThreadedSubmissionWriter, WriterBusy, type Submission } from '../../src/survey/submission.writer';
import { randomId } from '../../src/system';
import { openDatabase } from '../../src/db/database';
import { prepare } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { createTestApp } from '../support/app';
import { buildInstitution } from '../support/staff';
import { issueCodes } from '../support/survey';
import { hashCode } from '../../src/access-codes/access-code';

describe('the submission writer (group commit)', () => {
  let ctx: Awaited<ReturnType<typeof createTestApp>>;
  let org: Awaited<ReturnType<typeof buildInstitution>>;
  beforeEach(async () => {
    ctx = await createTestApp();
    org = await buildInstitution(ctx.db);
  });
  afterEach(() => ctx.cleanup());

  const submission = (extra: Partial<Submission> = {}): Submission => ({
    submissionId: randomId(),
    roundId: org.roundId,
    groupId: org.groups[0]!,
    questionnaireId: 'lk-jeugd',
    questionnaireVersion: 1,
    answers: [
      { itemId: 's01', value: 4 },
      { itemId: 'g01', value: 2 },
    ],
    openAnswers: [],
    ...extra,
  });
  const count = async (table: 'response' | 'response_answer' | 'submission_receipt' | 'open_answer') =>
    Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('writes submissions that arrive together in fewer transactions than submissions, all of them stored', async () => {
    const writer = new SubmissionWriter(ctx.db, silentLogger);
    const outcomes = await Promise.all(Array.from({ length: 60 }, () => writer.submit(submission())));
    expect(outcomes).toEqual(Array(60).fill('stored'));
    expect(await count('response')).toBe(60);
    expect(await count('response_answer')).toBe(120);
    expect(writer.stats.submissions).toBe(60);
    expect(writer.stats.transactions).toBeLessThan(60);
  });

  it('acknowledges only what another connection can already read (committed)', async () => {
    const writer = new SubmissionWriter(ctx.db, silentLogger);
    const other = openDatabase(ctx.database);
    try {
      const s = submission();
      await writer.submit(s);
      const seen = await other.selectFrom('submission_receipt').select('submission_id').where('submission_id', '=', s.submissionId).execute();
      expect(seen).toHaveLength(1);
    } finally {
      await other.destroy();
    }
  });

  it('refuses one submission of a batch without disturbing the others, leaving no trace of it', async () => {
    const writer = new SubmissionWriter(ctx.db, silentLogger);
    const [code] = await issueCodes(ctx.db, ctx.secret, org.roundId, org.groups[0]!, 1);
    const codeHash = hashCode(ctx.secret, code!);
    const duplicate = submission();
    const outcomes = await Promise.all([
      writer.submit(submission()),
      writer.submit(submission({ codeHash })),
      writer.submit(submission({ codeHash })), // the same code again in the same batch
      writer.submit(duplicate),
      writer.submit(duplicate), // the same submission id again in the same batch
      writer.submit(submission({ groupId: org.groups[1]!, questionnaireVersion: 2 })), // not what the round holds
      writer.submit(submission({ openAnswers: [{ questionId: 'change', text: 'Meer uitjes' }] })),
    ]);
    expect(outcomes).toEqual(['stored', 'stored', 'code-used', 'stored', 'already-received', 'round-closed', 'stored']);
    expect(await count('response')).toBe(4);
    expect(await count('submission_receipt')).toBe(4);
    expect(await count('open_answer')).toBe(1);
    expect((await ctx.db.selectFrom('access_code').select('used').executeTakeFirstOrThrow()).used).toBe(1);
  });

  it('stores nothing for a round that closed while the submission waited', async () => {
    const writer = new SubmissionWriter(ctx.db, silentLogger);
    await ctx.db.updateTable('round').set({ status: 'closed' }).where('id', '=', org.roundId).execute();
    expect(await writer.submit(submission())).toBe('round-closed');
    expect(await count('response')).toBe(0);
    expect(await count('submission_receipt')).toBe(0);
  });

  it('fails only the submission that breaks the database, not the batch it arrived in', async () => {
    const writer = new SubmissionWriter(ctx.db, silentLogger);
    const results = await Promise.allSettled([
      writer.submit(submission()),
      // An item id that is not a string breaks the insert (the route never lets this through).
      writer.submit(submission({ answers: [{ itemId: null as unknown as string, value: 3 }] })),
      writer.submit(submission()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await count('response')).toBe(2);
    expect(await count('submission_receipt')).toBe(2);
  });

  it('tells everyone waiting to try again when no transaction can begin, instead of waiting for ever', async () => {
    // A directory where the database file should be: the connection cannot open, so no
    // transaction can begin.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lk-broken-'));
    const broken = openDatabase({ kind: 'sqlite', file: dir });
    try {
      const writer = new SubmissionWriter(broken, silentLogger);
      const results = await Promise.allSettled([writer.submit(submission()), writer.submit(submission())]);
      expect(results.map((r) => r.status === 'rejected' && r.reason instanceof WriterBusy)).toEqual([true, true]);
      expect(await count('response')).toBe(0);
    } finally {
      await broken.destroy().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says it is busy instead of queueing without limit', async () => {
    const writer = new SubmissionWriter(ctx.db, silentLogger, { maxBatch: 10, maxQueue: 5 });
    const attempts = Array.from({ length: 12 }, () => writer.submit(submission()).catch((e: unknown) => e));
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r instanceof WriterBusy).length).toBeGreaterThan(0);
    expect(await count('response')).toBe(results.filter((r) => r === 'stored').length);
    await writer.idle();
  });
});

describe('the submission writer on its own thread (as the server runs it)', () => {
  it('stores what it acknowledges, refuses what it should, and closes after the last write', async () => {
    const ctx = await createTestApp();
    try {
      const org = await buildInstitution(ctx.db);
      const writer = new ThreadedSubmissionWriter(ctx.database, 'silent', silentLogger);
      const base = { roundId: org.roundId, groupId: org.groups[0]!, questionnaireId: 'lk-jeugd', questionnaireVersion: 1, answers: [{ itemId: 's01', value: 5 }], openAnswers: [] };
      const again = { ...base, submissionId: randomId() };
      const outcomes = await Promise.all([
        ...Array.from({ length: 40 }, () => writer.submit({ ...base, submissionId: randomId() })),
        writer.submit(again),
        writer.submit(again),
      ]);
      await writer.idle();
      expect(outcomes.filter((o) => o === 'stored')).toHaveLength(41);
      expect(outcomes.at(-1)).toBe('already-received');
      // Read through the test's own connection: committed and visible.
      expect((await ctx.db.selectFrom('response').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n).toBe(41);
      await expect(writer.submit({ ...base, submissionId: randomId() })).rejects.toBeInstanceOf(WriterBusy);
    } finally {
      await ctx.cleanup();
    }
  }, 30_000);
});

describe('a submission writer thread that stops unasked', () => {
  it('is replaced at once: the answer it held fails (and is sent again), later answers are stored', async () => {
    const ctx = await createTestApp();
    const logged: string[] = [];
    try {
      const org = await buildInstitution(ctx.db);
      const file = path.join(__dirname, '../fixtures/workers/crash-once.worker.js');
      const writer = new ThreadedSubmissionWriter(ctx.database, 'silent', { ...silentLogger, error: (m: string) => logged.push(m) }, file);
      const base = { roundId: org.roundId, groupId: org.groups[0]!, questionnaireId: 'lk-jeugd', questionnaireVersion: 1, answers: [{ itemId: 's01', value: 5 }], openAnswers: [] };
      const lost = { ...base, submissionId: randomId() };
      await expect(writer.submit(lost)).rejects.toThrow('submission writer thread stopped');
      expect(logged).toContain('submission writer thread stopped; starting a new one');
      // The page sends the same answers again, and more come: the new thread stores them.
      expect(await writer.submit(lost)).toBe('stored');
      expect(await writer.submit({ ...base, submissionId: randomId() })).toBe('stored');
      await writer.idle();
      expect((await ctx.db.selectFrom('response').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n).toBe(2);
    } finally {
      await ctx.cleanup();
    }
  }, 30_000);
});

describe('the server secret file', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lk-secret-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is created once, readable by the owner only, and read back the same', () => {
    const file = path.join(dir, 'sub', 'leefklimaat.key');
    const first = loadOrCreateSecret(file);
    expect(first).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecret(file).equals(first)).toBe(true);
  });

  it('is never silently replaced while printed codes depend on it', async () => {
    const env = { DATABASE_URL: path.join(dir, 'lk.sqlite'), SECRET_FILE: path.join(dir, 'lk.key'), LOG_LEVEL: 'silent' };
    const clock = { now: () => new Date('2026-11-22T10:00:00.000Z') };
    const first = await prepare(loadConfig(env), clock);
    const org = await buildInstitution(first.db);
    await issueCodes(first.db, first.secret, org.roundId, org.groups[0]!, 3);
    await first.db.destroy();
    fs.rmSync(env.SECRET_FILE);
    await expect(prepare(loadConfig(env), clock)).rejects.toMatchObject({ details: [{ path: 'SECRET_FILE', message: env.SECRET_FILE }] });
    expect(fs.existsSync(env.SECRET_FILE)).toBe(false);
  });

  it('is refused, naming SECRET_FILE, when it holds something else', () => {
    const file = path.join(dir, 'leefklimaat.key');
    fs.writeFileSync(file, 'not a key\n');
    expect(() => loadOrCreateSecret(file)).toThrow(expect.objectContaining({ details: [expect.objectContaining({ path: 'SECRET_FILE' })] }));
    expect(fs.readFileSync(file, 'utf8')).toBe('not a key\n');
  });
});
