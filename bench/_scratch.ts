import sqlite3 from 'sqlite3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CompiledQuery } from 'kysely';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrator';
import { insertResponse } from '../src/responses/response.repository';
const RS = 'insert into "response" ("id", "round_id", "group_id", "questionnaire_id", "questionnaire_version") values (?, ?, ?, ?, ?)';
const AS = `insert into "response_answer" ("item_id", "value", "response_id") values ${Array(32).fill('(?, ?, ?)').join(', ')}`;
const items = Array.from({ length: 32 }, (_, i) => `i${i}`);
const run = (db: sqlite3.Database | sqlite3.Statement, ...a: any[]) => new Promise<void>((res, rej) => (db as any).run(...a, (e: any) => (e ? rej(e) : res())));
async function time(name: string, n: number, f: () => Promise<void>) { for (let i = 0; i < 300; i++) await f(); const t = performance.now(); for (let i = 0; i < n; i++) await f(); console.log(name.padEnd(30), ((performance.now() - t) * 1000 / n).toFixed(0), 'µs/tx'); }
async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lk-scratch-'));
  const file = path.join(dir, 'x.sqlite');
  for (const f of [file, path.join(dir, 'y.sqlite')]) { const k = openDatabase({ kind: 'sqlite', file: f }); await migrateToLatest(k); await k.destroy(); }
  const db = openDatabase({ kind: 'sqlite', file });
  await db.executeQuery(CompiledQuery.raw('pragma foreign_keys = off')); await db.executeQuery(CompiledQuery.raw('pragma synchronous = off'));
  const raw: sqlite3.Database = await new Promise((res) => { const d: sqlite3.Database = new sqlite3.Database(path.join(dir, 'y.sqlite'), () => res(d)); });
  for (const p of ['journal_mode = wal', 'synchronous = off', 'foreign_keys = off']) await run(raw, `pragma ${p}`);
  const rawParams = () => { const id = randomUUID(); const p: unknown[] = []; for (const it of items) p.push(it, 3, id); return { id, p }; };
  const s1 = raw.prepare(RS), s2 = raw.prepare(AS), b = raw.prepare('begin immediate'), c = raw.prepare('commit');
  for (let rep = 0; rep < 2; rep++) {
    await time('driver (sync off)', 3000, () => db.transaction().execute((trx) => insertResponse(trx, { id: randomUUID(), round_id: 'r', group_id: 'g', questionnaire_id: 'q', questionnaire_version: 1 }, items.map((item_id) => ({ item_id, value: 3 })))));
    await time('driver conn, precompiled', 3000, async () => { const id = randomUUID(); await db.connection().execute(async (c) => { await c.executeQuery(CompiledQuery.raw('begin immediate')); await c.executeQuery(CompiledQuery.raw(RS, [id, 'r', 'g', 'q', 1])); await c.executeQuery(CompiledQuery.raw(AS, rawParams().p.map((x, i) => (i % 3 === 2 ? id : x)))); await c.executeQuery(CompiledQuery.raw('commit')); }); });
    await time('raw db.run (sync off)', 3000, async () => { const { id, p } = rawParams(); await run(raw, 'begin immediate'); await run(raw, RS, [id, 'r', 'g', 'q', 1]); await run(raw, AS, p); await run(raw, 'commit'); });
    await time('raw cached statements', 3000, async () => { const { id, p } = rawParams(); await run(b); await run(s1, [id, 'r', 'g', 'q', 1]); await run(s2, p); await run(c); });
  }
  await db.destroy(); raw.close(); fs.rmSync(dir, { recursive: true });
}
main();
