import { createNodeHandler, type NodeHandler } from 'acadle-webhooks/node';
import type { Logger } from 'pino';
import type { AcademyTokens } from './academies.js';
import type { Metrics } from './metrics.js';
import type { QueueBackend } from './queue-backend.js';

/** Where Acadle posts: the endpoint URL is `<PUBLIC_URL>/webhooks/acadle/<token>`. */
export const WEBHOOK_PATH = '/webhooks/acadle';

/**
 * The webhook endpoint, served by the SDK's `node:http` adapter in front of the Express app
 * (server.ts): deliveries skip Express's router and per-request middleware, which cost half the
 * acknowledgement rate (docs/performance.md); anything else goes on to Express through `next`.
 * Each answer is one log line (`webhook answered`, at warn for a 5xx) and one count in the metrics.
 */
export function createWebhookHandler(options: {
  backend: QueueBackend;
  metrics: Metrics;
  logger: Logger;
  /** The academies and their tokens; `undefined` accepts unauthenticated deliveries (WEBHOOK_AUTH=none). */
  academies: AcademyTokens[] | undefined;
}): NodeHandler {
  const { backend, metrics, logger } = options;
  return createNodeHandler({
    path: WEBHOOK_PATH,
    queue: backend.queue,
    auth: options.academies ? { academies: options.academies } : 'none',
    logger: logger.child({ component: 'receiver' }),
    onResponse(outcome) {
      metrics.observeResponse(outcome);
      const { status, result, eventId, eventType, academy, enqueueMs } = outcome;
      // `eventId` and `type`, as on the worker's lines: one search finds a delivery's whole story.
      const fields = {
        status,
        result,
        eventId,
        type: eventType,
        academy,
        enqueueMs: enqueueMs && Math.round(enqueueMs * 10) / 10,
      };
      if (status >= 500) logger.warn(fields, 'webhook answered');
      else logger.info(fields, 'webhook answered');
    },
  });
}
