import { spawn } from 'node:child_process';
import path from 'node:path';
import { paths } from '../../src/paths';
import { freePort } from './processes';


export interface ServerProcess {
  readonly base: string;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when the output matches, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** The real server (`src/main.ts` through tsx) as its own process, listening on a free port. */
export async function startServerProcess(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(paths.root, 'src/main.ts')], {
    cwd: paths.root,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let done = false;
  void exited.then(() => (done = true));
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const until = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (done) throw new Error(`the server exited before printing ${pattern}:\n${output}`);
      if (Date.now() > until) throw new Error(`the server did not print ${pattern} within ${timeoutMs} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    if (!done) child.kill('SIGTERM');
    return exited;
  };
  try {
    await waitFor(/Leefklimaat (is running at|draait op)/);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base: `http://127.0.0.1:${port}`, output: () => output, waitFor, stop };
}
