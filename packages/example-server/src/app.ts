import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { redactUrl } from 'acadle-webhooks';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { academiesApi } from './admin/academies-api.js';
import { adminAuth } from './admin/admin-auth.js';
import { createCsrfToken } from './admin/csrf.js';
import { deliveriesApi } from './admin/deliveries-api.js';
import { deliveriesPage } from './admin/deliveries-page.js';
import { sameOriginWrites } from './admin/same-origin.js';
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
  /** The academies configured now (ACADEMIES_FILE may be read again): those the admin may pause. */
  academies?: () => string[];
}): Express {
  const { config, backend, metrics, logger } = options;
  const academies = options.academies ?? (() => (config.webhookAcademies ?? []).map((academy) => academy.name));
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
    app.use('/admin', adminAuth(config.admin), sameOriginWrites());
    app.use('/admin/api/deliveries', deliveriesApi(backend.queue));
    app.use('/admin/api/academies', academiesApi(backend.queue, academies, logger));
    app.use('/admin/deliveries', deliveriesPage(backend.queue, createCsrfToken(config.admin)));
    app.get('/admin', (_, response) => response.redirect(302, '/admin/deliveries'));
    const { bullmq } = backend;
    if (bullmq) {
      const serverAdapter = new ExpressAdapter();
      serverAdapter.setBasePath('/admin/queues');
      // One queue per academy; on PostgreSQL, a queue that never connected is replaced, and an
      // academy's queue opens at its first delivery: the board follows.
      const adapters = () => bullmq.queues.map((queue) => new BullMQAdapter(queue));
      const board = createBullBoard({ queues: adapters(), serverAdapter });
      bullmq.onQueueReplaced(() => board.replaceQueues(adapters()));
      app.use('/admin/queues', serverAdapter.getRouter());
    }
  }
  // What a client sent wrong (a malformed JSON body, one too large) answers its 4xx in one line;
  // anything else is ours, logged, and answers 500 without detail.
  app.use((error: unknown, request: express.Request, response: express.Response, _next: express.NextFunction) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      response.status(status).json({ error: 'bad_request', message: (error as Error).message.split('\n')[0] });
      return;
    }
    logger.error({ err: error, url: redactUrl(request.url) }, 'Request failed');
    response.status(500).json({ error: 'internal' });
  });
  return app;
}
