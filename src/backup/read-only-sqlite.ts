import fs from 'node:fs';
import sqlite3 from 'sqlite3';

/**
 * Reads a SQLite file without changing anything on disk, for the checks that promise to change
 * nothing (`doctor`, `restore`'s "is the target empty?").
 *
 * A read-only connection to a WAL database still creates `-wal` and `-shm` files beside it and
 * cannot remove them again. So when there is no `-wal` file (no process has the database open,
 * and the last one folded the log into the file), the file is complete by itself and is opened
 * `immutable`: no locks, no side files. When a `-wal` exists (the server runs), a plain
 * read-only connection reads through it; its side files are already there.
 */
export class ReadOnlySqlite {
  private constructor(private readonly db: sqlite3.Database) {}

  static open(file: string): Promise<ReadOnlySqlite> {
    if (!fs.existsSync(file)) return Promise.reject(Object.assign(new Error(`${file}: no such file`), { code: 'ENOENT' }));
    const live = fs.existsSync(`${file}-wal`);
    const name = live ? file : `file:${file.replace(/%/g, '%25').replace(/\?/g, '%3f').replace(/#/g, '%23')}?immutable=1`;
    const mode = live ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READONLY | sqlite3.OPEN_URI;
    return new Promise((resolve, reject) => {
      const db: sqlite3.Database = new sqlite3.Database(name, mode, (error) => (error ? reject(error) : resolve(new ReadOnlySqlite(db))));
    });
  }

  all<T>(query: string): Promise<T[]> {
    return new Promise((resolve, reject) => this.db.all(query, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.db.close(() => resolve()));
  }

  /** The tables in the file, SQLite's own left out. */
  async tableNames(): Promise<string[]> {
    return (await this.all<{ name: string }>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by 1")).map((r) => r.name);
  }
}

/** Whether a SQLite file is in WAL mode, from its header (bytes 18 and 19 are 2), without opening it. */
export function sqliteFileUsesWal(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(20);
    return fs.readSync(fd, header, 0, 20, 0) === 20 && header[18] === 2 && header[19] === 2;
  } finally {
    fs.closeSync(fd);
  }
}
