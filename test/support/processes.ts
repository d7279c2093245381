import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { paths } from '../../src/paths';

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a TypeScript entry point (through tsx) as its own process, as a user would run it. */
export function runEntry(entry: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(paths.root, entry), ...args], {
      cwd: paths.root,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

export const runCli = (args: readonly string[], env: NodeJS.ProcessEnv, input?: string) => runEntry('src/cli/main.ts', args, env, input);

/** A free TCP port on the loopback interface (free when asked; a server started soon after gets it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The server (`src/main.ts`) running as its own process; see `startServer`. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** Everything it printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves when the process has ended, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;  /** SIGTERM (unless it has ended already), then how it ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Preloaded into the server: prints a line when its SIGTERM handler is set up (it only observes). */
const SIGNAL_HANDLER_READY = path.join(paths.root, 'test/fixtures/signal-handler-ready.cjs');
const READY_LINE = '[test] SIGTERM handler installed';

/**
 * Starts the real server as a user would (`src/main.ts` through tsx) and resolves once it is
 * listening and has set up its SIGTERM handler (seen through a preloaded observer, so a test never
 * depends on the order in which the server does the two). Throws, with what it printed, when it
 * ends or is not ready within `timeoutMs`.
 */
export async function startServer(env: NodeJS.ProcessEnv, options: { port?: number; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['--require', SIGNAL_HANDLER_READY, '--import', 'tsx', path.join(paths.root, 'src/main.ts')], {
    cwd: paths.root,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LOG_LEVEL: 'warn', DEFAULT_LANGUAGE: 'en', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const started = Date.now();
  let ended = false;
  void exited.then(() => (ended = true));
  while (!stdout.includes('Leefklimaat is running at') || !stderr.includes(READY_LINE)) {
    if (ended || Date.now() - started > (options.timeoutMs ?? 20_000)) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start (${ended ? 'it ended' : 'no answer'}):\n${stdout}\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const stop = () => {
    if (!ended) child.kill('SIGTERM');
    return exited;
  };
  return { child, port, base: `http://127.0.0.1:${port}`, output: () => ({ stdout, stderr: stderr.replace(`${READY_LINE}\n`, '') }), exited, stop };
}
