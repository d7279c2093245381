import type { Express } from 'express';
import fc from 'fast-check';

/**
 * Generators for the hostile-input suite: what a careless, curious or malicious client may send.
 * Real ids appear as placeholders (`⟦group0⟧`) that the suite fills in when it sends a request, so
 * a generated case stays meaningful after the suite rebuilds its world (with new ids) — and a
 * shrunk counterexample still names which kind of id it used.
 */

export interface Route {
  readonly method: string;
  readonly path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method + path the app routes, read from Express's own router (nested routers included). */
export function routesOf(app: Express): Route[] {
  const found = new Map<string, Route>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const path of [layer.route.path].flat()) {
          for (const method of Object.keys(layer.route.methods)) found.set(`${method.toUpperCase()} ${path}`, { method: method.toUpperCase(), path });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...found.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, route]) => route);
}

export const routeKey = (route: Route) => `${route.method} ${route.path}`;

/** A value as a form or JSON may carry it. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Pairs = [string, Value][];

/** Ids the suite fills in; every one of them is a real row of the world. */
export const ID_NAMES = ['group0', 'group1', 'location0', 'location1', 'municipality', 'round', 'closedRound', 'report', 'groupReport', 'sheet', 'action', 'talkRequest', 'administrator', 'manager', 'groupLeader', 'viewer'] as const;
export type IdName = (typeof ID_NAMES)[number];
export const ref = (name: IdName | 'code' | 'usedCode' | 'email' | 'submissionId') => `⟦${name}⟧`;

/** Strings that have broken servers before. None holds a word the leak check looks for. */
export const NASTY = [
  '', ' ', '\t\r\n', '0', '-1', '1.5', '-0', '1e309', 'NaN', 'Infinity', '0x1F', '9007199254740993', '٣', '１２', '08',
  'true', 'null', 'undefined', '[]', '{}', '[object Object]', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  '../../etc/passwd', '..\\..\\windows\\win.ini', '/etc/passwd', '....//....//etc/passwd', 'a\u0000b', '\u0000', '%00', '%ff', '%', '%zz',
  "' OR '1'='1", '1; DROP TABLE response; --', '" OR ""="', "%' --", "admin'--", '1 UNION ALL SELECT 1, 2 --',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)", '{{constructor.constructor("alert(1)")()}}', '${7*7}', '%s%s%s%n',
  '\u202eevil', 'a\u200bb', '\ufeff', 'e\u0301', '😀', '👨‍👩‍👧‍👦', 'ﷺ', 'مرحبا', 'שלום', '\ud800', 'x\udfffy', '\u2028', '\u0085',
  '2026-02-30', '2026-13-01', '0000-00-00', '+275760-09-13', '2026-11-01T00:00:00Z', '01-11-2026', '2026-1-1', ' 2026-11-01', '2026-11-01\n',
  'x@y', '@', `${'a'.repeat(300)}@test.nl`, 'ADMIN@TEST.NL', 'a@b.c\u0000',
  'error.internal', 'v.required', 's.busy', '{seconds}', '{name}', 'on', 'off', 'nl', 'en', 'ar', 'xx-YY',
  '//evil.example', '/\\evil.example', 'https://evil.example/', '/%2F%2Fevil.example', '/\t/evil.example', '/\n/evil.example', '\\\\evil.example',
] as const;

/** Values that pass some checks: real ids, and what the forms expect in the right places. */
export const PLAUSIBLE = [
  ...ID_NAMES.map((n) => ref(n)),
  ref('code'), ref('usedCode'), ref('email'), ref('submissionId'),
  'on', '1', '3', '4', '6', '8', '12', '40', 'lk-jeugd', 'lk-kind', 'nl', 'en', 'asc', 'desc', 'location', 'group', 'responses', 'scale:support',
  '2026-11-01', '2026-11-30', '2027-01-01', '2027-06-30', '2027-H1', '2026-H2', 'administrator', 'manager', 'group_leader', 'municipality_viewer',
  'Nieuwe naam', 'een lang wachtwoord', '1234', 'nieuw@test.nl', '/staff', '/groups/x/results',
] as const;

const huge = fc
  .tuple(fc.constantFrom('x', 'é', '😀', '<', '%', '\u0000', 'a b'), fc.integer({ min: 1_000, max: 20_000 }))
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)));

/** One hostile string: a known nasty, random code points (lone surrogates included), or very long. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY), fc.constantFrom(...PLAUSIBLE)).map(([a, b]) => `${b}${a}`) },
);

const scalar: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Value>(...PLAUSIBLE) },
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom<Value>(-1, 0, 1.5, 3, 2 ** 53 + 2, -1e308, 1e-320, true, false, null) },
);

/** Prototype pollution and other keys an object must not trust. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', '__proto__[admin]', 'constructor[prototype][admin]', 'a[b][c]', '', '_csrf', 'id', 'role', 'institutionId', 'toString'] as const;

/** A field's value: a scalar, an array where one value is expected, or an object. */
export const fieldValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 8, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 6 })), scalar, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Value> },
);

type Mutation = { kind: 'set'; key: string; value: Value } | { kind: 'delete'; key: string } | { kind: 'add'; key: string; value: Value };

function mutation(keys: readonly string[]): fc.Arbitrary<Mutation> {
  const key = keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('name');
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: fieldValue }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS, ...keys), hostileText.filter((k) => k.length < 200)), value: fieldValue }) },
  );
}

function applyMutations(template: Pairs, mutations: readonly Mutation[]): Pairs {
  let pairs: Pairs = template.map(([k, v]) => [k, v]);
  for (const m of mutations) {
    if (m.kind === 'delete') pairs = pairs.filter(([k]) => k !== m.key);
    else if (m.kind === 'add') pairs.push([m.key, m.value]);
    else pairs = pairs.some(([k]) => k === m.key) ? pairs.map(([k, v]) => [k, k === m.key ? m.value : v]) : [...pairs, [m.key, m.value]];
  }
  return pairs;
}

/**
 * Pairs shaped like a route's form: its own fields (from a valid template) with one to three
 * changed, removed or added — so most cases get past the first check and reach the deeper ones.
 * Or, for a route without a template, every known field with a random value.
 */
export function formPairs(template: Pairs | undefined, fallbackFields: readonly string[]): fc.Arbitrary<Pairs> {
  if (template) {
    const keys = template.map(([k]) => k);
    return fc.array(mutation(keys), { minLength: 1, maxLength: 3 }).map((ms) => applyMutations(template, ms));
  }
  return fc
    .tuple(fc.subarray([...fallbackFields], { maxLength: 6 }), fc.array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS), fieldValue), { maxLength: 2 }))
    .chain(([fields, extra]) => fc.tuple(...fields.map(() => fieldValue)).map((values) => [...fields.map((f, i): [string, Value] => [f, values[i]!]), ...extra]));
}

/** The same answers object the survey page sends, with some answers made hostile. */
export function hostileAnswers(itemIds: readonly string[]): fc.Arbitrary<Value> {
  return fc
    .tuple(fc.dictionary(fc.constantFrom(...itemIds), fieldValue, { maxKeys: 4 }), fc.array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS), fieldValue), { maxLength: 2 }))
    .map(([changed, extra]) => {
      const answers: { [k: string]: Value } = Object.fromEntries(itemIds.map((id) => [id, 3]));
      for (const [k, v] of Object.entries(changed)) answers[k] = v;
      for (const [k, v] of extra) Object.defineProperty(answers, k, { value: v, enumerable: true, configurable: true, writable: true });
      return answers;
    });
}

// ——— Encodings ———

/**
 * Percent-encodes a string as UTF-8 (a lone surrogate becomes U+FFFD, as a browser sends it);
 * placeholders stay as they are, to be filled in with ids (which need no encoding).
 */
export function enc(text: string): string {
  const bytes = (part: string) => [...Buffer.from(part, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  return text
    .split(/(⟦\w+⟧)/)
    .map((part, i) => (i % 2 === 1 ? part : bytes(part)))
    .join('');
}

/** `a=1&a=2&b[c]=3`: arrays repeat the key, objects nest with brackets (this app's parser keeps `b[c]` as a plain name). */
export function formEncode(pairs: Pairs): string {
  const out: string[] = [];
  const put = (key: string, value: Value) => {
    if (Array.isArray(value)) for (const v of value) put(key, v);
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) put(`${key}[${k}]`, v);
    else out.push(`${enc(key)}=${enc(String(value))}`);
  };
  for (const [k, v] of pairs) put(k, v);
  return out.join('&');
}

/** JSON text that keeps duplicate keys and `__proto__` as keys, which an object literal would not. */
export function jsonEncode(pairs: Pairs): string {
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;
}

/** A path segment for a `:param`: a real id, or something that is not one. */
export const paramSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ID_NAMES.map((n) => ref(n))) },
  { weight: 3, arbitrary: hostileText.map(enc).filter((segment) => segment.length < 4_000) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('..', '.', '%2e%2e', '..%2f..%2f..%2fetc%2fpasswd', '%00', '%ff', '%c3%28', '%', '%zz', '%E0%A4%A', 'a'.repeat(5000), '%F0%9F%98%80', '%E2%80%AE', '%27%20OR%201%3D1--', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'null', '__proto__', 'constructor', '-1', '1e999', '\xff\xfe', '\xc3\x28', '%ED%A0%80'),
  },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')) },
);

/**
 * The ids a route's `:param` is meant to take, so that many cases reach the route's deeper checks
 * (a route added later, or a param not listed, gets any id or a hostile value).
 */
export function rightIds(path: string, param: string): string[] {
  if (param === 'sheetId') return [ref('sheet')];
  if (param === 'actionId') return [ref('action')];
  if (param === 'format') return ['pdf', 'json', 'csv'];
  const byPrefix: Record<string, string[]> = {
    '/rounds': [ref('round'), ref('closedRound')],
    '/groups': [ref('group0'), ref('group1')],
    '/api/results/groups': [ref('group0'), ref('group1')],
    '/organisation/groups': [ref('group0'), ref('group1')],
    '/organisation/locations': [ref('location0'), ref('location1')],
    '/organisation/municipalities': [ref('municipality')],
    '/users': [ref('administrator'), ref('manager'), ref('groupLeader'), ref('viewer')],
    '/reports': [ref('report'), ref('groupReport')],
    '/talk-requests': [ref('talkRequest')],
  };
  return byPrefix[path.slice(0, path.indexOf('/:'))] ?? [];
}

/** Values for a route's params: mostly the right kind of id, else any id or a hostile value. */
export function paramsFor(path: string): fc.Arbitrary<string[]> {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return fc.tuple(
    ...names.map((name) => {
      const right = rightIds(path, name);
      return right.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...right) }, { weight: 2, arbitrary: paramSegment }) : paramSegment;
    }),
  );
}

/** Query fields the routes read, and some they do not. */
export const QUERY_KEYS = ['round', 'location', 'questionnaire', 'sort', 'dir', 'lang', 'page', 'made', 'next', 'saved', 'fresh', 'voided', 'format', 'a[b][c]', '__proto__', 'constructor[prototype][x]', 'a', ''] as const;

/** `?…`: repeated keys, bracket nesting, raw broken escapes, invalid UTF-8, or very long. */
export const queryString: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.oneof(fc.constantFrom(...PLAUSIBLE), hostileText.filter((t) => t.length < 3000))), { minLength: 1, maxLength: 6 })
      .map((pairs) => `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('?%', '?%zz=1', '?a=%ff%fe', '?&&&==&', '?lang=\xff', '?round[]=1&round[]=2', '?sort=scale:', '?page=-1e9', '?page=99999999999', '?dir=asc&dir=desc', '?a=1&a=2&a=3', `?x=${'y'.repeat(12_000)}`) },
);
