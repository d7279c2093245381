import type { Config } from '../config';
import { checkChromium } from './chromium.check';
import { checkConfiguration, checkKeyFile } from './config.check';
import { checkDatabase, type DatabaseFacts } from './database.check';
import { findingsOf, type Finding, type Section } from './finding';
import { checkQuestionnaires } from './questionnaires.check';

/** Which variables each later check reads: when one of them is wrong, that check is skipped. */
const DEPENDS_ON: Record<Exclude<Section, 'config'>, readonly string[]> = {
  key: ['DATABASE_URL', 'SECRET_FILE'],
  database: ['DATABASE_URL', 'DATABASE_POOL_SIZE'],
  questionnaires: ['SURVEYS_DIR', 'DEFAULT_LANGUAGE'],
  chromium: ['CHROMIUM_PATH'],
};

export interface DoctorOptions {
  /** How long Chromium may take to start and print (ms). */
  readonly chromiumTimeoutMs?: number;
}

/**
 * `leefklimaat doctor`: every check an administrator would otherwise learn about from a server
 * that does not start or a report that does not come. Changes nothing — no migration, no key
 * file, no database file — so it is safe beside a running server and on a broken installation.
 */
export async function runDoctor(env: NodeJS.ProcessEnv, options: DoctorOptions = {}): Promise<Finding[]> {
  const { config, bad, findings } = checkConfiguration(env);
  const run = async (section: Exclude<Section, 'config'>, check: (config: Config) => Finding[] | Promise<Finding[]>) => {
    const names = config ? DEPENDS_ON[section].filter((name) => bad.has(name)) : ['?'];
    if (!config || names.length > 0) findings.push(findingsOf(section).skip('dr.skipped', { names: names.join(', ') }));
    else findings.push(...(await check(config)));
  };

  let facts: DatabaseFacts = { unusedCodes: undefined, registered: undefined };
  await run('database', async (c) => {
    const checked = await checkDatabase(c);
    facts = checked.facts;
    return checked.findings;
  });
  await run('key', (c) => checkKeyFile(c.secretFile, facts.unusedCodes));
  await run('questionnaires', (c) => checkQuestionnaires(c.surveysDir, c.language, facts.registered));
  await run('chromium', (c) => checkChromium(c.chromiumPath, options.chromiumTimeoutMs));
  return findings;
}
