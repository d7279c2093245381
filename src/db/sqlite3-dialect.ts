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
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
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
  #db: sqlite3.Database | undefined;
  #connection: Sqlite3Connection | undefined;

  constructor(private readonly config: Sqlite3DialectConfig) {}

  async init(): Promise<void> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(this.config.file, (err) => (err ? reject(err) : resolve(opened)));
    });
    this.#db = db;
    this.#connection = new Sqlite3Connection(db);
    for (const statement of this.config.onOpen ?? []) {
      await this.#connection.executeQuery(CompiledQuery.raw(statement));
    }
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
    const db = this.#db;
    if (!db) return;
    // Wait for whoever holds the connection, so a close never cuts a transaction in half.
    await this.#mutex.acquire();
    this.#db = undefined;
    this.#connection = undefined;
    this.#mutex.release();
    await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Whether a statement returns rows. Query nodes say so; for raw SQL the text decides, which covers
 * what this project writes raw (pragmas, selects, `returning`).
 */
function returnsRows(query: CompiledQuery): boolean {
  const node = query.query;
  if (SelectQueryNode.is(node)) return true;
  if ('returning' in node && node.returning !== undefined) return true;
  if (RawNode.is(node)) return /^\s*(select|with|pragma|values|explain)\b|\breturning\b/i.test(query.sql);
  return false;
}

class Sqlite3Connection implements DatabaseConnection {
  constructor(private readonly db: sqlite3.Database) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const params = query.parameters as unknown[];
    if (returnsRows(query)) {
      return new Promise((resolve, reject) => {
        this.db.all<R>(query.sql, params, (err, rows) => (err ? reject(err) : resolve({ rows })));
      });
    }
    return new Promise((resolve, reject) => {
      this.db.run(query.sql, params, function (this: sqlite3.RunResult, err) {
        if (err) return reject(err);
        resolve({ rows: [], numAffectedRows: BigInt(this.changes), insertId: BigInt(this.lastID) });
      });
    });
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
