import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

/**
 * One line per request: method, the matched route pattern (not the URL, which may hold an access
 * code or a query), status and duration. No IP address and no user agent (SPEC §4.1).
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
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
