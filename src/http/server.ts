import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { tBoth, type MessageKey } from '../i18n/messages';

/**
 * How long a client may take. Node's own defaults (60 s for the headers, 5 minutes for a whole
 * request, checked every 30 s) let a client that sends a byte now and then hold a connection for
 * minutes; many such clients hold the server. Our requests are small (forms and answers of at most
 * 64 kB), so even a young person on weak Wi-Fi sends one well within these limits.
 */
export interface ServerTimeouts {
  /** From the start of a request (on a new connection: from when it opened) until its headers are complete. */
  readonly headersMs: number;
  /** From the first byte of a request until its body is complete. Not the time to answer it. */
  readonly requestMs: number;
  /** An idle kept-alive connection is closed after this long. */
  readonly keepAliveMs: number;
  /** How often the two limits above are checked. */
  readonly checkEveryMs: number;
}

export const serverTimeouts: ServerTimeouts = { headersMs: 20_000, requestMs: 60_000, keepAliveMs: 5_000, checkEveryMs: 1_000 };

/**
 * A request Node refuses before the app sees it (a malformed request line or header, headers that
 * are too large, a client that is too slow): Node's own answer has a status and no text. Ours says
 * what is wrong in plain words, in both languages, since nothing of the request can be trusted to
 * tell the reader's language.
 */
const REFUSALS: Record<string, { status: number; reason: string; key: MessageKey }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', key: 'v.request-too-large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, reason: 'Content Too Large', key: 'v.request-too-large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', key: 'v.request-too-slow' },
};
const BAD_REQUEST = { status: 400, reason: 'Bad Request', key: 'v.the-request-is-not-valid' } as const;

export function plainRefusal(status: number, reason: string, key: MessageKey): Buffer {
  const body = Buffer.from(`${tBoth(key)}\n`, 'utf8');
  const head = `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function refuseMalformed(error: NodeJS.ErrnoException, socket: Duplex): void {
  // As Node does: answer only when nothing of a response went out on this connection yet, so a
  // half-sent response is never corrupted; a reset connection has no one to answer.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const refusal = REFUSALS[error.code ?? ''] ?? BAD_REQUEST;
  socket.end(plainRefusal(refusal.status, refusal.reason, refusal.key), () => socket.destroy());
}

/** The HTTP server around the app: the limits above, and plain answers to malformed requests. */
export function createHttpServer(app: RequestListener, timeouts: ServerTimeouts = serverTimeouts): Server {
  const listener: RequestListener = (req, res) => {
    // HTTP/1.1 requires a Host header (RFC 9112 §3.2); Node's own refusal of one without it has no text.
    if (req.headers.host === undefined && req.httpVersion === '1.1') {
      const body = Buffer.from(`${tBoth(BAD_REQUEST.key)}\n`, 'utf8');
      res.writeHead(BAD_REQUEST.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store', Connection: 'close' }).end(body);
      return;
    }
    app(req, res);
  };
  const server = createServer(
    { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: timeouts.checkEveryMs, requireHostHeader: false },
    listener,
  );
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.on('clientError', refuseMalformed);
  // An `Expect` we do not know is ignored (RFC 9110 §10.1.1 allows it), not answered with a bare 417.
  server.on('checkExpectation', listener);
  // This is no proxy: a CONNECT gets the same plain refusal, where Node would just hang up.
  server.on('connect', (_req, socket: Duplex) => socket.end(plainRefusal(BAD_REQUEST.status, BAD_REQUEST.reason, BAD_REQUEST.key), () => socket.destroy()));
  return server;
}
