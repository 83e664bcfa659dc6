import { createProcessor, type KnownEvent, type Logger, MemoryQueue } from 'acadle-webhooks';
import { createNodeHandler } from 'acadle-webhooks/node';
import Fastify, { type FastifyInstance } from 'fastify';

/** Builds the Fastify app (no listen), receiving Acadle webhooks at `/webhooks/acadle/<token>`. */
export function createApp(options: AppOptions): { app: FastifyInstance; queue: MemoryQueue } {
  const { token, maxBodyBytes, onEvent, logger } = options;
  const queue = new MemoryQueue({ processor: createProcessor({ handlers: {}, onEvent, logger }), logger });
  const handler = createNodeHandler({ queue, auth: { tokens: [token] }, maxBodyBytes, logger });

  const app = Fastify();
  // Fastify reads JSON and text bodies before the route runs, which would leave the receiver nothing to
  // read (503, retried by Acadle): in this encapsulated plugin the body stays unread, for the receiver
  // to read as sent, within maxBodyBytes. The rest of the app keeps Fastify's parsers.
  app.register(async (webhooks) => {
    webhooks.removeAllContentTypeParsers();
    webhooks.addContentTypeParser('*', (_request, _body, done) => done(null));
    for (const url of ['/webhooks/acadle', '/webhooks/acadle/:token']) {
      webhooks.all(url, async (request, reply) => {
        reply.hijack(); // the handler answers, on Node's response
        await handler(request.raw, reply.raw);
      });
    }
  });
  return { app, queue };
}

/** What the app needs to receive Acadle webhooks. */
export interface AppOptions {
  /** The secret that ends the endpoint URL given to Acadle: `/webhooks/acadle/<token>`. */
  token: string;
  /** @defaultValue 1 MiB */
  maxBodyBytes?: number;
  /** Runs for each event once it is acknowledged: your handlers go here. */
  onEvent: (event: KnownEvent) => Promise<void> | void;
  /** @defaultValue the SDK's console logger */
  logger?: Logger;
}
