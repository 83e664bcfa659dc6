/**
 * Receives Acadle webhooks on a bare `node:http` server, without a framework.
 *
 * @packageDocumentation
 * @module acadle-webhooks/node
 */
export { createNodeHandler, type NodeHandler, type NodeHandlerOptions } from './create-node-handler.js';
