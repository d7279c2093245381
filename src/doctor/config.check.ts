import fs from 'node:fs';
import { loadConfig, type Config } from '../config';
import { StartupError } from '../errors';
import { keyInText } from '../secret';
import { findingsOf, type Finding } from './finding';

export interface ConfigCheck {
  /** The configuration with every bad variable left at its default; undefined only if even that fails. */
  readonly config: Config | undefined;
  /** Variables whose values are wrong: checks that depend on them are skipped, not run on defaults. */
  readonly bad: ReadonlySet<string>;
  readonly findings: Finding[];
}

const f = findingsOf('config');
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Every variable, parsed as the server would: a bad one becomes a finding (the server would refuse
 * to start), and the rest are still checked.
 */
export function checkConfiguration(env: NodeJS.ProcessEnv): ConfigCheck {
  const findings: Finding[] = [];
  const bad = new Set<string>();
  let config: Config | undefined;
  try {
    config = loadConfig(env);
    findings.push(f.ok('dr.config-ok'));
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    for (const d of error.details) {
      bad.add(d.path);
      findings.push(f.fail('dr.config-bad', { name: d.path || '?' }, { details: [d.message], fix: 'dr.config-bad-fix', fixParams: { name: d.path || '?' } }));
    }
    try {
      config = loadConfig(Object.fromEntries(Object.entries(env).filter(([name]) => !bad.has(name))));
    } catch {
      config = undefined;
    }
  }
  if (!config) return { config, bad, findings };

  if (!bad.has('PUBLIC_URL') && !bad.has('PORT')) {
    const url = new URL(config.publicUrl);
    if (url.protocol === 'https:' || LOCAL_HOSTS.has(url.hostname)) findings.push(f.ok('dr.public-url-ok', { url: config.publicUrl }));
    else findings.push(f.warn('dr.public-url-http', { url: config.publicUrl }, { fix: 'dr.public-url-http-fix' }));
  }
  if (!bad.has('ANONYMITY_K')) {
    if (config.anonymityK < 5) findings.push(f.warn('dr.k-low', { k: config.anonymityK }, { fix: 'dr.k-low-fix' }));
    else findings.push(f.ok('dr.k-ok', { k: config.anonymityK }));
  }
  return { config, bad, findings };
}

/**
 * The server key: there, readable by the server, a key, and readable by nobody else. Missing is
 * fine for a new installation (the server makes one at first start), but not when printed codes
 * wait for it: a new key would make them all useless.
 */
export function checkKeyFile(file: string, unusedCodes: boolean | undefined): Finding[] {
  const k = findingsOf('key');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (unusedCodes === undefined) return [k.warn('dr.key-missing-unknown', { file }, { fix: 'dr.key-missing-codes-fix', fixParams: { file } })];
      return unusedCodes
        ? [k.fail('dr.key-missing-codes', { file }, { fix: 'dr.key-missing-codes-fix', fixParams: { file } })]
        : [k.ok('dr.key-missing-new', { file })];
    }
    return [k.fail('dr.key-unreadable', { file }, { details: [code ?? String(error)], fix: 'dr.key-unreadable-fix', fixParams: { file } })];
  }
  if (keyInText(text) === undefined) return [k.fail('dr.key-invalid', { file }, { fix: 'dr.key-invalid-fix', fixParams: { file } })];
  const mode = fs.statSync(file).mode;
  if (mode & 0o004) return [k.fail('dr.key-world-readable', { file }, { fix: 'dr.key-mode-fix', fixParams: { file } })];
  if (mode & 0o040) return [k.warn('dr.key-group-readable', { file }, { fix: 'dr.key-mode-fix', fixParams: { file } })];
  return [k.ok('dr.key-ok', { file })];
}
