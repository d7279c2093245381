import type { Command } from 'commander';
import { BackupProblem } from '../backup/backup.errors';
import { backupDatabase, defaultBackupName } from '../backup/backup.service';
import { restoreDatabase } from '../backup/restore.service';
import { loadConfig } from '../config';
import { formatDoctor } from '../doctor/doctor.report';
import { runDoctor } from '../doctor/doctor.service';
import { t, tBoth } from '../i18n/messages';
import { paths } from '../paths';
import { systemClock } from '../system';
import { CliFailure } from './cli-errors';

type Out = (line: string) => void;

/** `backup`, `restore` and `doctor`: what an administrator runs around installing and upgrading. */
export function addAdminCommands(program: Command, out: Out): void {
  program
    .command('backup')
    .argument('[file]', 'doelbestand / target file')
    .description('een consistente kopie van de database en de sleutel maken, ook terwijl de server draait / back up the database and key, also while the server runs')
    .option('--out <file>', 'doelbestand (zelfde als FILE) / target file (same as FILE)')
    .action(async (file: string | undefined, options: { out?: string }) => {
      if (file !== undefined && options.out !== undefined && file !== options.out) throw new BackupProblem(tBoth('cli.backup-two-targets'));
      const config = loadConfig();
      const target = file ?? options.out ?? defaultBackupName(paths.data, systemClock.now(), config.database.kind);
      const result = await backupDatabase(config, target);
      const size = `${Math.max(1, Math.round(result.bytes / 1024))} KiB`;
      out(t(config.language, result.format === 'sqlite' ? 'cli.backup-done' : 'bk.done-pg', { file: result.file, size }));
      if (result.keyFile) out(t(config.language, 'cli.backup-key', { file: result.keyFile }));
      else out(t(config.language, 'bk.no-key', { file: config.secretFile }));
    });

  program
    .command('restore')
    .argument('<file>', 'de back-up / the backup')
    .description('een back-up terugzetten in een lege database, met de sleutel ernaast (FILE.key) / restore a backup into an empty database, with the key beside it (FILE.key)')
    .option('--without-key', 'zonder FILE.key: gedrukte codes werken daarna niet meer / without FILE.key: printed codes stop working')
    .action(async (file: string, options: { withoutKey?: boolean }) => {
      const config = loadConfig();
      const result = await restoreDatabase(config, file, { withoutKey: options.withoutKey === true });
      const lang = config.language;
      out(t(lang, 'rs.done', { database: result.database, institutions: result.institutions, rounds: result.rounds, responses: result.responses }));
      if (result.migrated.length > 0) out(t(lang, 'rs.migrated', { names: result.migrated.join(', ') }));
      if (options.withoutKey) out(t(lang, 'rs.without-key'));
      else out(t(lang, result.keyInstalled ? 'rs.key-installed' : 'rs.key-same', { file: config.secretFile }));
    });

  program
    .command('doctor')
    .description('de installatie controleren en zeggen wat er mis is en wat te doen; verandert niets / check the installation and say what is wrong and what to do; changes nothing')
    .action(async () => {
      // The environment as it is: a bad variable is one of the things to report, not a reason to stop.
      const { lines, failures } = formatDoctor(await runDoctor(process.env));
      for (const line of lines) out(line);
      if (failures > 0) throw new CliFailure();
    });
}
