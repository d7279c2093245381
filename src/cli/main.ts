import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { PDFDocument } from 'pdf-lib';
import { systemViewer } from '../auth/current-user';
import type { DB } from '../db/schema';
import { ReportRenderError, PdfRenderer } from '../reports/pdf-renderer';
import { generatePeriodReport } from '../reports/report.service';
import { createReportTemplates } from '../reports/report.templates';
import { BackupProblem } from '../backup/backup.errors';
import { roles } from '../auth/user.schema';
import { createUser } from '../auth/user.service';
import { describeStartupError, openDatabaseChecked, prepare } from '../bootstrap';
import { loadConfig, type Config, type Language } from '../config';
import { migrateDown, migrateToLatest } from '../db/migrator';
import { loadDemo } from '../demo/demo.service';
import { AppError, StartupError } from '../errors';
import { t, tBoth, translateBoth } from '../i18n/messages';
import { firstInstitutionId, listMunicipalities } from '../organisation/organisation.repository';
import { formatProblem, loadQuestionnaires } from '../questionnaires/questionnaire.loader';
import { questionnaireKey } from '../questionnaires/questionnaire';
import { systemClock } from '../system';
import { addAdminCommands } from './admin-commands';
import { CliFailure, CliProblem } from './cli-errors';
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
    .option('--municipality <id>', 'de gemeente van een gemeentelezer (id of naam) / a municipality viewer\'s municipality (id or name)')
    .action(async (options: { email: string; name: string; role: (typeof roles)[number]; institution?: string; municipality?: string }) => {
      await withPrepared(async (config, { db }) => {
        const institutionId = options.municipality === undefined ? undefined : await firstInstitutionId(db);
        const municipalityId = institutionId === undefined ? undefined : await chooseMunicipality(db, institutionId, options.municipality!);
        const password = await readPassword('Wachtwoord / Password: ');
        const user = await createUser(
          db,
          { email: options.email, displayName: options.name, role: options.role, password, newInstitutionName: options.institution, ...(municipalityId ? { municipalityId } : {}) },
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

  addAdminCommands(program, out);

  program
    .command('report')
    .description('een periodeverslag maken en bewaren / make and archive a period report')
    .requiredOption('--period <from..to>', 'periode, bijvoorbeeld 2026-01-01..2026-12-31 / period, e.g. 2026-01-01..2026-12-31', periodArgument)
    .option('--municipality <id>', 'alleen de locaties in het contract van deze gemeente (id of naam) / only the locations in this municipality\'s contract (id or name)')
    .addOption(new Option('--lang <lang>', 'taal van het rapport / language of the report').choices(['nl', 'en']))
    .option('--institution <id>', 'de instelling, als er meer dan een is / the institution, when there are several')
    .requiredOption('--out <file.pdf>', 'doelbestand / target file')
    .action(async (options: { period: { from: string; to: string }; municipality?: string; lang?: Language; institution?: string; out: string }) => {
      await withPrepared(async (config, { db, questionnaires }) => {
        const institutionId = await chooseInstitution(db, options.institution);
        const municipalityId = options.municipality === undefined ? undefined : await chooseMunicipality(db, institutionId, options.municipality);
        // Checked first: a report is archived once made, so the file must be writable before.
        const target = path.resolve(options.out);
        try {
          fs.accessSync(path.dirname(target), fs.constants.W_OK);
          if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
        } catch (error) {
          throw new CliProblem(`${options.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        }
        const renderer = new PdfRenderer();
        try {
          const deps = { results: { db, questionnaires, k: config.anonymityK }, renderer, templates: createReportTemplates(), clock: systemClock, timeZone: config.timeZone };
          const query = { ...options.period, ...(municipalityId ? { municipalityId } : {}) };
          const { report } = await generatePeriodReport(deps, systemViewer(institutionId), query, { lang: options.lang ?? config.language, generatedBy: 'cli' }, progressReporter('rapport / report'));
          // Written beside the target and renamed into place: never a half-written file under its name.
          const partial = `${target}.${process.pid}.part`;
          try {
            fs.writeFileSync(partial, report.pdf, { flag: 'wx' });
            fs.renameSync(partial, target);
          } catch (error) {
            fs.rmSync(partial, { force: true });
            throw new CliProblem(`${options.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
          }
          const pages = (await PDFDocument.load(report.pdf, { updateMetadata: false })).getPageCount();
          out(t(config.language, 'cli.report-done', { file: target, pages, size: `${Math.round(report.pdf.length / 1024)} KiB` }));
        } finally {
          await renderer.close();
        }
      });
    });

  return program;
}

/** `2026-01-01..2026-12-31`: two real days, the first not after the second. */
function periodArgument(value: string): { from: string; to: string } {
  const match = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(value);
  const real = (d: string) => z.iso.date().safeParse(d).success;
  if (!match || !real(match[1]!) || !real(match[2]!) || match[1]! > match[2]!) throw new InvalidArgumentError(tBoth('cli.report-period'));
  return { from: match[1]!, to: match[2]! };
}

async function chooseInstitution(db: Kysely<DB>, wanted: string | undefined): Promise<string> {
  const institutions = await db.selectFrom('institution').select(['id', 'name']).orderBy('name').execute();
  if (wanted !== undefined) {
    const found = institutions.find((i) => i.id === wanted || i.name === wanted);
    if (!found) throw new CliProblem(`--institution ${wanted}: ${tBoth('error.not-found')}`);
    return found.id;
  }
  if (institutions.length === 0) throw new CliProblem(tBoth('cli.no-institution'));
  if (institutions.length > 1) throw new CliProblem(`${tBoth('cli.report-institution')}\n${institutions.map((i) => `  ${i.id}  ${i.name}`).join('\n')}`);
  return institutions[0]!.id;
}

async function chooseMunicipality(db: Kysely<DB>, institutionId: string, wanted: string): Promise<string> {
  const municipalities = await listMunicipalities(db, institutionId);
  const found = municipalities.find((m) => m.id === wanted || m.name.toLowerCase() === wanted.toLowerCase());
  if (!found) throw new CliProblem(`--municipality ${wanted}: ${tBoth('v.unknown-municipality')}\n${municipalities.map((m) => `  ${m.id}  ${m.name}`).join('\n')}`);
  return found.id;
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

/** Runs the CLI; resolves to the exit code. Errors are printed plainly, without stacks, unless unexpected. */
export async function runCli(argv: readonly string[], err: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<number> {
  try {
    await buildCli().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliFailure) return 1;
    if (error instanceof CliProblem || error instanceof BackupProblem) {
      err(error.message);
      return 1;
    }
    if (error instanceof ReportRenderError) {
      err(`${tBoth('rep.render-failed')}\n  ${error.message}`);
      return 1;
    }
    if (error instanceof StartupError) err(describeStartupError(error));
    else if (error instanceof AppError) err([translateBoth(error.message), ...error.details.map((d) => `  - ${d.path}: ${translateBoth(d.message)}`)].join('\n'));
    else err(`${tBoth('cli.error')}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
