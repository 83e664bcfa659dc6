import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AdapterOptions, receiverFrom } from 'acadle-webhooks';
import { loadOpenTelemetry } from '../../shared/load-open-telemetry.js';
import { DEFAULT_PATH, NOT_FOUND, urlUnderPath } from '../mount-path.js';
import { nodeDecompress } from '../node-decompress.js';

/** Options of the `node:http` adapter: a receiver's options (or a receiver already built) and where it listens. */
export type NodeHandlerOptions = AdapterOptions;

/**
 * A `node:http` request listener that receives Acadle webhooks, or, given `next`, passes on what is
 * not under its path. Resolves `true` when it answered the request.
 */
export type NodeHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<boolean>;

/**
 * Receives Acadle webhooks on a bare `node:http` server (or any framework that hands over Node's
 * request and response, such as Connect or Fastify's `raw`), without Express in the way.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createNodeHandler } from 'acadle-webhooks/node';
 *
 * const handler = createNodeHandler({ queue, auth: { tokens: [process.env.WEBHOOK_TOKEN!] } });
 * createServer(handler).listen(3000);
 * // Acadle endpoint URL: https://example.com/webhooks/acadle/<token>
 * ```
 */
export function createNodeHandler(options: NodeHandlerOptions): NodeHandler {
  loadOpenTelemetry();
  const receiver = receiverFrom(options);
  const path = options.path ?? DEFAULT_PATH;

  return async (request, response, next) => {
    const url = urlUnderPath(request.url ?? '/', path);
    if (url === undefined) {
      if (next) {
        next();
      } else {
        response.writeHead(NOT_FOUND.status, NOT_FOUND.headers).end(NOT_FOUND.body);
      }
      return false;
    }
    // Never rejects: `receiverFrom` answers a broken custom receiver's failure with 503.
    const answer = await receiver.handle({
      method: request.method ?? 'GET',
      url,
      headers: request.headers,
      body: request,
      remoteAddress: request.socket.remoteAddress,
      decompress: nodeDecompress,
    });
    response.writeHead(answer.status, answer.headers).end(answer.body);
    return true;
  };
}
