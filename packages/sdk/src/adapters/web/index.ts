/**
 * Receives Acadle webhooks as a Web `Request` → `Response` handler (Hono and other Fetch API servers).
 *
 * @packageDocumentation
 * @module acadle-webhooks/web
 */
export {
  type ConnectionInfo,
  createFetchHandler,
  type FetchHandler,
  type FetchHandlerOptions,
} from './create-fetch-handler.js';
