/**
 * Express 5 middleware that receives Acadle webhooks.
 *
 * @packageDocumentation
 * @module acadle-webhooks/express
 */
export { createExpressMiddleware, type ExpressMiddlewareOptions } from './create-express-middleware.js';
