import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { redactUrl } from 'acadle-webhooks';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { adminAuth } from './admin-auth.js';
import type { Config } from './config.js';
import type { Metrics } from './metrics.js';
import type { QueueBackend } from './queue-backend.js';

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Builds the Express app (no listen): health, metrics, admin. The webhook endpoint is served in
 * front of it (webhook-handler.ts; server.ts puts them together).
 */
export function createApp(options: {
  config: Config;
  backend: QueueBackend;
  metrics: Metrics;
  logger: Logger;
}): Express {
  const { config, backend, metrics, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (request) => QUIET_PATHS.has(request.url ?? '') },
      // The token travels in the URL: never log it.
      serializers: {
        req: (request: { method: string; url: string; id: unknown }) => ({
          id: request.id,
          method: request.method,
          url: redactUrl(request.url),
        }),
      },
      customLogLevel: (_, response, error) => (error || response.statusCode >= 500 ? 'warn' : 'info'),
    }),
  );

  app.get('/healthz', (_, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', async (_, response) => {
    try {
      await backend.ping();
      response.json({ status: 'ready', queueBackend: config.queueBackend });
    } catch {
      response.status(503).json({ status: 'unavailable', queueBackend: config.queueBackend });
    }
  });
  app.get('/metrics', async (_, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  if (config.admin) {
    app.use('/admin', adminAuth(config.admin));
    const { bullmq } = backend;
    if (bullmq) {
      const serverAdapter = new ExpressAdapter();
      serverAdapter.setBasePath('/admin/queues');
      const board = createBullBoard({ queues: [new BullMQAdapter(bullmq.queue)], serverAdapter });
      // On PostgreSQL, a queue that never connected is replaced: the board must show the new one.
      bullmq.onQueueReplaced((queue) => board.replaceQueues([new BullMQAdapter(queue)]));
      app.use('/admin/queues', serverAdapter.getRouter());
    }
  }
  return app;
}
