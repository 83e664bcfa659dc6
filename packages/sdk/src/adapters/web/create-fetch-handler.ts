import { type AdapterOptions, receiverFrom } from 'acadle-webhooks';
import { DEFAULT_PATH, NOT_FOUND, urlUnderPath } from '../mount-path.js';

/** Options of the Web `Request` adapter: a receiver's options (or a receiver already built) and where it listens. */
export type FetchHandlerOptions = AdapterOptions;

/** What the runtime knows about the connection, which a Web `Request` does not carry. */
export interface ConnectionInfo {
  /** The peer's address, for `allowedIps` and the stored delivery (e.g. Hono's `getConnInfo(c).remote.address`). */
  remoteAddress?: string | undefined;
}

/** A fetch-style handler: takes a Web `Request`, resolves to the `Response` to send. */
export type FetchHandler = (request: Request, connection?: ConnectionInfo) => Promise<Response>;

/**
 * Receives Acadle webhooks as a Web `Request` → `Response` handler, for frameworks built on the
 * Fetch API (Hono, or `Request`-based servers); it uses no Node.js built-ins. Outside `path` it answers 404.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { getConnInfo } from '@hono/node-server/conninfo';
 * import { createFetchHandler } from 'acadle-webhooks/web';
 *
 * const handler = createFetchHandler({ queue, auth: { tokens: [token] } });
 * const app = new Hono();
 * app.all('/webhooks/acadle/*', (c) => handler(c.req.raw, { remoteAddress: getConnInfo(c).remote.address }));
 * ```
 */
export function createFetchHandler(options: FetchHandlerOptions): FetchHandler {
  const receiver = receiverFrom(options);
  const path = options.path ?? DEFAULT_PATH;

  return async (request, connection) => {
    const { pathname, search } = new URL(request.url);
    const url = urlUnderPath(pathname + search, path);
    if (url === undefined) {
      return new Response(NOT_FOUND.body, { status: NOT_FOUND.status, headers: NOT_FOUND.headers });
    }
    // Never rejects: `receiverFrom` answers a broken custom receiver's failure with 503.
    const answer = await receiver.handle({
      method: request.method,
      url,
      headers: Object.fromEntries(request.headers),
      // The stream itself, so that the receiver reads it only once authenticated, within its size limit.
      body: request.body ?? '',
      remoteAddress: connection?.remoteAddress,
    });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
