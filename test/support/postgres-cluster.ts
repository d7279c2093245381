import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './processes';

/**
 * A private PostgreSQL server for the tests and the benchmarks: its own data folder in the
 * temporary directory, on a free port of 127.0.0.1, trusted local logins, stopped and removed
 * afterwards. It needs Debian's `postgresql` package (the programs, not its running service);
 * `scripts/ensure-system-packages.js` installs it before `npm test`.
 *
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user the Debian
 * package creates.
 */
export interface PostgresCluster {
  /** Superuser URL of the `postgres` database, for creating and dropping databases. */
  readonly url: string;
  stop(): void;
}

export function postgresBinaries(): string | undefined {
  const fromEnv = process.env['PG_BINDIR'];
  if (fromEnv && fs.existsSync(path.join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin');
}

/**
 * `durable: false` (the tests) turns fsync off: faster, and a crash of PostgreSQL itself is not
 * what the tests are about. The benchmarks keep PostgreSQL's defaults, fsync at every commit, as
 * SQLite's synchronous=FULL does.
 */
export async function startPostgresCluster(options: { durable: boolean }): Promise<PostgresCluster> {
  const bin = postgresBinaries();
  if (!bin) {
    throw new Error(
      'PostgreSQL is not installed: `apt-get install postgresql` (Debian), or set LEEFKLIMAAT_TEST_POSTGRES_URL to a superuser URL of a server to use.',
    );
  }
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leefklimaat-pg-'));
  const data = path.join(dir, 'data');
  const run = (program: string, args: string[]) => {
    const command = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args]] : [path.join(bin, program), args];
    execFileSync(command[0] as string, command[1] as string[], { stdio: 'pipe' });
  };
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  run('initdb', ['-D', data, '-U', 'leefklimaat', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c max_connections=300',
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ];
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', settings.join(' '), '-w', '-t', '60', 'start']);
  return {
    url: `postgres://leefklimaat@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
