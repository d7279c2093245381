import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { backupSqlite, defaultBackupName } from '../backup/backup.service';
import { roles } from '../auth/user.schema';
import { createUser } from '../auth/user.service';
import { describeStartupError, openDatabaseChecked, prepare } from '../bootstrap';
import { loadConfig, type Config } from '../config';
import { migrateDown, migrateToLatest } from '../db/migrator';
import { loadDemo } from '../demo/demo.service';
import { AppError, StartupError } from '../errors';
import { t, tBoth, translateBoth } from '../i18n/messages';
import { paths } from '../paths';
import { formatProblem, loadQuestionnaires } from '../questionnaires/questionnaire.loader';
import { questionnaireKey } from '../questionnaires/questionnaire';
import { systemClock } from '../system';
import { readPassword } from './password-input';
import { progressReporter } from './progress';

/**
 * `leefklimaat`: what an administrator scripts (SPEC §7). Each command loads the configuration
 * from the environment, exactly as the server does, so it works on the server's database.
 */
export function buildCli(out: (line: string) => void = (l) => process.stdout.write(l + '\n')): Command {
  const program = new Command('leefklimaat')
    .description('Leefklimaat: beheer vanaf de opdrachtregel / command-line administration')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('migrate')
    .description('database bijwerken naar het nieuwste schema / migrate the database')
    .option('--down', 'de laatste migratie terugdraaien / undo the latest migration')
    .action(async (options: { down?: boolean }) => {
      const config = loadConfig();
      const db = await openDatabaseChecked(config);
      try {
        if (options.down) {
          out(t(config.language, 'cli.migrated-down', { names: (await migrateDown(db)).join(', ') || '-' }));
        } else {
          const names = await migrateToLatest(db);
          out(names.length > 0 ? t(config.language, 'cli.migrated', { names: names.join(', ') }) : t(config.language, 'cli.migrated-none'));
        }
      } finally {
        await db.destroy();
      }
    });

  program
    .command('validate')
    .argument('[dir]', 'map met vragenlijsten / folder with questionnaires', undefined)
    .description('vragenlijsten controleren / check the questionnaire files')
    .action((dir: string | undefined) => {
      const config = loadConfig();
      const result = loadQuestionnaires(dir ?? config.surveysDir, config.language);
      if (!result.ok) {
        for (const problem of result.problems) out(formatProblem(problem));
        throw new CliFailure();
      }
      out(t(config.language, 'cli.valid', { count: result.questionnaires.length, keys: result.questionnaires.map(questionnaireKey).join(', ') }));
    });

  program
    .command('user')
    .description('medewerkers / staff accounts')
    .command('create')
    .description('een account aanmaken; het wachtwoord komt van de invoer / create an account; the password is read from input')
    .requiredOption('--email <email>', 'e-mailadres / email address')
    .requiredOption('--name <name>', 'naam / display name')
    .addOption(new Option('--role <role>', 'rol / role').choices(roles).makeOptionMandatory())
    .option('--institution <name>', 'maak de instelling aan als er nog geen is / create the institution when there is none yet')
    .action(async (options: { email: string; name: string; role: (typeof roles)[number]; institution?: string }) => {
      await withPrepared(async (config, { db }) => {
        const password = await readPassword('Wachtwoord / Password: ');
        const user = await createUser(
          db,
          { email: options.email, displayName: options.name, role: options.role, password, newInstitutionName: options.institution },
          systemClock,
        );
        out(t(config.language, 'cli.user-created', { email: user.email, role: user.role }));
      });
    });

  program
    .command('demo')
    .description('een demo-instelling met gesimuleerde rondes laden / load a demo institution with simulated rounds')
    .option('--seed <n>', 'startgetal voor de simulatie / simulation seed', wholeNumber, 2026)
    .action(async (options: { seed: number }) => {
      await withPrepared(async (config, { db, questionnaires }) => {
        const summary = await loadDemo(db, questionnaires, systemClock, { seed: options.seed, onProgress: progressReporter('demo') });
        out(t(config.language, 'cli.demo-done', { ...summary }));
      });
    });

  program
    .command('backup')
    .description('een consistente kopie van de database maken, ook terwijl de server draait / back up the database, also while the server runs')
    .option('--out <file>', 'doelbestand / target file')
    .action(async (options: { out?: string }) => {
      await withPrepared(async (config, { db }) => {
        const { file, bytes, keyFile } = await backupSqlite(db, options.out ?? defaultBackupName(paths.data, systemClock.now()), config.secretFile);
        out(t(config.language, 'cli.backup-done', { file, size: `${(bytes / 1024).toFixed(0)} KiB` }));
        if (keyFile) out(t(config.language, 'cli.backup-key', { file: keyFile }));
      });
    });

  return program;
}

async function withPrepared(work: (config: Config, prepared: Awaited<ReturnType<typeof prepare>>) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const prepared = await prepare(config, systemClock);
  try {
    await work(config, prepared);
  } finally {
    await prepared.db.destroy();
  }
}

function wholeNumber(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('geef een geheel getal / give a whole number');
  return Number(value);
}

/** A command that already said what is wrong and only needs to exit non-zero. */
class CliFailure extends Error {}

/** Runs the CLI; resolves to the exit code. Errors are printed plainly, without stacks, unless unexpected. */
export async function runCli(argv: readonly string[], err: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<number> {
  try {
    await buildCli().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliFailure) return 1;
    if (error instanceof StartupError) err(describeStartupError(error));
    else if (error instanceof AppError) err([translateBoth(error.message), ...error.details.map((d) => `  - ${d.path}: ${translateBoth(d.message)}`)].join('\n'));
    else err(`${tBoth('cli.error')}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
