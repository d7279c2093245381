import { spawn } from 'node:child_process';
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
