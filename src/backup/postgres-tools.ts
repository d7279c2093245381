import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type PostgresProgram = 'pg_dump' | 'pg_restore';

/** Where to look for PostgreSQL's own programs: PATH first, then Debian's versioned folders. */
export interface ProgramSearch {
  readonly path: string | undefined;
  readonly roots: readonly string[];
}

// PATH is the shell's, not a setting of ours, so it is read here rather than through config.ts.
export const defaultSearch: ProgramSearch = { path: process.env['PATH'], roots: ['/usr/lib/postgresql'] };

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `pg_dump` or `pg_restore`: on PATH, else in `/usr/lib/postgresql/<newest>/bin`; undefined when neither. */
export function findPostgresProgram(name: PostgresProgram, search: ProgramSearch = defaultSearch): string | undefined {
  for (const dir of (search.path ?? '').split(path.delimiter).filter(Boolean)) {
    if (executable(path.join(dir, name))) return path.join(dir, name);
  }
  for (const root of search.roots) {
    let versions: string[];
    try {
      versions = fs.readdirSync(root);
    } catch {
      continue;
    }
    const newest = versions
      .filter((v) => /^\d+(\.\d+)?$/.test(v) && executable(path.join(root, v, 'bin', name)))
      .sort((a, b) => Number(b) - Number(a))[0];
    if (newest !== undefined) return path.join(root, newest, 'bin', name);
  }
  return undefined;
}

/**
 * The URL for libpq without its password, and the password in PGPASSWORD: a password on the
 * command line would show in every `ps` listing.
 */
export function toolConnection(url: string): { url: string; env: Record<string, string> } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : parsed.searchParams.get('password');
  parsed.password = '';
  parsed.searchParams.delete('password');
  return { url: parsed.toString(), env: password ? { PGPASSWORD: password } : {} };
}

export interface ProgramRun {
  readonly code: number | null;
  readonly stdout: string;
  /** What the program said on stderr (its error messages), at most 8 KiB, password removed. */
  readonly stderr: string;
}

/** Runs one of PostgreSQL's programs with the connection's password in its environment. */
export function runPostgresProgram(program: string, args: readonly string[], databaseUrl: string): Promise<ProgramRun> {
  const { env } = toolConnection(databaseUrl);
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + String(d)).slice(-8192)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: withoutSecret(stderr, env['PGPASSWORD']).trim() }));
  });
}

function withoutSecret(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}

/** pg_dump's custom format starts with these bytes; a SQLite file with `SQLite format 3\0`. */
export const PG_DUMP_MAGIC = 'PGDMP';
export const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** The first bytes of a file, as latin1 text. */
export function fileStart(file: string, length = 16): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = fs.readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read).toString('latin1');
  } finally {
    fs.closeSync(fd);
  }
}
