import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import type { Database } from '../../src/db/database';
import { messages } from '../../src/i18n/messages';
import { tableNames } from './db';

/**
 * The hostile-input suite's side of the wire: a client that sends exactly the bytes it is given,
 * what every answer must look like, and a snapshot of everything stored.
 */

export interface RawRequest {
  readonly method: string;
  /** The request target as a latin1 string: each character is one byte on the wire, so invalid UTF-8 goes out as it is. */
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  readonly ms: number;
}

/** One request on its own connection (so a broken one cannot disturb the next). */
export function send(port: number, req: RawRequest, timeoutMs = 20_000): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of req.headers) {
      const had = headers[name];
      // Node's client sends one Host only (the raw-HTTP cases send two).
      headers[name] = had === undefined || name.toLowerCase() === 'host' ? value : [had, value].flat();
    }
    const has = (header: string) => req.headers.some(([name]) => name.toLowerCase() === header);
    // Node's client leaves the length out for a GET or HEAD with a body, which makes the body a second request.
    if (req.body !== undefined && !has('content-length') && !has('transfer-encoding')) headers['Content-Length'] = String(req.body.length);
    const hasHost = has('host');
    const r = http.request({ host: '127.0.0.1', port, method: req.method, path: req.target, headers, agent: false, setHost: !hasHost, maxHeaderSize: 1 << 20 }, (res) => {
      // An answer to HEAD has no body; whatever follows it (a refusal of the bytes after it) is not part of it.
      if (req.method === 'HEAD') resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '', ms: Date.now() - started });
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        try {
          const raw = Buffer.concat(chunks);
          const encoding = String(res.headers['content-encoding'] ?? '');
          const body = encoding === 'gzip' ? zlib.gunzipSync(raw) : encoding === 'deflate' ? zlib.inflateSync(raw) : encoding === 'br' ? zlib.brotliDecompressSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: body.toString('utf8'), ms: Date.now() - started });
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** A header value as a client can send it: non-Latin-1 text as its UTF-8 bytes, no control characters. */
export function headerSafe(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1').replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');
}

/** A request in a line, short enough to read in a failure message. */
export function describeRequest(req: RawRequest): string {
  const cut = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  const body = req.body ? ` body=${JSON.stringify(cut(req.body.toString('latin1')))}` : '';
  return `${req.method} ${JSON.stringify(cut(req.target))} headers=${JSON.stringify(req.headers.map(([k, v]) => [k, cut(v, 80)]))}${body}`;
}

// ——— What every answer must look like ———

/** Things a server should never show a client: stack frames, error class names, file paths, SQL. */
const LEAKS: readonly [string, RegExp][] = [
  ['a stack frame', /\n\s+at \S|\bat (?:async )?[\w.$<>]+ \((?:node:|file:|\/)/],
  ['an error class', /\b[A-Z]\w*Error\b|\bError: /],
  ['a file path', /\/work\/|node_modules|\/src\/[\w/-]+\.ts|\.ts:\d+/],
  ['SQL or the database', /SQLITE_|\bsqlite3?\b|\bkysely\b|no such (?:table|column)|syntax error|\binsert into\b|\bdelete from\b|\bselect\s+[\w".*]+(?:\s*,\s*[\w".*]+)*\s+from\s+["\w]/i],
  ['a file outside public/', /"name":\s*"leefklimaat"|root:x:0:0/],
];

type Lang = 'nl' | 'en';

/** Every catalog message as a pattern (its `{placeholders}` match anything). */
const CATALOG: Record<Lang, RegExp[]> = { nl: [], en: [] };
for (const message of Object.values(messages) as Record<Lang, string>[]) {
  for (const lang of ['nl', 'en'] as const) {
    const pattern = message[lang].replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[\\s\\S]+?');
    CATALOG[lang].push(new RegExp(`^${pattern}$`));
  }
}

export function isCatalogMessage(text: string, lang: Lang): boolean {
  return CATALOG[lang].some((pattern) => pattern.test(text.trim()));
}

function decodeEntities(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

/** The messages a refusal page shows: the error page's text, alerts, and the problems beside fields. */
export function pageMessages(html: string): string[] {
  const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
  const found: string[] = [];
  const collect = (re: RegExp, from = main) => {
    for (const m of from.matchAll(re)) found.push(decodeEntities(m[1]!));
  };
  collect(/<p class="error"[^>]*>([\s\S]*?)<\/p>/g);
  for (const alert of main.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/div>/g)) collect(/<p>([\s\S]*?)<\/p>/g, alert[1]);
  collect(/^\s*<h1>[^<]*<\/h1>\s*<p>([\s\S]*?)<\/p>/g);
  for (const list of main.matchAll(/<ul class="problems">([\s\S]*?)<\/ul>/g)) collect(/<li>(?:<code>[\s\S]*?<\/code>: )?([\s\S]*?)<\/li>/g, list[1]);
  return found;
}

/**
 * What is wrong with an answer, as readable lines (none when it is fine): never a 5xx; a refusal
 * says in plain words — from the message catalog, in Dutch unless the request asked for another
 * language — what is wrong, as a page or as JSON; and no answer shows internals or a script it
 * was sent.
 */
export function answerProblems(req: RawRequest, res: RawResponse): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  for (const [what, pattern] of LEAKS) {
    const m = pattern.exec(res.text);
    if (m) problems.push(`shows ${what}: …${res.text.slice(Math.max(0, m.index - 60), m.index + 80)}…`);
  }
  // Redirects stay on this site, however `next` or `return` was written (no open redirect): `//host`
  // and `/\host` are another site to a browser; an escaped `/%2F…` is a path on this one.
  const location = res.headers['location'];
  if (location !== undefined && !/^\/(?![/\\])/.test(location)) problems.push(`redirects off the site: ${JSON.stringify(location)}`);
  const type = String(res.headers['content-type'] ?? '');
  if (type.startsWith('text/html') && /<script>alert|<img src=x onerror/i.test(res.text)) problems.push('echoes a script unescaped');
  if (res.status < 400 || res.status >= 500 || req.method === 'HEAD') return problems;

  const cookie = req.headers.filter(([k]) => k.toLowerCase() === 'cookie').map(([, v]) => v).join(';');
  const langs: Lang[] = /lang/i.test(req.target + cookie) ? ['nl', 'en'] : ['nl'];
  const fromCatalog = (text: string) => langs.some((lang) => isCatalogMessage(text, lang));
  if (res.text.trim() === '') problems.push(`${res.status} without a message`);
  else if (type.startsWith('application/json')) {
    let message: unknown;
    try {
      message = (JSON.parse(res.text) as { error?: { message?: unknown } }).error?.message;
    } catch {
      problems.push(`${res.status} with JSON that does not parse`);
    }
    if (typeof message !== 'string' || !fromCatalog(message)) problems.push(`${res.status} JSON error message is not a catalog message in ${langs.join('/')}: ${JSON.stringify(message)}`);
  } else if (type.startsWith('text/html')) {
    const lang = /<html lang="([^"]*)"/.exec(res.text)?.[1];
    if (!langs.includes(lang as Lang)) problems.push(`${res.status} page in language ${String(lang)}, expected ${langs.join('/')}`);
    const shown = pageMessages(res.text);
    if (!shown.some(fromCatalog)) problems.push(`${res.status} page shows no catalog message in ${langs.join('/')}: ${JSON.stringify(shown)}`);
    if (shown.some((m) => m === '')) problems.push(`${res.status} page shows an empty message`);
  } else if (type.startsWith('text/plain')) {
    // Node-level refusals (src/http/server.ts) do not know the language: both, Dutch first.
    const [nl, en] = res.text.trim().split(' / ');
    if (!nl || !en || !isCatalogMessage(nl, 'nl') || !isCatalogMessage(en, 'en')) problems.push(`${res.status} plain text is not "Dutch / English" from the catalog: ${JSON.stringify(res.text.slice(0, 200))}`);
  } else problems.push(`${res.status} as ${type || 'no content type'}`);
  return problems;
}

/**
 * Sends bytes on a raw connection and says it has no more (so a server waiting for the rest of a
 * request answers now); the answer, if any, before the server closes or `ms` pass.
 */
export function rawExchange(port: number, bytes: Buffer, ms = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => socket.end(bytes));
    let got = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
  });
}

/** Every answer in a raw exchange (pipelined requests get several), each checked like any other. */
export function rawAnswerProblems(target: string, raw: string): string[] {
  const problems: string[] = [];
  for (const answer of raw.split(/(?=HTTP\/1\.1 \d{3} )/).filter((a) => a.startsWith('HTTP/1.1 '))) {
    const [head = '', ...rest] = answer.split('\r\n\r\n');
    const status = Number(head.slice(9, 12));
    const headers = Object.fromEntries(head.split('\r\n').slice(1).map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const chunked = headers['transfer-encoding'] === 'chunked';
    const body = Buffer.from(rest.join('\r\n\r\n'), 'latin1').toString('utf8');
    const text = chunked ? body.replace(/^[0-9a-f]+\r\n|\r\n[0-9a-f]+\r\n/g, '') : body;
    problems.push(...answerProblems({ method: 'GET', target, headers: [] }, { status, headers, text, ms: 0 }));
  }
  return problems;
}

// ——— Everything stored ———

export type StoredState = Map<string, string[]>;

/**
 * Every row of every table (the tables as `tableNames` finds them, on SQLite or PostgreSQL), as
 * sorted JSON lines: a superset of `everyStoredValue`, with numbers and row counts too.
 */
export async function storedState(db: Database): Promise<StoredState> {
  const tables = await tableNames(db);
  // All at once: a pool (PostgreSQL) answers them side by side; SQLite's one connection in turn.
  const rows = await Promise.all(tables.map((table) => db.selectFrom(table as 'institution').selectAll().execute()));
  return new Map(tables.map((table, i) => [table, rows[i]!.map((r) => JSON.stringify(r)).sort()]));
}

export interface TableChange {
  readonly table: string;
  readonly added: string[];
  readonly removed: string[];
}

export function changesBetween(before: StoredState, after: StoredState): TableChange[] {
  const out: TableChange[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(table) ?? [];
    const is = after.get(table) ?? [];
    const wasSet = new Set(was);
    const isSet = new Set(is);
    const added = is.filter((r) => !wasSet.has(r));
    const removed = was.filter((r) => !isSet.has(r));
    if (added.length > 0 || removed.length > 0 || was.length !== is.length) out.push({ table, added, removed });
  }
  return out;
}
