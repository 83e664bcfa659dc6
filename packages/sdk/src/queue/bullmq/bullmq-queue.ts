import { consoleLogger, type Delivery, type EnqueueResult, type EventQueue, type Logger } from 'acadle-webhooks';
import type { DefaultJobOptions, PostgresConnectionOptions, Queue, RedisConnectionClient, RedisOptions } from 'bullmq';
import { loadOpenTelemetry } from '../../shared/load-open-telemetry.js';
import { withTimeout } from '../../shared/with-timeout.js';
import { DEFAULT_QUEUE_NAME } from './default-queue-name.js';
import { bullmq } from './load-bullmq.js';
import { redisOptionsFromUrl } from './redis-options-from-url.js';
import { toStoredDelivery } from './stored-delivery.js';

// Jobs carry only a ceiling of attempts and a backoff type of our own, which BullMQ hands to the
// worker's `backoffStrategy`: the real attempts and delays are the workers' configuration
// (create-bullmq-worker.ts), so a change to the retry policy applies to deliveries already stored.
const JOB_RETRY_OPTIONS = { attempts: 1_000, backoff: { type: 'acadle-webhooks' } };

/** BullMQ's job id for a new delivery: unique per add, readable, and free of the `:` BullMQ forbids. */
function jobIdFor(delivery: Delivery): string {
  const random = Math.floor(Math.random() * 36 ** 6).toString(36);
  return `evt-${Buffer.from(delivery.id).toString('base64url')}-${Date.parse(delivery.receivedAt).toString(36)}${random}`;
}

/** The PostgreSQL connection of BullMQ's Postgres backend: a connection string, a pool config, or a `pg.Pool`. */
export type PostgresConnection = PostgresConnectionOptions;

/** Where a `BullMQQueue` stores deliveries. */
export type BullMQQueueOptions = {
  /** How long a second delivery of one event id is recognized as a duplicate; at least 4 days. @defaultValue 7 days (Acadle retries for 3) */
  dedupeTtlMs?: number;
  /** BullMQ job options for every delivery (retention, priority); retries are the worker's business. */
  jobOptions?: Pick<DefaultJobOptions, 'removeOnComplete' | 'removeOnFail' | 'priority'>;
  /** Where queue errors and a risky Redis eviction policy are logged. @defaultValue `consoleLogger` (warnings and errors on stderr) */
  logger?: Logger;
} & (
  | {
      /**
       * Redis: a URL or connection options, from which a dedicated, fail-fast producer connection
       * is made; or an ioredis instance, used as is (make it fail fast, and share it with no worker).
       */
      redis: RedisOptions | string | RedisConnectionClient;
      /** The BullMQ queue name; workers must use the same. @defaultValue {@link DEFAULT_QUEUE_NAME} */
      queueName?: string;
    }
  | {
      /** PostgreSQL, through BullMQ's Postgres backend. */
      postgres: PostgresConnection;
      /** The BullMQ queue name; workers must use the same. @defaultValue {@link DEFAULT_QUEUE_NAME} */
      queueName?: string;
    }
  | {
      /** A BullMQ queue you built yourself; it should not share its connection with workers. */
      queue: Queue;
    }
);

const FOUR_DAYS_MS = 4 * 86_400_000;

/** Whether `redis` is a client instance (ioredis, node-redis, …) rather than connection options. */
function isRedisClient(redis: RedisOptions | string | RedisConnectionClient): redis is RedisConnectionClient {
  return typeof redis === 'object' && typeof (redis as RedisConnectionClient).duplicate === 'function';
}

/**
 * Settings for the producer connection on the HTTP path: it must fail fast rather than wait for
 * Redis (workers, by contrast, need `maxRetriesPerRequest: null` and must not share it).
 */
function producerRedisOptions(redis: RedisOptions | string): RedisOptions {
  const base: RedisOptions = typeof redis === 'string' ? redisOptionsFromUrl(redis) : redis;
  return {
    connectTimeout: 2000,
    ...base,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Reconnect forever, never more than 2 s apart, so the queue heals as soon as Redis is back.
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 2000),
  };
}

/**
 * Stores deliveries in a BullMQ queue, on Redis or PostgreSQL: `enqueue` resolves once BullMQ has
 * the job and deduplicates by event id for `dedupeTtlMs`; the receiver bounds the wait (`enqueueTimeoutMs`).
 *
 * @example
 * ```ts
 * import { BullMQQueue } from 'acadle-webhooks/bullmq';
 *
 * const queue = new BullMQQueue({ redis: process.env.REDIS_URL! }); // or { postgres: process.env.DATABASE_URL! }
 * app.use(createExpressMiddleware({ queue, auth: { tokens } }));
 * ```
 */
export class BullMQQueue implements EventQueue {
  #queue: Queue;
  /** Builds the queue again; set for the Postgres backend only (see `#recover`). */
  readonly #rebuild: (() => Queue) | undefined;
  #everStored = false;
  #lastRebuildAt = 0;
  readonly #replacedListeners = new Set<(queue: Queue) => void>();
  readonly #dedupeTtlMs: number;
  readonly #jobOptions: BullMQQueueOptions['jobOptions'];
  readonly #logger: Logger;

  constructor(options: BullMQQueueOptions) {
    loadOpenTelemetry();
    this.#dedupeTtlMs = options.dedupeTtlMs ?? 7 * 86_400_000;
    if (this.#dedupeTtlMs < FOUR_DAYS_MS) {
      throw new TypeError('dedupeTtlMs: at least 4 days, so that all of Acadle’s retries (3 days) are recognized');
    }
    this.#jobOptions = options.jobOptions;
    this.#logger = options.logger ?? consoleLogger;
    if ('queue' in options) {
      this.#queue = options.queue;
    } else if ('redis' in options) {
      // BullMQ makes (and closes) the connection from options, loading ioredis only then: this module
      // imports no Redis driver, so that PostgreSQL users need none installed.
      const connection = isRedisClient(options.redis) ? options.redis : producerRedisOptions(options.redis);
      this.#queue = new bullmq.Queue(options.queueName ?? DEFAULT_QUEUE_NAME, { connection });
      void this.#checkEvictionPolicy(this.#queue);
    } else {
      const postgres =
        typeof options.postgres === 'object' && !('query' in options.postgres)
          ? { connectionTimeoutMillis: 2000, ...options.postgres }
          : options.postgres;
      const name = options.queueName ?? DEFAULT_QUEUE_NAME;
      // Typed as the Redis queue: the methods used here have the same shape on both backends.
      this.#rebuild = () =>
        new bullmq.Queue(name, { connection: postgres }, bullmq.createPostgresBackend) as unknown as Queue;
      this.#queue = this.#rebuild();
    }
    this.#listen(this.#queue);
  }

  /**
   * The BullMQ queue underneath, for dashboards and administration. On PostgreSQL it is replaced
   * when it never connected (see `onQueueReplaced`): read it again rather than keeping it.
   */
  get queue(): Queue {
    return this.#queue;
  }

  /**
   * Calls `listener` with the new BullMQ queue whenever this one replaces it (PostgreSQL only: a
   * queue created while PostgreSQL was down is rebuilt), so that dashboards such as Bull Board
   * follow it. Returns a function that removes the listener.
   *
   * @example
   * ```ts
   * const board = createBullBoard({ queues: [new BullMQAdapter(queue.queue)], serverAdapter });
   * queue.onQueueReplaced((replacement) => board.replaceQueues([new BullMQAdapter(replacement)]));
   * ```
   */
  onQueueReplaced(listener: (queue: Queue) => void): () => void {
    this.#replacedListeners.add(listener);
    return () => this.#replacedListeners.delete(listener);
  }

  #listen(queue: Queue): void {
    queue.on('error', (error) => this.#logger.debug({ err: error }, 'BullMQ queue error'));
  }

  // BullMQ 6.7's Postgres connection keeps the failure of its first connection forever, so a
  // queue created while PostgreSQL was down never recovers. Until it has stored something, a
  // failing queue is replaced (at most once a second). Redis queues recover by themselves.
  #recover(): void {
    if (this.#rebuild === undefined || this.#everStored || Date.now() - this.#lastRebuildAt < 1000) return;
    this.#lastRebuildAt = Date.now();
    const broken = this.#queue;
    this.#queue = this.#rebuild();
    this.#listen(this.#queue);
    void broken.close().catch(() => {});
    for (const listener of this.#replacedListeners) {
      try {
        listener(this.#queue);
      } catch (error) {
        this.#logger.error({ err: error }, 'onQueueReplaced listener threw');
      }
    }
  }

  /** Adds a job for the delivery; rejects when BullMQ cannot store it (the receiver answers 503). */
  async enqueue(delivery: Delivery): Promise<EnqueueResult> {
    const jobId = jobIdFor(delivery);
    try {
      const job = await this.queue.add(delivery.type, toStoredDelivery(delivery), {
        ...this.#jobOptions,
        ...JOB_RETRY_OPTIONS,
        jobId,
        // The job id is new on every add, so the deduplication key alone recognizes a repeat: it
        // outlives the job (whatever the retention) and BullMQ then answers with the first job's id.
        deduplication: { id: delivery.id, ttl: this.#dedupeTtlMs },
      });
      this.#everStored = true;
      return { duplicate: job.id !== jobId };
    } catch (error) {
      this.#recover();
      throw new Error('BullMQ could not store the delivery', { cause: error });
    }
  }

  /** Resolves when the backend answers a trivial request within `timeoutMs`, rejects otherwise (for readiness probes). */
  async ping(timeoutMs = 1000): Promise<void> {
    await withTimeout(
      this.queue.getJobCounts('waiting'),
      timeoutMs,
      () => new Error(`The queue backend did not answer within ${timeoutMs} ms`),
    );
  }

  /** Closes the BullMQ queue, and the Redis connection if the queue made it (a client you gave stays open). */
  async close(): Promise<void> {
    await this.queue.close();
  }

  async #checkEvictionPolicy(queue: Queue): Promise<void> {
    try {
      // Resolves once Redis is ready; BullMQ's client interface does not declare CONFIG, ioredis has it.
      const client = (await queue.backend.client) as unknown as { config(...args: string[]): Promise<unknown> };
      const [, policy] = (await client.config('GET', 'maxmemory-policy')) as [string, string];
      if (policy !== undefined && policy !== 'noeviction') {
        this.#logger.warn(
          { maxmemoryPolicy: policy },
          `Redis maxmemory-policy is "${policy}": under memory pressure Redis may evict stored deliveries. Set it to "noeviction".`,
        );
      }
    } catch {
      // Managed Redis services often forbid CONFIG; they document their eviction policy instead.
    }
  }
}
