import { type AdapterOptions, receiverFrom } from 'acadle-webhooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { loadOpenTelemetry } from '../../shared/load-open-telemetry.js';
import { DEFAULT_PATH, urlUnderPath } from '../mount-path.js';

/** Options of the Express adapter: a receiver's options (or a receiver already built) and where it listens. */
export type ExpressMiddlewareOptions = AdapterOptions;

/**
 * Express 5 middleware that receives Acadle webhooks at `path` and passes every other request on
 * (`next()`). `path` is matched against the full URL (`originalUrl`), so the middleware works
 * wherever it is mounted. It reads the raw body itself (with the size limit), and also accepts a
 * body that `express.json()`, `express.raw()` or `express.text()` read first.
 *
 * @example
 * ```ts
 * import { createExpressMiddleware } from 'acadle-webhooks/express';
 *
 * app.use(createExpressMiddleware({ queue, auth: { tokens: [process.env.WEBHOOK_TOKEN!] } }));
 * // Acadle endpoint URL: https://example.com/webhooks/acadle/<token>
 * ```
 */
export function createExpressMiddleware(options: ExpressMiddlewareOptions): RequestHandler {
  loadOpenTelemetry();
  const receiver = receiverFrom(options);
  const path = options.path ?? DEFAULT_PATH;
  return (request: Request, response: Response, next: NextFunction) => {
    const url = urlUnderPath(request.originalUrl, path);
    if (url === undefined) {
      next();
      return;
    }
    // Never rejects: `receiverFrom` answers a broken custom receiver's failure with 503.
    void receiver
      .handle({
        method: request.method,
        url,
        headers: request.headers,
        // Express 5 leaves `body` undefined unless a body parser ran; then the stream is ours to read.
        body: request.body !== undefined ? request.body : request.readableEnded ? '' : request,
        remoteAddress: request.socket.remoteAddress,
      })
      .then((answer) => {
        response.writeHead(answer.status, answer.headers).end(answer.body);
      });
  };
}
