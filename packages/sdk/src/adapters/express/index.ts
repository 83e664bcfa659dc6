/**
 * Express 5 middleware that receives Acadle webhooks.
 *
 * @packageDocumentation
 * @module acadle-webhooks/express
 */
export { type AcadleWebhooksOptions, acadleWebhooks } from './acadle-webhooks.js';
