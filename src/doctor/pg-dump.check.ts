import { execFile } from 'node:child_process';
import { findPostgresProgram } from '../backup/postgres-tools';
import { findingsOf, type Finding } from './finding';

const f = findingsOf('database');

/**
 * `leefklimaat backup` on PostgreSQL runs pg_dump, which refuses a server newer than itself: worth
 * knowing before the first backup is needed, not after.
 */
export async function checkPgDump(serverVersion: string): Promise<Finding[]> {
  const program = findPostgresProgram('pg_dump');
  if (program === undefined) return [f.warn('dr.pg-dump-missing', undefined, { fix: 'dr.pg-dump-fix' })];
  const version = await new Promise<string>((resolve) => execFile(program, ['--version'], { timeout: 10_000 }, (error, stdout) => resolve(error ? '' : stdout.trim())));
  const major = (text: string) => Number(/(\d+)(\.\d+)?/.exec(text)?.[1] ?? NaN);
  if (major(version) < major(serverVersion)) {
    return [f.warn('dr.pg-dump-old', { program, version, server: serverVersion }, { fix: 'dr.pg-dump-fix' })];
  }
  return [f.ok('dr.pg-dump-ok', { program, version: version || '?' })];
}
