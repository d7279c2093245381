import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { headerSafe, type RawRequest } from './hostile-http';
import { formEncode, formPairs, hostileAnswers, hostileText, jsonEncode, paramsFor, queryString, rightIds, ref, routeKey, type Pairs, type Route, type Value } from './hostile';
import { PASSWORD, fill, type Caller, type World } from './hostile-world';

/**
 * The hostile-input suite's cases: for a route and a caller, what they send — built from each
 * form's valid body with a few fields made hostile, or from nothing at all — and the more special
 * material: bytes that are not UTF-8, hostile headers, bodies beyond the limits, malformed HTTP.
 */

// ——— Valid bodies, from which most cases differ in one to three fields ———

const T = (...pairs: Pairs) => pairs;
const group = T(['name', 'Nieuwe groep'], ['locationId', ref('location0')], ['places', '8'], ['questionnaireId', 'lk-jeugd'], ['active', 'on']);
const municipality = T(['name', 'Gemeente Nieuw'], ['locationIds', [ref('location0'), ref('location1')]], ['reportEveryMonths', '6'], ['reportLanguage', 'nl']);
const user = T(['displayName', 'Nieuw'], ['email', 'nieuw@test.nl'], ['role', 'group_leader'], ['active', 'on'], ['groupIds', [ref('group0')]], ['municipalityId', ''], ['password', PASSWORD]);

export const TEMPLATES: Record<string, Pairs> = {
  'POST /login': T(['email', ref('email')], ['password', 'verkeerd wachtwoord'], ['next', '/staff']),
  'POST /logout': T(),
  'POST /setup/:token': T(['institution', 'Stichting'], ['displayName', 'Beheer'], ['email', 'nieuw@test.nl'], ['password', PASSWORD]),
  'POST /account/password': T(['currentPassword', 'verkeerd wachtwoord'], ['newPassword', 'een nieuw lang wachtwoord']),
  'POST /account/pin': T(['pin', '1234']),
  'POST /organisation/cadence': T(['cadenceMonths', '6']),
  'POST /organisation/locations': T(['name', 'Nieuwe locatie']),
  'POST /organisation/locations/:id': T(['name', 'Nieuwe locatie']),
  'POST /organisation/groups': group,
  'POST /organisation/groups/:id': group,
  'POST /organisation/municipalities': municipality,
  'POST /organisation/municipalities/:id': municipality,
  'POST /organisation/help': T(['name_0', 'Vertrouwenspersoon'], ['contact_0', '010-1234567'], ['textNl_0', 'Bel gerust'], ['textEn_0', 'Call any time'], ['name_19', ''], ['textNl_20', 'x']),
  'POST /rounds': T(['period', '2027-H1'], ['opensOn', '2027-01-01'], ['closesOn', '2027-06-30']),
  'POST /rounds/:id/dates': T(['opensOn', '2026-11-01'], ['closesOn', '2026-12-15']),
  'POST /rounds/:id/open': T(),
  'POST /rounds/:id/close': T(),
  'POST /rounds/:id/codes': T(['groupId', ref('group0')], ['spares', '3']),
  'POST /rounds/:id/codes/:sheetId/void': T(),
  'POST /users': user,
  'POST /users/:id': user,
  'POST /code': T(['code', ref('code')]),
  'POST /survey/talk': T(),
  'POST /tablet/start': T(['groupId', ref('group0')]),
  'POST /tablet/leave': T(['email', ref('email')], ['password', 'verkeerd wachtwoord'], ['pin', '1234']),
  'POST /talk-requests/:id/handled': T(['return', `/groups/${ref('group0')}/results`]),
  'POST /groups/:id/actions': T(['roundId', ref('closedRound')], ['text', 'We praten er samen over']),
  'POST /groups/:id/actions/:actionId': T(['text', 'Aangepast']),
  'POST /reports/period': T(['from', '2026-01-01'], ['to', '2026-12-31'], ['municipalityId', ref('municipality')], ['language', 'nl']),
};
/** For a route added later without a template: every field name the forms use. */
const ALL_FIELDS = [...new Set(Object.values(TEMPLATES).flatMap((pairs) => pairs.map(([k]) => k)))];

// ——— One case: a route, a caller and what they send ———

export type Body = { kind: 'form' | 'json'; pairs: Pairs } | { kind: 'raw'; text: string } | { kind: 'bytes'; bytes: Uint8Array };
export type Csrf = 'right' | 'none' | 'wrong' | 'twice' | 'another';
export interface Case {
  readonly route: Route;
  readonly caller: Caller;
  readonly method: string;
  readonly params: readonly string[];
  readonly query: string;
  readonly body: Body | undefined;
  /** 'match' sends the type the body is in; anything else is sent as it is ('' for none). */
  readonly contentType: string;
  readonly csrf: Csrf;
  readonly accept: string;
  /** More headers; a Cookie here is sent as a second Cookie line, a Host instead of the real one. */
  readonly headers: readonly (readonly [string, string])[];
}

const CONTENT_TYPES = ['', 'text/plain', 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/x-www-form-urlencoded; charset=utf-16', 'application/json;;;', '*/*', 'application/json, application/x-www-form-urlencoded', 'APPLICATION/JSON', 'application/vnd.api+json', 'text/html', 'application/x-www-form-urlencoded; charset=iso-8859-1'] as const;
const ACCEPTS = ['text/html', 'application/json', '*/*', '', 'image/png', 'text/html;q=0, application/json;q=abc', 'application/json, text/html', ';;;,,'] as const;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;

/** The questionnaire the survey's cases answer: its item and open-question ids. */
export interface Shape {
  readonly itemIds: readonly string[];
  readonly openIds: readonly string[];
}

export function surveyShape(world: World): Shape {
  const q = world.ctx.questionnaires.get('lk-jeugd', 1)!;
  return { itemIds: q.items.map((i) => i.id), openIds: q.openQuestions.map((o) => o.id) };
}

function submission(shape: Shape, answers: Value): Pairs {
  return [['submissionId', ref('submissionId')], ['roundId', ref('round')], ['groupId', ref('group0')], ['answers', answers], ['open', Object.fromEntries(shape.openIds.map((id) => [id, 'Het is hier fijn']))]];
}

const allThrees = (shape: Shape) => Object.fromEntries(shape.itemIds.map((id) => [id, 3]));

/** A body for a route: shaped like its form (as a form or as JSON), fully random, or none. */
function bodyFor(route: Route, shape: Shape): fc.Arbitrary<Body | undefined> {
  const key = routeKey(route);
  const shaped: fc.Arbitrary<Pairs>[] = [formPairs(TEMPLATES[key], ALL_FIELDS)];
  if (key === 'POST /survey/submit') {
    const valid = submission(shape, allThrees(shape));
    shaped.splice(0, 1, formPairs(valid, []), hostileAnswers(shape.itemIds).map((answers) => submission(shape, answers)));
    // The form a browser without JavaScript posts: `a:<item>` and `o:<question>` fields.
    const noScript = [...valid.filter(([k]) => k !== 'answers' && k !== 'open'), ...shape.itemIds.map((id): [string, Value] => [`a:${id}`, '3']), ...shape.openIds.map((id): [string, Value] => [`o:${id}`, 'fijn'])];
    shaped.push(formPairs(noScript, []));
  }
  const pairs = fc.oneof(...shaped);
  const random = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v): Body => ({ kind: 'raw', text: JSON.stringify(v) })),
    fc.string({ unit: 'binary', maxLength: 200 }).map((text): Body => ({ kind: 'raw', text })),
    fc.uint8Array({ maxLength: 300 }).map((bytes): Body => ({ kind: 'bytes', bytes })),
  );
  const isGet = route.method === 'GET';
  return fc.oneof(
    { weight: isGet ? 1 : 6, arbitrary: pairs.map((p): Body => ({ kind: 'form', pairs: p })) },
    { weight: isGet ? 1 : 3, arbitrary: pairs.map((p): Body => ({ kind: 'json', pairs: p })) },
    { weight: 1, arbitrary: random },
    { weight: isGet ? 8 : 1, arbitrary: fc.constant(undefined) },
  );
}

export function caseFor(route: Route, caller: fc.Arbitrary<Caller>, shape: Shape, headers: fc.Arbitrary<(readonly [string, string])[]> = fc.constant([])): fc.Arbitrary<Case> {
  return fc.record({
    route: fc.constant(route),
    caller,
    method: fc.oneof({ weight: 12, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    params: paramsFor(route.path),
    query: queryString,
    body: bodyFor(route, shape),
    contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('match') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
    csrf: fc.oneof({ weight: 10, arbitrary: fc.constant<Csrf>('right') }, { weight: 1, arbitrary: fc.constantFrom<Csrf>('none', 'wrong', 'twice', 'another') }),
    accept: fc.constantFrom(...ACCEPTS),
    headers,
  });
}

/**
 * The first case of every route and caller: the route's own form with its first field left empty,
 * the right ids, a valid token — what reaches the route's own checks whenever the caller may use it.
 */
export function firstCase(route: Route, caller: Caller, shape: Shape): Case {
  const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const template = routeKey(route) === 'POST /survey/submit' ? submission(shape, allThrees(shape)) : TEMPLATES[routeKey(route)];
  const pairs: Pairs | undefined = template?.map(([k, v], i): [string, Value] => [k, i === 0 ? '' : v]);
  return {
    route,
    caller,
    method: route.method,
    params: names.map((name) => rightIds(route.path, name)[0] ?? 'no-such-id'),
    query: '',
    body: pairs && { kind: routeKey(route) === 'POST /survey/submit' ? 'json' : 'form', pairs },
    contentType: 'match',
    csrf: 'right',
    accept: 'text/html',
    headers: [],
  };
}

export function requestFor(world: World, c: Case): RawRequest {
  let i = 0;
  const path = c.route.path.replace(/:\w+/g, () => c.params[i++] ?? ref('group0'));
  const who = world.callers[c.caller];
  const token = { right: who.csrf, none: undefined, wrong: 'not-the-token', twice: who.csrf, another: world.callers.manager.csrf === who.csrf ? world.callers.administrator.csrf : world.callers.manager.csrf }[c.csrf];
  const headers: [string, string][] = [['Cookie', who.cookie], ...c.headers.map(([k, v]): [string, string] => [k, fill(world, v)])];
  if (c.accept && !c.headers.some(([k]) => k === 'Accept')) headers.push(['Accept', c.accept]);
  let body: Buffer | undefined;
  let type = '';
  if (c.body?.kind === 'form') {
    const csrf: Pairs = token === undefined ? [] : c.csrf === 'twice' ? [['_csrf', token], ['_csrf', token]] : [['_csrf', token]];
    body = Buffer.from(fill(world, formEncode([...csrf, ...c.body.pairs])), 'utf8');
    type = 'application/x-www-form-urlencoded';
  } else if (c.body?.kind === 'json') {
    body = Buffer.from(fill(world, jsonEncode(c.body.pairs)), 'utf8');
    type = 'application/json';
  } else if (c.body?.kind === 'raw') {
    body = Buffer.from(fill(world, c.body.text), 'utf8');
    type = 'application/json';
  } else if (c.body?.kind === 'bytes') {
    body = Buffer.from(c.body.bytes);
    type = 'application/octet-stream';
  }
  // A script sends its token in a header; a form in a field (and sometimes also the header).
  if (token !== undefined && (c.body?.kind !== 'form' || c.csrf === 'twice')) headers.push(['X-CSRF-Token', token]);
  const contentType = c.contentType === 'match' ? type : c.contentType;
  if (body !== undefined && contentType) headers.push(['Content-Type', contentType]);
  return { method: c.method, target: fill(world, path + c.query), headers, body };
}

// ——— More hostile material: encodings, headers, sizes, raw HTTP ———

/** Byte sequences that are not UTF-8: stray continuation bytes, overlong forms, surrogates, a NUL, a BOM. */
export const NOT_UTF8 = [[0xff], [0xfe, 0xff], [0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0xbc], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00], [0xef, 0xbb, 0xbf]].map((b) => Buffer.from(b));
export const PLACES = ['form body', 'form body, escaped', 'JSON string', 'query, escaped', 'query, raw', 'path, escaped', 'path, raw', 'cookie', 'UTF-16 JSON', 'gzip junk', 'gzip form', 'deflate junk', 'unknown encoding'] as const;

export function withBadBytes(w: World, c: Case, place: (typeof PLACES)[number], bad: Buffer): RawRequest {
  const req = requestFor(w, { ...c, body: undefined });
  const who = w.callers[c.caller];
  const escaped = [...bad].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  const latin1 = bad.toString('latin1');
  const field = TEMPLATES[routeKey(c.route)]?.[0]?.[0] ?? 'name';
  const form = (value: Buffer) => Buffer.concat([Buffer.from(`_csrf=${who.csrf}&${field}=`), value, Buffer.from('x')]);
  const typed = (type: string, body: Buffer, more: [string, string][] = []) => ({ ...req, headers: [...req.headers.filter(([k]) => k !== 'Content-Type'), ['Content-Type', type], ['X-CSRF-Token', who.csrf], ...more] as [string, string][], body });
  const urlencoded = 'application/x-www-form-urlencoded';
  switch (place) {
    case 'form body':
      return typed(urlencoded, form(bad));
    case 'form body, escaped':
      return typed(urlencoded, form(Buffer.from(escaped)));
    case 'JSON string':
      return typed('application/json', Buffer.concat([Buffer.from(`{"${field}":"`), bad, Buffer.from('"}')]));
    case 'query, escaped':
      return { ...req, target: `${req.target}${req.target.includes('?') ? '&' : '?'}lang=${escaped}&round=${escaped}` };
    case 'query, raw':
      return { ...req, target: `${req.target}${req.target.includes('?') ? '&' : '?'}round=${latin1.replace(/[\x00-\x20]/g, '')}x` };
    case 'path, escaped':
      return { ...req, target: `${req.target.split('?')[0]}${escaped}` };
    case 'path, raw':
      return { ...req, target: `${req.target.split('?')[0]}${latin1.replace(/[\x00-\x20]/g, '')}x` };
    case 'cookie':
      return { ...req, headers: [...req.headers, ['Cookie', headerSafe(`lk_session=${latin1}; lk_lang=${latin1}; lk_survey_lang=${latin1}`)]] };
    case 'UTF-16 JSON':
      return typed('application/json; charset=utf-16', Buffer.from(`\ufeff{"${field}":"${latin1}"}`, 'utf16le'));
    case 'gzip junk':
      return typed(urlencoded, Buffer.concat([Buffer.from([0x1f, 0x8b]), bad]), [['Content-Encoding', 'gzip']]);
    case 'gzip form':
      return typed(urlencoded, gzipSync(form(bad)), [['Content-Encoding', 'gzip']]);
    case 'deflate junk':
      return typed(urlencoded, form(bad), [['Content-Encoding', 'deflate']]);
    case 'unknown encoding':
      return typed(urlencoded, form(bad), [['Content-Encoding', 'x-hostile']]);
  }
}

const hostileValue = hostileText.filter((v) => v.length < 3_000).map(headerSafe);
/** Headers a client may send with any request: garbage, huge, contradictory, or bent on a download. */
export const hostileHeader: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constant('Accept-Language'), fc.oneof(hostileValue, fc.constantFrom('*;q=abc', 'nl-NL;q=2, en;q=-1', ',,,;;;', 'x'.repeat(4_000)))),
  fc.tuple(fc.constant('Cookie'), fc.oneof(
    fc.constantFrom('lk_session=%E0%A4%A', 'lk_session=a; lk_session=b', 'lk_session="quoted"', '=;;=;', 'lk_csrf=', 'lk_lang=en; lk_lang=nl', 'lk_tablet=x; lk_code=y.z; lk_done=a.b.c', '__proto__=x; constructor=y', `many=${'c=d; '.repeat(1_000)}`, `lk_session=${'a'.repeat(10_000)}`),
    hostileValue.map((v) => `lk_session=${v}; lk_code=${v}`),
  )),
  fc.tuple(fc.constant('Host'), fc.constantFrom('', 'evil.example', 'a'.repeat(1_000), '[::1', 'localhost:99999', '127.0.0.1:3000 evil', '\xff\xfe', '<script>alert(1)</script>', 'localhost/..', '@evil.example')),
  fc.tuple(fc.constantFrom('X-Forwarded-For', 'X-Real-IP', 'Forwarded'), fc.oneof(hostileValue, fc.constantFrom('1.2.3.4, junk', 'unknown', '::ffff:300.1.1.1', '1.1.1.1,'.repeat(500), 'for=_hidden;proto=javascript'))),
  fc.tuple(fc.constantFrom('X-Forwarded-Proto', 'X-Forwarded-Host'), fc.constantFrom('javascript', 'https, http', 'evil.example', '')),
  fc.tuple(fc.constant('Range'), fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=99999999-', 'bytes=a-b', 'bytes=5-1', 'items=0-5', `bytes=${'0-1,'.repeat(500)}`, 'bytes=0-0,-1')),
  fc.tuple(fc.constantFrom('If-Range', 'If-None-Match', 'If-Match', 'If-Modified-Since', 'If-Unmodified-Since'), fc.constantFrom('*', '"x"', 'W/"', 'yesterday', 'Thu, 01 Jan 1970 00:00:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT')),
  fc.tuple(fc.constant('Accept-Encoding'), fc.constantFrom('gzip;q=abc, br;q=2, *;q=0', 'identity;q=0', 'x'.repeat(2_000), 'gzip, gzip, gzip', 'compress, zstd')),
  fc.tuple(fc.constant('Accept'), fc.constantFrom('application/json;q=0', 'text/*, */*;q=0', 'x/y; a="b', 'text/html'.repeat(300))),
  fc.tuple(fc.constant('Expect'), fc.constantFrom('junk', '100-continue')),
  fc.tuple(fc.constantFrom('Origin', 'Referer'), fc.constantFrom('null', 'http://evil.example', 'javascript:alert(1)', '')),
  fc.tuple(fc.constantFrom('User-Agent', 'Authorization', 'X-HTTP-Method-Override', 'X-Requested-With', 'X-Original-URL', 'X-Rewrite-URL'), fc.oneof(hostileValue, fc.constantFrom('DELETE', '/users', 'Basic YWRtaW46YWRtaW4=', 'Bearer <script>'))),
  fc.tuple(fc.constantFrom('Connection', 'Upgrade'), fc.constantFrom('Upgrade', 'websocket', 'h2c', 'keep-alive, close', 'TE')),
  fc.tuple(fc.constant('X-CSRF-Token'), fc.oneof(hostileValue, fc.constant('x'.repeat(8_000)))),
);

/** Bodies beyond the limits, or within them but made to hurt a parser. */
export const SIZES = ['10,000-deep JSON arrays', '10,000-deep JSON objects', 'deep object in a field', 'flat JSON just under the limit', 'flat JSON over the limit', '1 MB form', '1 MB JSON', '201 form fields', 'one 60 kB field', 'gzip bomb', '12 kB query', 'headers over 16 kB'] as const;

export function sized(req: RawRequest, size: (typeof SIZES)[number], csrf: string): RawRequest {
  const json = (text: string) => ({ ...req, headers: [...req.headers.filter(([k]) => k !== 'Content-Type'), ['Content-Type', 'application/json'], ['X-CSRF-Token', csrf]] as [string, string][], body: Buffer.from(text) });
  const form = (body: Buffer, more: [string, string][] = []) => ({ ...req, headers: [...req.headers.filter(([k]) => k !== 'Content-Type'), ['Content-Type', 'application/x-www-form-urlencoded'], ...more] as [string, string][], body });
  const flat = (keys: number) => `{${Array.from({ length: keys }, (_, i) => `"k${i}":"${'v'.repeat(8)}"`).join(',')}}`;
  switch (size) {
    case '10,000-deep JSON arrays':
      return json(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    case '10,000-deep JSON objects':
      return json(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
    case 'deep object in a field':
      return json(`{"name":${'{"a":'.repeat(5_000)}"x"${'}'.repeat(5_000)},"answers":${'['.repeat(5_000)}${']'.repeat(5_000)}}`);
    case 'flat JSON just under the limit':
      return json(flat(3_200));
    case 'flat JSON over the limit':
      return json(flat(4_000));
    case '1 MB form':
      return form(Buffer.from(`_csrf=${csrf}&name=${'x'.repeat(1 << 20)}`));
    case '1 MB JSON':
      return json(`{"name":"${'x'.repeat(1 << 20)}"}`);
    case '201 form fields':
      return form(Buffer.from(`_csrf=${csrf}&${Array.from({ length: 201 }, (_, i) => `f${i}=1`).join('&')}`));
    case 'one 60 kB field':
      return form(Buffer.from(`_csrf=${csrf}&name=${'y'.repeat(60_000)}`));
    case 'gzip bomb':
      return form(gzipSync(Buffer.from(`_csrf=${csrf}&name=${'0'.repeat(10 << 20)}`)), [['Content-Encoding', 'gzip']]);
    case '12 kB query':
      return { ...req, target: `${req.target}${req.target.includes('?') ? '&' : '?'}round=${'r'.repeat(12_000)}` };
    case 'headers over 16 kB':
      return { ...req, headers: [...req.headers, ['X-Padding', 'p'.repeat(9_000)], ['X-More-Padding', 'p'.repeat(9_000)]] };
  }
}

/** Requests Node's parser sees first: broken framing, smuggling attempts, other protocols. */
export const RAW_REQUESTS = [
  'GET / HTTP/1.1\r\n\r\n',
  'GET /healthz HTTP/1.1\nHost: x\n\n',
  'GET /\r\n\r\n',
  'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
  'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
  'FOO / HTTP/1.1\r\nHost: x\r\n\r\n',
  `${'G'.repeat(20_000)} / HTTP/1.1\r\nHost: x\r\n\r\n`,
  'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET http://evil.example/staff HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n',
  'GET / HTTP/1.1\r\nHost : x\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n',
  'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef',
  'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
  'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n',
  'POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
  `POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;${'e'.repeat(20_000)}\r\na\r\n0\r\n\r\n`,
  'POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
  'POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /staff HTTP/1.1\r\nHost: x\r\n\r\n',
  '\r\n\r\n\r\n',
  '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03',
];

