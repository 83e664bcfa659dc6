import { getConnInfo } from '@hono/node-server/conninfo';
import { createProcessor, type KnownEvent, type Logger, MemoryQueue } from 'acadle-webhooks';
import { createFetchHandler } from 'acadle-webhooks/web';
import { Hono } from 'hono';

/** Builds the Hono app (serve it with `@hono/node-server`), receiving Acadle webhooks at `/webhooks/acadle/<token>`. */
export function createApp(options: AppOptions): { app: Hono; queue: MemoryQueue } {
  const { token, maxBodyBytes, onEvent, logger } = options;
  const queue = new MemoryQueue({ processor: createProcessor({ handlers: {}, onEvent, logger }), logger });
  const handler = createFetchHandler({ queue, auth: { tokens: [token] }, maxBodyBytes, logger });

  const app = new Hono();
  // The raw Request, its body unread: the handler reads it as sent, within maxBodyBytes. A Request carries
  // no peer address: Node's connection gives it, for `allowedIps` and the stored delivery.
  app.all('/webhooks/acadle/*', (c) => handler(c.req.raw, { remoteAddress: getConnInfo(c).remote.address }));
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
