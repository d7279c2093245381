import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { Migrator, NO_MIGRATIONS, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';
import { paths } from '../paths';

/** `2026-11-22-1200-initial.ts`: the date and time order the migrations; a test enforces it. */
export const MIGRATION_NAME = /^\d{4}-\d{2}-\d{2}-\d{4}-[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Reads `migrations/` with `require`, so it works for the TypeScript files (tests, tsx) and for the
 * compiled ones (`dist/migrations`), without Kysely's dynamic-import provider.
 */
export class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string = paths.migrations) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const file of fs.readdirSync(this.folder).sort()) {
      const match = /^(.+)\.(ts|js)$/.exec(file);
      if (!match || file.endsWith('.d.ts')) continue;
      const name = match[1]!;
      if (!MIGRATION_NAME.test(name)) throw new Error(`migration file ${file} does not follow YYYY-MM-DD-HHMM-name`);
      migrations[name] = require(path.join(this.folder, file)) as Migration;
    }
    return migrations;
  }
}

function migrator(db: Kysely<any>, folder?: string): Migrator {
  return new Migrator({ db, provider: new FolderMigrationProvider(folder) });
}

function unwrap({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** Runs every pending migration; returns the names it ran. */
export async function migrateToLatest(db: Kysely<any>, folder?: string): Promise<string[]> {
  return unwrap(await migrator(db, folder).migrateToLatest());
}

/**
 * Migrates up or down to exactly `name` (or undoes every migration for `'empty'`); returns the
 * names it ran or undid. For tests that fill an earlier schema version and upgrade it.
 */
export async function migrateTo(db: Kysely<any>, name: string | 'empty', folder?: string): Promise<string[]> {
  return unwrap(await migrator(db, folder).migrateTo(name === 'empty' ? NO_MIGRATIONS : name));
}

/** Undoes the latest migration; returns its name (or nothing when none had run). */
export async function migrateDown(db: Kysely<any>, folder?: string): Promise<string[]> {
  return unwrap(await migrator(db, folder).migrateDown());
}

export async function pendingMigrations(db: Kysely<any>, folder?: string): Promise<string[]> {
  return (await migrator(db, folder).getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}
