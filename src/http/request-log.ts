import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

/**
 * One line per request: method, the matched route pattern (not the URL, which may hold an access
 * code or a query), status and duration. No IP address and no user agent (SPEC §4.1).
 *
 * Young people's requests (`quiet`) are not logged at all: a log line carries the time, and the
 * times of submissions would tell who answered when (SPEC §4.1, §4.2). Their server errors are
 * still logged by the error handler, without anything from the request.
 */
export function requestLog(logger: Logger, quiet: (path: string) => boolean = () => false): RequestHandler {
  return (req, res, next) => {
    if (quiet(req.path)) return next();
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || 'unmatched';
      logger.info('request', {
        method: req.method,
        route,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      });
    });
    next();
  };
}
