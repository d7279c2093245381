import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/db/database';
import { verifySecret } from '../../src/auth/password';
import { runCli } from '../support/processes';

/** Each test gets its own database file, as an administrator's installation would. */
function tempDatabase() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leefklimaat-cli-'));
  return { dir, env: { DATABASE_URL: path.join(dir, 'lk.sqlite') } };
}

describe('the leefklimaat command', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const fresh = () => {
    const t = tempDatabase();
    dirs.push(t.dir);
    return t;
  };

  it('validates the shipped questionnaires', async () => {
    const { env } = fresh();
    const run = await runCli(['validate'], { ...env, DEFAULT_LANGUAGE: 'en' });
    expect(run.stdout.trim()).toBe('3 questionnaire(s) valid: lk-jeugd@1, lk-jongvolwassen@1, lk-kind@1');
    expect(run.code).toBe(0);
  });

  it('lists every problem of a broken questionnaire and exits 1', async () => {
    const { env } = fresh();
    const run = await runCli(['validate', 'test/fixtures/surveys-broken'], { ...env, DEFAULT_LANGUAGE: 'en' });
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([
      'broken.v1.yaml:items.0.scale: unknown scale "suport"; declared scales: support',
      'broken.v1.yaml:items.1.text.en: translation missing for "en"',
      'broken.v1.yaml:scoring.reverseKeyed.0: unknown item "s99"',
    ]);
  });

  it('migrates, and says so when there is nothing left to do', async () => {
    const { env } = fresh();
    const first = await runCli(['migrate'], { ...env, DEFAULT_LANGUAGE: 'en' });
    expect(first.stdout).toMatch(/^Migrations run: 2026-11-22-1200-initial, /);
    const latest = first.stdout.trim().split(', ').at(-1);
    const second = await runCli(['migrate'], { ...env, DEFAULT_LANGUAGE: 'en' });
    expect(second.stdout.trim()).toBe('The database is already up to date.');
    const down = await runCli(['migrate', '--down'], { ...env, DEFAULT_LANGUAGE: 'en' });
    expect(down.stdout.trim()).toBe(`Rolled back: ${latest}`);
  });

  it('creates a user with the password from standard input, hashed', async () => {
    const { env } = fresh();
    const refused = await runCli(['user', 'create', '--email', 'beheer@voorbeeld.nl', '--name', 'Beheer', '--role', 'administrator'], env, 'een lang wachtwoord\n');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('er is nog geen instelling');
    const run = await runCli(['user', 'create', '--email', 'Beheer@Voorbeeld.nl', '--name', 'Beheer', '--role', 'administrator', '--institution', 'Stichting Voorbeeld'], env, 'een lang wachtwoord\n');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const db = openDatabase({ kind: 'sqlite', file: env.DATABASE_URL });
    try {
      const user = await db.selectFrom('staff_user').selectAll().executeTakeFirstOrThrow();
      expect(user).toMatchObject({ email: 'beheer@voorbeeld.nl', role: 'administrator', display_name: 'Beheer' });
      expect(user.password_hash).not.toContain('een lang wachtwoord');
      expect(await verifySecret('een lang wachtwoord', user.password_hash)).toBe(true);
      expect(await verifySecret('een ander wachtwoord', user.password_hash)).toBe(false);
    } finally {
      await db.destroy();
    }
  });

  it('takes the first line of piped input as the password, so a repeated confirmation line does no harm', async () => {
    const { env } = fresh();
    const run = await runCli(['user', 'create', '--email', 'a@b.nl', '--name', 'A', '--role', 'manager', '--institution', 'X'], env, 'een lang wachtwoord\neen lang wachtwoord\n');
    expect(run.code).toBe(0);
    const db = openDatabase({ kind: 'sqlite', file: env.DATABASE_URL });
    try {
      const user = await db.selectFrom('staff_user').selectAll().executeTakeFirstOrThrow();
      expect(await verifySecret('een lang wachtwoord', user.password_hash)).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a short password and a taken email address, creating nothing', async () => {
    const { env } = fresh();
    const short = await runCli(['user', 'create', '--email', 'a@b.nl', '--name', 'A', '--role', 'manager', '--institution', 'X'], { ...env, DEFAULT_LANGUAGE: 'en' }, 'kort\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password: minstens 12 tekens / at least 12 characters');
    const untouched = openDatabase({ kind: 'sqlite', file: env.DATABASE_URL });
    expect(await untouched.selectFrom('institution').selectAll().execute()).toEqual([]);
    expect(await untouched.selectFrom('staff_user').selectAll().execute()).toEqual([]);
    await untouched.destroy();
    await runCli(['user', 'create', '--email', 'a@b.nl', '--name', 'A', '--role', 'manager', '--institution', 'X'], env, 'lang genoeg wachtwoord\n');
    const taken = await runCli(['user', 'create', '--email', 'A@B.nl', '--name', 'B', '--role', 'manager'], env, 'lang genoeg wachtwoord\n');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('email: dit e-mailadres is al in gebruik');
  });

  it('loads the demo once, with progress, and backs the result up into a readable copy', async () => {
    const { dir, env } = fresh();
    const demo = await runCli(['demo'], { ...env, DEFAULT_LANGUAGE: 'en' });
    expect(demo.code).toBe(0);
    expect(demo.stderr).toContain('demo 100%');
    expect(demo.stdout).toMatch(/^Demo loaded: 8 groups, 4 rounds, \d+ responses\./);
    const again = await runCli(['demo'], { ...env, DEFAULT_LANGUAGE: 'en' });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('the demo is loaded only into an empty installation');

    const target = path.join(dir, 'copy.sqlite');
    const backup = await runCli(['backup', target], { ...env, DEFAULT_LANGUAGE: 'en' });
    expect(backup.stdout).toMatch(/^Backup written: .*copy\.sqlite/);
    // The server key goes with it (printed codes depend on it), readable by the owner only.
    expect(backup.stdout).toContain(`${target}.key`);
    expect(fs.readFileSync(`${target}.key`, 'utf8')).toBe(fs.readFileSync(path.join(path.dirname(env.DATABASE_URL), 'leefklimaat.key'), 'utf8'));
    expect(fs.statSync(`${target}.key`).mode & 0o777).toBe(0o600);
    const copy = openDatabase({ kind: 'sqlite', file: target });
    const original = openDatabase({ kind: 'sqlite', file: env.DATABASE_URL });
    try {
      const count = async (db: typeof copy) => Number((await db.selectFrom('response_answer').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      expect(await count(copy)).toBeGreaterThan(0);
      expect(await count(copy)).toBe(await count(original));
    } finally {
      await copy.destroy();
      await original.destroy();
    }
    const overwrite = await runCli(['backup', '--out', target], { ...env, DEFAULT_LANGUAGE: 'en' });
    expect(overwrite.code).toBe(1);
    expect(overwrite.stderr).toContain('already exists');
  });

  it('explains an unknown command instead of failing silently', async () => {
    const { env } = fresh();
    const run = await runCli(['frobnicate'], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
  });
});
