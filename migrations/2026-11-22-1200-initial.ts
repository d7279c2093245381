import { SqliteAdapter, sql, type Kysely, type CreateTableBuilder } from 'kysely';

/**
 * The first schema. Frozen in time: it never imports from `src/` and is never edited once
 * released; a change is a new migration.
 *
 * Portable types only (text, integer, real) so the same file runs on SQLite and
 * PostgreSQL. Times are ISO-8601 text, days `YYYY-MM-DD`, booleans 0/1, JSON as text.
 *
 * Anonymity (SPEC §4): `response`, `response_answer`, `open_answer`, `submission_receipt`,
 * `access_code` and `talk_request` have random keys and no column for time, order, IP or device.
 */

/**
 * On SQLite an ordinary table keeps a hidden, increasing `rowid` that would reveal the order in
 * which responses arrived (SPEC §4.2). WITHOUT ROWID tables are stored in key order, and the keys
 * are random. The only dialect-specific clause in the migrations, and guarded by the dialect.
 */
function withoutRowid<T extends string, C extends string>(db: Kysely<any>, table: CreateTableBuilder<T, C>) {
  return isSqlite(db) ? table.modifyEnd(sql`without rowid`) : table;
}

/**
 * By the adapter's class name along its prototype chain rather than `instanceof`: a second copy of
 * Kysely (a bundler, a test runner's module registry) has its own SqliteAdapter class, and a
 * silent `false` here would drop the anonymity guarantee above.
 */
function isSqlite(db: Kysely<any>): boolean {
  for (let p = Object.getPrototypeOf(db.getExecutor().adapter); p; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === SqliteAdapter.name) return true;
  }
  return false;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('institution')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('cadence_months', 'integer', (c) => c.notNull().defaultTo(6))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('location')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addUniqueConstraint('location_name_unique', ['institution_id', 'name'])
    .execute();

  await db.schema
    .createTable('municipality')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addUniqueConstraint('municipality_name_unique', ['institution_id', 'name'])
    .execute();

  /** The locations a municipality's contract covers: what its period report may show. */
  await db.schema
    .createTable('municipality_location')
    .addColumn('municipality_id', 'text', (c) => c.notNull().references('municipality.id').onDelete('cascade'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('location.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('municipality_location_pk', ['municipality_id', 'location_id'])
    .execute();

  await db.schema
    .createTable('questionnaire_version')
    .addColumn('questionnaire_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('questionnaire_version_pk', ['questionnaire_id', 'version'])
    .execute();

  await db.schema
    .createTable('living_group')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('location_id', 'text', (c) => c.notNull().references('location.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('places', 'integer', (c) => c.notNull())
    .addColumn('questionnaire_id', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('living_group_name_unique', ['location_id', 'name'])
    .addCheckConstraint('living_group_places_positive', sql`places > 0`)
    .execute();

  await db.schema
    .createTable('round')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('opens_on', 'text', (c) => c.notNull())
    .addColumn('closes_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned'))
    .addUniqueConstraint('round_period_unique', ['institution_id', 'period'])
    .addCheckConstraint('round_status_known', sql`status in ('planned', 'open', 'closed')`)
    .addCheckConstraint('round_dates_ordered', sql`opens_on <= closes_on`)
    .execute();

  /** The groups a round measures; the questionnaire version is fixed when the round opens. */
  await db.schema
    .createTable('round_group')
    .addColumn('round_id', 'text', (c) => c.notNull().references('round.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('living_group.id'))
    .addColumn('questionnaire_id', 'text', (c) => c.notNull())
    .addColumn('questionnaire_version', 'integer')
    .addPrimaryKeyConstraint('round_group_pk', ['round_id', 'group_id'])
    .execute();

  await withoutRowid(
    db,
    db.schema
      .createTable('response')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('round_id', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('questionnaire_id', 'text', (c) => c.notNull())
      .addColumn('questionnaire_version', 'integer', (c) => c.notNull())
      .addForeignKeyConstraint('response_round_group_fk', ['round_id', 'group_id'], 'round_group', ['round_id', 'group_id'])
      .addForeignKeyConstraint(
        'response_questionnaire_fk',
        ['questionnaire_id', 'questionnaire_version'],
        'questionnaire_version',
        ['questionnaire_id', 'version'],
      ),
  ).execute();
  await db.schema.createIndex('response_round_group').on('response').columns(['round_id', 'group_id']).execute();

  await withoutRowid(
    db,
    db.schema
      .createTable('response_answer')
      .addColumn('response_id', 'text', (c) => c.notNull().references('response.id').onDelete('cascade'))
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('value', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('response_answer_pk', ['response_id', 'item_id']),
  ).execute();

  /** Answers to open questions: no reference to a response (SPEC §4.5). */
  await withoutRowid(
    db,
    db.schema
      .createTable('open_answer')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('round_id', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('question_id', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addForeignKeyConstraint('open_answer_round_group_fk', ['round_id', 'group_id'], 'round_group', ['round_id', 'group_id']),
  ).execute();
  await db.schema.createIndex('open_answer_round_group').on('open_answer').columns(['round_id', 'group_id']).execute();

  /**
   * Submission ids already accepted, so a retry never counts twice. Deliberately no link to the
   * response it produced: the id only has to be recognised, not traced.
   */
  await withoutRowid(
    db,
    db.schema
      .createTable('submission_receipt')
      .addColumn('submission_id', 'text', (c) => c.primaryKey())
      .addColumn('round_id', 'text', (c) => c.notNull().references('round.id').onDelete('cascade')),
  ).execute();

  /** One-time access codes, stored as hashes; `used` holds no reference to a response (SPEC §4.6). */
  await withoutRowid(
    db,
    db.schema
      .createTable('access_code')
      .addColumn('code_hash', 'text', (c) => c.primaryKey())
      .addColumn('round_id', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('sheet_id', 'text', (c) => c.notNull())
      .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
      .addForeignKeyConstraint('access_code_round_group_fk', ['round_id', 'group_id'], 'round_group', ['round_id', 'group_id']),
  ).execute();

  /** "I would like to talk to someone": that it was asked, in which round and group, on which day. */
  await withoutRowid(
    db,
    db.schema
      .createTable('talk_request')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('round_id', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('requested_on', 'text', (c) => c.notNull())
      .addColumn('handled', 'integer', (c) => c.notNull().defaultTo(0))
      .addForeignKeyConstraint('talk_request_round_group_fk', ['round_id', 'group_id'], 'round_group', ['round_id', 'group_id']),
  ).execute();

  await db.schema
    .createTable('staff_user')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.references('institution.id'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('pin_hash', 'text')
    .addColumn('municipality_id', 'text', (c) => c.references('municipality.id'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addCheckConstraint('staff_user_role_known', sql`role in ('administrator', 'manager', 'group_leader', 'municipality_viewer')`)
    .execute();

  await db.schema
    .createTable('staff_user_group')
    .addColumn('user_id', 'text', (c) => c.notNull().references('staff_user.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('living_group.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('staff_user_group_pk', ['user_id', 'group_id'])
    .execute();

  /** Server-side sessions; the cookie holds a token, the table only its hash. */
  await db.schema
    .createTable('staff_session')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('staff_user.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  /** The one-time link printed at first start to create the first administrator. */
  await db.schema
    .createTable('setup_token')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('improvement_action')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('staff_user.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('improvement_action_round_group_fk', ['round_id', 'group_id'], 'round_group', ['round_id', 'group_id'])
    .execute();

  /** Generated reports: immutable once written. */
  await db.schema
    .createTable('report')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution_id', 'text', (c) => c.notNull().references('institution.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('municipality_id', 'text', (c) => c.references('municipality.id'))
    .addColumn('group_id', 'text', (c) => c.references('living_group.id'))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('generated_by', 'text', (c) => c.notNull())
    .addColumn('generated_at', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    // Base64: no binary type is the same on SQLite (blob) and PostgreSQL (bytea).
    .addColumn('pdf_base64', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .addColumn('csv', 'text', (c) => c.notNull())
    .addCheckConstraint('report_kind_known', sql`kind in ('group', 'period')`)
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const tables = [
    'audit_log',
    'report',
    'improvement_action',
    'setup_token',
    'staff_session',
    'staff_user_group',
    'staff_user',
    'talk_request',
    'access_code',
    'submission_receipt',
    'open_answer',
    'response_answer',
    'response',
    'round_group',
    'round',
    'living_group',
    'questionnaire_version',
    'municipality_location',
    'municipality',
    'location',
    'institution',
  ];
  for (const table of tables) await db.schema.dropTable(table).execute();
}
