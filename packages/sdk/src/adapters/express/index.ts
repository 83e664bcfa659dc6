export { type AcadleWebhooksOptions, acadleWebhooks } from './acadle-webhooks.js';
