import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { MIGRATION_NAME, migrateDown, migrateToLatest, pendingMigrations } from '../../src/db/migrator';
import { paths } from '../../src/paths';
import { createTestDatabase, testDialect } from '../support/db';

const migrationFiles = fs.readdirSync(paths.migrations).filter((f) => f.endsWith('.ts'));

async function tableNames(db: Awaited<ReturnType<typeof createTestDatabase>>['db']): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((t) => t.name).sort();
}

describe('migrations', () => {
  it('are named YYYY-MM-DD-HHMM-name and sort in the order they were written', () => {
    expect(migrationFiles.length).toBeGreaterThan(0);
    for (const file of migrationFiles) expect(file.replace(/\.ts$/, '')).toMatch(MIGRATION_NAME);
  });

  it('never import application code, so they stay frozen in time', () => {
    for (const file of migrationFiles) {
      const source = fs.readFileSync(path.join(paths.migrations, file), 'utf8');
      expect({ file, importsSrc: /from ['"][^'"]*\/src\//.test(source) }).toEqual({ file, importsSrc: false });
    }
  });

  it('run from empty, down to empty and up again', async () => {
    const { db, cleanup } = await createTestDatabase({ migrate: false });
    try {
      const ran = await migrateToLatest(db);
      expect(ran).toEqual(migrationFiles.map((f) => f.replace(/\.ts$/, '')));
      expect(await pendingMigrations(db)).toEqual([]);
      const tables = await tableNames(db);
      expect(tables).toEqual(expect.arrayContaining(['response', 'response_answer', 'open_answer', 'round', 'living_group', 'report', 'audit_log']));

      for (let i = 0; i < ran.length; i++) await migrateDown(db);
      expect(await tableNames(db)).toEqual([]);

      expect(await migrateToLatest(db)).toEqual(ran);
      expect(await tableNames(db)).toEqual(tables);
    } finally {
      await cleanup();
    }
  });
});

describe('a failing migration', () => {
  it('leaves nothing half-done, so a fixed migration can run again', async () => {
    const { db, cleanup } = await createTestDatabase({ migrate: false });
    const folder = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'migrations-'));
    try {
      // The real migrations, then one that creates a table and fails half-way.
      for (const file of migrationFiles) {
        fs.writeFileSync(path.join(folder, file.replace(/\.ts$/, '.js')), `module.exports = require(${JSON.stringify(path.join(paths.migrations, file))});`);
      }
      await migrateToLatest(db, folder);
      const before = await tableNames(db);
      const failing = path.join(folder, '2099-01-01-0000-broken.js');
      fs.writeFileSync(
        failing,
        `exports.up = async (db) => { await db.schema.createTable('half_a').addColumn('id', 'text').execute(); throw new Error('boom'); };
         exports.down = async () => {};`,
      );
      await expect(migrateToLatest(db, folder)).rejects.toThrow('migration 2099-01-01-0000-broken failed');
      expect(await tableNames(db)).toEqual(before);
      expect(await pendingMigrations(db, folder)).toEqual(['2099-01-01-0000-broken']);

      fs.writeFileSync(failing, `exports.up = async (db) => { await db.schema.createTable('half_a').addColumn('id', 'text').execute(); }; exports.down = async () => {};`);
      jest.resetModules(); // forget the failing version
      expect(await migrateToLatest(db, folder)).toEqual(['2099-01-01-0000-broken']);
      expect(await tableNames(db)).toContain('half_a');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
      await cleanup();
    }
  });
});

describe('the response tables (SPEC §4.1, §4.2)', () => {
  const anonymousTables = ['response', 'response_answer', 'open_answer', 'submission_receipt', 'access_code', 'talk_request'];
  // Anything that could place a response in time, in order, or on a device or person.
  const revealing = /(^|_)(at|time|timestamp|created|updated|date|seq|sequence|order|position|ip|address|agent|device|user|name|email|session)($|_)/;

  /**
   * The exact columns, so that any new column on an anonymous table is a reviewed decision.
   * `talk_request.requested_on` is a day, on purpose: staff need to know a request is recent.
   */
  const expectedColumns: Record<string, string[]> = {
    response: ['id', 'round_id', 'group_id', 'questionnaire_id', 'questionnaire_version'],
    response_answer: ['response_id', 'item_id', 'value'],
    open_answer: ['id', 'round_id', 'group_id', 'question_id', 'text'],
    submission_receipt: ['submission_id', 'round_id'],
    access_code: ['code_hash', 'round_id', 'group_id', 'sheet_id', 'used'],
    talk_request: ['id', 'round_id', 'group_id', 'requested_on', 'handled'],
  };

  it('have exactly the reviewed columns', async () => {
    const { db, cleanup } = await createTestDatabase();
    try {
      const tables = await db.introspection.getTables();
      for (const [name, columns] of Object.entries(expectedColumns)) {
        expect({ name, columns: tables.find((t) => t.name === name)?.columns.map((c) => c.name) }).toEqual({ name, columns });
      }
    } finally {
      await cleanup();
    }
  });

  it('have no column for time, order, IP, device or person', async () => {
    const { db, cleanup } = await createTestDatabase();
    try {
      const tables = await db.introspection.getTables();
      for (const name of anonymousTables) {
        const table = tables.find((t) => t.name === name);
        expect(table).toBeDefined();
        const columns = table!.columns.map((c) => c.name);
        expect({ name, revealing: columns.filter((c) => revealing.test(c)) }).toEqual({ name, revealing: [] });
        // No auto-increment: an increasing key would give away arrival order.
        expect({ name, autoIncrement: table!.columns.some((c) => c.isAutoIncrementing) }).toEqual({ name, autoIncrement: false });
      }
    } finally {
      await cleanup();
    }
  });

  it('have no hidden rowid or sequence that would reveal insertion order', async () => {
    const { db, cleanup } = await createTestDatabase();
    try {
      for (const name of anonymousTables) {
        if (testDialect === 'sqlite') {
          await expect(sql.raw(`select rowid from ${name}`).execute(db)).rejects.toThrow(/no such column: rowid/);
        } else {
          // PostgreSQL has no rowid; a column filled from a sequence would be one. (Its row headers
          // are dealt with when a round closes: survey.test.ts.)
          const defaults = await sql<{ column: string; default: string }>`select column_name as column, column_default as default from information_schema.columns
            where table_schema = current_schema() and table_name = ${name} and column_default is not null`.execute(db);
          expect({ name, defaults: defaults.rows.filter((d) => !/^0$/.test(d.default)) }).toEqual({ name, defaults: [] });
        }
      }
    } finally {
      await cleanup();
    }
  });
});
