import { type AdapterOptions, receiverFrom } from 'acadle-webhooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { loadOpenTelemetry } from '../../shared/load-open-telemetry.js';
import { DEFAULT_PATH, urlUnderPath } from '../mount-path.js';
import { nodeDecompress } from '../node-decompress.js';

/** The headers without `content-encoding`, for a body a parser already read and, in doing so, decoded. */
function decodedHeaders(headers: Request['headers']): Request['headers'] {
  const copy = { ...headers };
  delete copy['content-encoding'];
  return copy;
}

/** Options of the Express adapter: a receiver's options (or a receiver already built) and where it listens. */
export type ExpressMiddlewareOptions = AdapterOptions;

/**
 * Express 5 middleware that receives Acadle webhooks at `path` and passes every other request on
 * (`next()`). `path` is matched against the full URL (`originalUrl`), so the middleware works
 * wherever it is mounted. It reads the raw body itself (with the size limit, decoding gzip, deflate
 * and br with `node:zlib`), and also accepts a body that `express.json()`, `express.raw()` or
 * `express.text()` read (and inflated) first.
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
    // Express 5 leaves `body` undefined unless a body parser ran; then the stream is ours to read.
    const parsed = request.body !== undefined;
    // Never rejects: `receiverFrom` answers a broken custom receiver's failure with 503.
    void receiver
      .handle({
        method: request.method,
        url,
        // body-parser inflates gzip and deflate (`inflate: true` by default): what it hands over is decoded.
        headers: parsed ? decodedHeaders(request.headers) : request.headers,
        body: parsed ? request.body : request.readableEnded ? '' : request,
        remoteAddress: request.socket.remoteAddress,
        decompress: nodeDecompress,
      })
      .then((answer) => {
        response.writeHead(answer.status, answer.headers).end(answer.body);
      });
  };
}
