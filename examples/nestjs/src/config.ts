// Environment → typed configuration, read once at start-up (ConfigModule) and injected where needed.

/** What the app reads from its environment; the class is also the token Nest injects it by. */
export abstract class Config {
  /** Where the server listens (`PORT`, `HOST`); port 0 picks a free one. */
  abstract readonly port: number;
  abstract readonly host: string;
  /** The token that ends the endpoint URL entered in Acadle (`WEBHOOK_TOKEN`). */
  abstract readonly webhookToken: string;
  /**
   * `RECIPE_HANDLED_IDS_FILE`, for the recipe's test only, which runs this app as its own process: each
   * handled event id is appended to that file, and `GET /recipe-test/idle` answers once the queue is idle.
   */
  abstract readonly handledIdsFile: string | undefined;
}

/**
 * Largest delivery accepted, in bytes. Nest's JSON parser reads `application/json` bodies before the
 * webhook middleware and answers 413 above 100 kB (its default limit); the receiver applies the same
 * limit to the bodies it reads itself (other content types), so that whether a delivery fits does not
 * depend on its `Content-Type`. Acadle's deliveries weigh a few kB.
 */
export const MAX_BODY_BYTES = 100 * 1024;

/** Reads the configuration from `env`; throws without a token, so that a misconfigured app does not start. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const webhookToken = env.WEBHOOK_TOKEN;
  if (!webhookToken) throw new Error('Set WEBHOOK_TOKEN: the token that ends the endpoint URL entered in Acadle');
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '0.0.0.0',
    webhookToken,
    handledIdsFile: env.RECIPE_HANDLED_IDS_FILE || undefined,
  };
}
