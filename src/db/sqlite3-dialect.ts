import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  RawNode,
} from 'kysely';
import sqlite3 from 'sqlite3';

/**
 * A Kysely dialect over the asynchronous `sqlite3` package. Kysely's own SQLite dialect expects
 * better-sqlite3's synchronous API; this one reuses its adapter, introspector and compiler and
 * supplies only the driver.
 *
 * One connection, behind a mutex: SQLite has one writer anyway, and a single connection means a
 * transaction can never interleave with another caller's statements.
 */
export interface Sqlite3DialectConfig {
  /** A file path, or `:memory:`. */
  readonly file: string;
  /** Statements run once on open (pragmas). */
  readonly onOpen?: readonly string[];
}

export class Sqlite3Dialect implements Dialect {
  constructor(private readonly config: Sqlite3DialectConfig) {}

  createDriver(): Driver {
    return new Sqlite3Driver(this.config);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/**
 * SQLite's schema changes are transactional, though Kysely's adapter says otherwise to be safe.
 * Saying so lets the migrator run all pending migrations in one `begin immediate` transaction:
 * a failing migration leaves nothing half-done, and a second process (the CLI beside the server)
 * waits instead of migrating at the same time. A future migration that rebuilds a table must
 * turn foreign keys off before that transaction (SQLite ignores the pragma inside one).
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** A FIFO lock: `acquire()` resolves when the caller holds it; `release()` hands it on. */
class Mutex {
  #locked = false;
  readonly #waiting: (() => void)[] = [];

  async acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#locked = false;
  }
}

class Sqlite3Driver implements Driver {
  readonly #mutex = new Mutex();
  #connection: Sqlite3Connection | undefined;

  constructor(private readonly config: Sqlite3DialectConfig) {}

  async init(): Promise<void> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(this.config.file, (err) => (err ? reject(err) : resolve(opened)));
    });
    const connection = new Sqlite3Connection(db);
    try {
      for (const statement of this.config.onOpen ?? []) await connection.executeQuery(CompiledQuery.raw(statement));
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    this.#connection = connection;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.acquire();
    if (!this.#connection) {
      this.#mutex.release();
      throw new Error('the database is closed');
    }
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.release();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // IMMEDIATE takes the write lock at once, so a transaction never fails half-way with
    // SQLITE_BUSY when another process (the CLI, a backup) holds the database.
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteIdentifier(name)}`));
  }

  async destroy(): Promise<void> {
    const connection = this.#connection;
    if (!connection) return;
    // Wait for whoever holds the connection, so a close never cuts a transaction in half.
    await this.#mutex.acquire();
    this.#connection = undefined;
    this.#mutex.release();
    await connection.close();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Leading comments and parentheses, skipped to find a raw statement's first keyword. */
const LEADING_NOISE = /^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/|\()*/;

/**
 * Whether a statement returns rows. Query nodes say so; for raw SQL its first keyword decides
 * (or a `returning` clause), which covers what this project writes raw.
 */
function returnsRows(query: CompiledQuery): boolean {
  const node = query.query;
  if (SelectQueryNode.is(node)) return true;
  if ('returning' in node && node.returning !== undefined) return true;
  if (!RawNode.is(node)) return false;
  const text = query.sql.replace(LEADING_NOISE, '');
  return /^(select|with|pragma|values|explain)\b/i.test(text) || /\breturning\b/i.test(text);
}

/** Prepared statements kept per SQL text: preparing costs about as much as Kysely's own work. */
const STATEMENT_CACHE_SIZE = 64;

class Sqlite3Connection implements DatabaseConnection {
  /** Least recently used first (a Map keeps insertion order; a hit re-inserts). */
  readonly #statements = new Map<string, sqlite3.Statement>();

  constructor(private readonly db: sqlite3.Database) {}

  async #prepared(text: string): Promise<sqlite3.Statement> {
    const cached = this.#statements.get(text);
    if (cached) {
      this.#statements.delete(text);
      this.#statements.set(text, cached);
      return cached;
    }
    const stmt = await new Promise<sqlite3.Statement>((resolve, reject) => {
      const prepared: sqlite3.Statement = this.db.prepare(text, (err) => (err ? reject(err) : resolve(prepared)));
    });
    this.#statements.set(text, stmt);
    if (this.#statements.size > STATEMENT_CACHE_SIZE) {
      const [oldest, evicted] = this.#statements.entries().next().value!;
      this.#statements.delete(oldest);
      evicted.finalize();
    }
    return stmt;
  }

  /**
   * `insertId` is SQLite's last rowid: meaningful only for rowid tables, never for the
   * WITHOUT ROWID response tables, whose keys the caller chooses anyway.
   */
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const params = query.parameters as unknown[];
    // Transaction control and pragmas run once or rarely: not worth a cache slot.
    if (RawNode.is(query.query)) return this.#direct(query.sql, params, returnsRows(query));
    const stmt = await this.#prepared(query.sql);
    if (returnsRows(query)) {
      return new Promise((resolve, reject) => stmt.all<R>(params, (err, rows) => (err ? reject(err) : resolve({ rows }))));
    }
    return new Promise((resolve, reject) => {
      stmt.run(params, function (this: sqlite3.RunResult, err) {
        if (err) return reject(err);
        resolve({ rows: [], numAffectedRows: BigInt(this.changes), insertId: BigInt(this.lastID) });
      });
    });
  }

  #direct<R>(text: string, params: unknown[], rows: boolean): Promise<QueryResult<R>> {
    if (rows) {
      return new Promise((resolve, reject) => this.db.all<R>(text, params, (err, result) => (err ? reject(err) : resolve({ rows: result }))));
    }
    return new Promise((resolve, reject) => {
      this.db.run(text, params, function (this: sqlite3.RunResult, err) {
        if (err) return reject(err);
        resolve({ rows: [], numAffectedRows: BigInt(this.changes), insertId: BigInt(this.lastID) });
      });
    });
  }

  async close(): Promise<void> {
    for (const stmt of this.#statements.values()) stmt.finalize();
    this.#statements.clear();
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }

  /**
   * Rows one chunk at a time from a prepared statement, so a large result never sits in memory
   * whole. Errors (preparing, stepping, finalizing) reject the iteration at the caller.
   */
  async *streamQuery<R>(query: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) throw new Error('only select queries can be streamed');
    const stmt = await new Promise<sqlite3.Statement>((resolve, reject) => {
      const prepared: sqlite3.Statement = this.db.prepare(query.sql, query.parameters as unknown[], (err) =>
        err ? reject(err) : resolve(prepared),
      );
    });
    const next = () =>
      new Promise<R | undefined>((resolve, reject) => stmt.get<R>((err, row) => (err ? reject(err) : resolve(row))));
    try {
      let chunk: R[] = [];
      for (let row = await next(); row !== undefined; row = await next()) {
        chunk.push(row);
        if (chunk.length >= chunkSize) {
          yield { rows: chunk };
          chunk = [];
        }
      }
      if (chunk.length > 0) yield { rows: chunk };
    } finally {
      await new Promise<void>((resolve, reject) => stmt.finalize((err) => (err ? reject(err) : resolve())));
    }
  }
}
