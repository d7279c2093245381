import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { paths } from '../../src/paths';
import { freePort, runEntry } from '../support/processes';

describe('starting the server', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leefklimaat-server-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses to start on a broken questionnaire, says why, and creates no database', async () => {
    const db = path.join(dir, 'lk.sqlite');
    const run = await runEntry('src/main.ts', [], { DATABASE_URL: db, SURVEYS_DIR: 'test/fixtures/surveys-broken', DEFAULT_LANGUAGE: 'en' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Ongeldige vragenlijst(en) / Invalid questionnaire(s)');
    expect(run.stderr).toContain('broken.v1.yaml:items.0.scale: unknown scale "suport"');
    expect(run.stderr).toContain('broken.v1.yaml:items.1.text.en: translation missing for "en"');
    expect(run.stderr).toContain('broken.v1.yaml:scoring.reverseKeyed.0: unknown item "s99"');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(fs.existsSync(db)).toBe(false);
  });

  it('refuses to start on an invalid setting, naming the variable', async () => {
    const run = await runEntry('src/main.ts', [], { DATABASE_URL: path.join(dir, 'lk.sqlite'), ANONYMITY_K: '1' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('Ongeldige configuratie / Invalid configuration\n  - ANONYMITY_K: mag nooit lager zijn dan 3 / may never be below 3');
  });

  it('names DATABASE_URL, without a stack trace, when the database cannot be opened', async () => {
    const notADatabase = path.join(dir, 'notes.txt');
    fs.writeFileSync(notADatabase, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    for (const url of [path.join(notADatabase, 'inside.sqlite'), notADatabase]) {
      const run = await runEntry('src/main.ts', [], { DATABASE_URL: url });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('De database kan niet geopend worden / The database cannot be opened');
      expect(run.stderr).toContain('  - DATABASE_URL: ');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('names PORT and HOST, without a stack trace, when the port is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const run = await runEntry('src/main.ts', [], { DATABASE_URL: path.join(dir, 'lk.sqlite'), PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`  - PORT / HOST: 127.0.0.1:${port}: EADDRINUSE`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('migrates on first start, prints a one-time setup link, serves /healthz and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(paths.root, 'src/main.ts')], {
      cwd: paths.root,
      env: { PATH: process.env['PATH'], PORT: String(port), DATABASE_URL: path.join(dir, 'lk.sqlite'), DEFAULT_LANGUAGE: 'en', LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      for (let i = 0; i < 100 && !stdout.includes('/setup/'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(stdout).toContain('Database migrated: 2026-11-22-1200-initial');
      expect(stdout).toContain(`Leefklimaat is running at http://localhost:${port}`);
      expect(stdout).toMatch(new RegExp(`http://localhost:${port}/setup/[A-Za-z0-9_-]{32}`));
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { database: string }).database).toBe('ok');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
