import { createProcessor, type KnownEvent, type Logger, MemoryQueue } from 'acadle-webhooks';
import { createNodeHandler } from 'acadle-webhooks/node';
import Koa from 'koa';

/** Builds the Koa app (no listen), receiving Acadle webhooks at `/webhooks/acadle/<token>`. */
export function createApp(options: AppOptions): { app: Koa; queue: MemoryQueue } {
  const { token, maxBodyBytes, onEvent, logger } = options;
  const queue = new MemoryQueue({ processor: createProcessor({ handlers: {}, onEvent, logger }), logger });
  const handler = createNodeHandler({ queue, auth: { tokens: [token] }, maxBodyBytes, logger });

  const app = new Koa();
  // First, before any body parser: the handler reads Node's request itself, within maxBodyBytes.
  app.use(async (ctx, next) => {
    // Under /webhooks/acadle the handler answers on Node's response, and Koa must not answer again;
    // anything else goes on to the rest of the app.
    if (await handler(ctx.req, ctx.res, () => {})) ctx.respond = false;
    else await next();
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
