import { consoleLogger, type Delivery, type EnqueueResult, type EventQueue, type Logger } from 'acadle-webhooks';
import type { DefaultJobOptions, Queue, RedisConnectionClient } from 'bullmq';
import type {
  DeliveryLog,
  DeliveryLogEntry,
  DeliveryPage,
  DeliveryQuery,
  ReplayResult,
  ReplaySelection,
} from '../../deliveries/delivery-log.js';
import { DeliveryLogKeeper } from '../../deliveries/delivery-log-keeper.js';
import { deliveryOf, type StoredEntry } from '../../deliveries/log-store.js';
import { deliveryKey } from '../../shared/academy.js';
import { loadOpenTelemetry } from '../../shared/load-open-telemetry.js';
import { withTimeout } from '../../shared/with-timeout.js';
import type { QueueStats } from '../queue-stats.js';
import { type RetentionOptions, resolveRetention } from '../retention.js';
import { DEFAULT_QUEUE_NAME } from './default-queue-name.js';
import { GroupCommit } from './group-commit.js';
import { bullmq } from './load-bullmq.js';
import { logStoreFor } from './log-store-for.js';
import type { PostgresConnection } from './postgres-connection.js';
import { QUEUE_OPTIONS } from './queue-options.js';
import { readQueueStats } from './read-queue-stats.js';
import { isRedisClient, type RedisConnection, redisConnectionFor } from './redis-connection.js';
import { ReplicaWaiter } from './replica-waiter.js';
import { type StoredDelivery, toStoredDelivery } from './stored-delivery.js';

// Jobs carry only a ceiling of attempts and a backoff type of our own, which BullMQ hands to the
// worker's `backoffStrategy`: the real attempts and delays are the workers' configuration
// (create-bullmq-worker.ts), so a change to the retry policy applies to deliveries already stored.
const JOB_RETRY_OPTIONS = { attempts: 1_000, backoff: { type: 'acadle-webhooks' } };

/** BullMQ's job id for a new delivery: unique per add, readable, and free of the `:` BullMQ forbids. */
function jobIdFor(delivery: Delivery): string {
  const random = Math.floor(Math.random() * 36 ** 6).toString(36);
  return `evt-${Buffer.from(delivery.id).toString('base64url')}-${Date.parse(delivery.receivedAt).toString(36)}${random}`;
}

/** Where a `BullMQQueue` stores deliveries. */
export type BullMQQueueOptions = {
  /** How long a second delivery of one event id is recognized as a duplicate; at least 4 days. @defaultValue 7 days (Acadle retries for 3) */
  dedupeTtlMs?: number;
  /**
   * How long processed deliveries (BullMQ's completed jobs) and dead letters (its failed jobs) are
   * kept. Workers remove the expired ones as they finish jobs, a batch at a time (on Redis, at most 100 with each finished job; on PostgreSQL, up to 1,000 a second apart from any job's finish), so removal never stalls the acknowledgements; deduplication outlives the removal.
   * @defaultValue `{ processedMs: 7 days, deadLettersMs: 30 days }`
   */
  retention?: RetentionOptions;
  /** BullMQ job options for every delivery (priority; `removeOnComplete` and `removeOnFail` override `retention`); retries are the worker's business. */
  jobOptions?: Pick<DefaultJobOptions, 'removeOnComplete' | 'removeOnFail' | 'priority'>;
  /** Where queue errors and a risky Redis eviction policy are logged. @defaultValue `consoleLogger` (warnings and errors on stderr) */
  logger?: Logger;
  /**
   * Group commit: the most deliveries stored in one `addBulk`. Deliveries that arrive while a
   * write is in flight wait for it and go together in the next one (one transaction, one WAL
   * flush on PostgreSQL); a delivery arriving when the queue is idle is written at once. Each
   * delivery still gets its own answer, and a failed write fails every delivery in it. 1 turns
   * batching off.
   * @defaultValue 100 on PostgreSQL (`postgres`), 1 otherwise (ioredis already pipelines concurrent adds)
   */
  maxBatchSize?: number;
  /**
   * Redis only: replicas that must hold a delivery before `enqueue` resolves (Redis `WAIT` after the
   * add); fewer within `replicaTimeoutMs` rejects, and the receiver answers 503. @defaultValue 0 (the primary's copy only)
   */
  minReplicas?: number;
  /** How long `WAIT` waits for `minReplicas`; keep it below the receiver's `enqueueTimeoutMs`. @defaultValue 1000 */
  replicaTimeoutMs?: number;
} & (
  | {
      /**
       * Redis: a URL, connection options (Sentinel: `sentinels` and `name`) or `{ clusterNodes }`,
       * from which a dedicated, fail-fast producer connection is made; or an ioredis instance, used
       * as is (make it fail fast, and share it with no worker).
       */
      redis: RedisConnection | RedisConnectionClient;
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
/** The most expired jobs one finished job's removal pass takes (BullMQ's `KeepJobs.limit`): a catch-up is spread over many. */
const RETENTION_REMOVAL_LIMIT = 100;
/** Default group-commit batch on PostgreSQL; measured: 50 to 100 covers 50 to 200 concurrent requests. */
const POSTGRES_MAX_BATCH_SIZE = 100;
/**
 * Batches written at once: while one commits, the next forms; a third gains nothing measurable and
 * takes pool connections from the worker.
 */
const MAX_CONCURRENT_BATCHES = 2;

/** One BullMQ job as `addBulk` takes it. */
type BulkJob = { name: string; data: StoredDelivery; opts: Record<string, unknown> & { jobId: string } };

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
export class BullMQQueue implements EventQueue, DeliveryLog {
  #queue: Queue;
  /** Builds the queue again; set for the Postgres backend only (see `#recover`). */
  readonly #rebuild: (() => Queue) | undefined;
  #everStored = false;
  #lastRebuildAt = 0;
  readonly #replacedListeners = new Set<(queue: Queue) => void>();
  readonly #dedupeTtlMs: number;
  readonly #jobOptions: BullMQQueueOptions['jobOptions'];
  /** The retention stored in each job's data, for the worker to remove it by (PostgreSQL). */
  readonly #storedRetention: Required<RetentionOptions> | undefined;
  readonly #logger: Logger;
  /** Set when deliveries are stored in batches (`maxBatchSize` above 1). */
  readonly #groupCommit: GroupCommit<BulkJob, { id?: string | undefined }> | undefined;
  readonly #replicas: ReplicaWaiter | undefined;
  /** A Redis Cluster connection this queue made, which BullMQ leaves open. */
  #ownCluster: RedisConnectionClient | undefined;
  readonly #log: DeliveryLogKeeper;

  constructor(options: BullMQQueueOptions) {
    loadOpenTelemetry();
    this.#dedupeTtlMs = options.dedupeTtlMs ?? 7 * 86_400_000;
    if (this.#dedupeTtlMs < FOUR_DAYS_MS) {
      throw new TypeError('dedupeTtlMs: at least 4 days, so that all of Acadle’s retries (3 days) are recognized');
    }
    const retention = resolveRetention(options.retention);
    // On PostgreSQL, BullMQ's removal in each finishing job's transaction deadlocks two finishing at
    // once: the job keeps its retention in its data instead, and the worker removes it (see ExpiredJobRemover).
    if ('postgres' in options) this.#storedRetention = retention;
    this.#jobOptions = {
      ...('postgres' in options
        ? { removeOnComplete: false, removeOnFail: false }
        : {
            // BullMQ's ages are in seconds.
            removeOnComplete: { age: Math.ceil(retention.processedMs / 1000), limit: RETENTION_REMOVAL_LIMIT },
            removeOnFail: { age: Math.ceil(retention.deadLettersMs / 1000), limit: RETENTION_REMOVAL_LIMIT },
          }),
      ...options.jobOptions,
    };
    this.#logger = options.logger ?? consoleLogger;
    const minReplicas = options.minReplicas ?? 0;
    if (!Number.isInteger(minReplicas) || minReplicas < 0)
      throw new TypeError('minReplicas: a whole number, 0 or more');
    if (minReplicas > 0 && 'postgres' in options) throw new TypeError('minReplicas: Redis only');
    if ('queue' in options) {
      this.#queue = options.queue;
    } else if ('redis' in options) {
      // BullMQ makes (and closes) the connection from options, loading ioredis only then: this module
      // imports no Redis driver, so that PostgreSQL users need none installed (Cluster loads it itself).
      const name = options.queueName ?? DEFAULT_QUEUE_NAME;
      const redis = isRedisClient(options.redis)
        ? { connection: options.redis }
        : redisConnectionFor(options.redis, 'producer', name);
      if (redis.prefix !== undefined) this.#ownCluster = redis.connection as RedisConnectionClient;
      this.#queue = new bullmq.Queue(name, { ...redis, ...QUEUE_OPTIONS });
      void this.#checkEvictionPolicy(this.#queue);
    } else {
      const postgres =
        typeof options.postgres === 'object' && !('query' in options.postgres)
          ? { connectionTimeoutMillis: 2000, ...options.postgres }
          : options.postgres;
      const name = options.queueName ?? DEFAULT_QUEUE_NAME;
      // Typed as the Redis queue: the methods used here have the same shape on both backends.
      this.#rebuild = () =>
        new bullmq.Queue(
          name,
          { connection: postgres, ...QUEUE_OPTIONS },
          bullmq.createPostgresBackend,
        ) as unknown as Queue;
      this.#queue = this.#rebuild();
    }
    this.#listen(this.#queue);
    const maxBatchSize = options.maxBatchSize ?? ('postgres' in options ? POSTGRES_MAX_BATCH_SIZE : 1);
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new TypeError('maxBatchSize: a whole number of at least 1 (1 turns batching off)');
    }
    if (maxBatchSize > 1) {
      this.#groupCommit = new GroupCommit({
        write: (jobs) => this.queue.addBulk(jobs),
        maxBatchSize,
        maxConcurrentWrites: MAX_CONCURRENT_BATCHES,
      });
    }
    if (minReplicas > 0) this.#replicas = this.#replicaWaiter(minReplicas, options.replicaTimeoutMs ?? 1000);
    const store = logStoreFor(
      'postgres' in options ? { postgres: options.postgres } : { redis: async () => this.queue.backend.client },
      this.queue,
    );
    this.#log = new DeliveryLogKeeper(store, { logger: this.#logger, retention });
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
    const opts = {
      ...this.#jobOptions,
      ...JOB_RETRY_OPTIONS,
      jobId,
      // The job id is new on every add, so the deduplication key alone recognizes a repeat: it
      // outlives the job (whatever the retention) and BullMQ then answers with the first job's id,
      // also for two copies in one addBulk (the batch is applied in order, in one transaction).
      // By the event id within its academy (the bare id in `default`, as before academies existed).
      deduplication: { id: deliveryKey(delivery), ttl: this.#dedupeTtlMs },
    };
    try {
      // The job data is captured now, in the caller's trace context, even when a later batch writes it.
      const data = toStoredDelivery(delivery, this.#storedRetention);
      const job = this.#groupCommit
        ? await this.#groupCommit.submit({ name: delivery.type, data, opts })
        : await this.queue.add(delivery.type, data, opts);
      this.#everStored = true;
      const duplicate = job.id !== jobId;
      // Awaited: an acknowledged delivery is in the log (a failure answers 503, and Acadle's retry logs it).
      await this.#log.stored(delivery, duplicate ? null : jobId, duplicate);
      if (this.#replicas) await this.#replicated(this.#replicas);
      return { duplicate };
    } catch (error) {
      this.#recover();
      throw new Error('BullMQ could not store the delivery', { cause: error });
    }
  }

  // Fewer copies than asked: the delivery is stored on the primary and may survive, but a 503 makes
  // Acadle retry, so that a loss of the primary cannot lose an acknowledged delivery.
  async #replicated(replicas: ReplicaWaiter): Promise<void> {
    const acknowledged = await replicas.acknowledged();
    const { minReplicas, timeoutMs } = replicas.options;
    if (acknowledged >= minReplicas) return;
    this.#logger.warn(
      { replicas: acknowledged, minReplicas, replicaTimeoutMs: timeoutMs },
      `Only ${acknowledged} of ${minReplicas} Redis replicas acknowledged the delivery within ${timeoutMs} ms`,
    );
    throw new Error(`Only ${acknowledged} of ${minReplicas} Redis replicas acknowledged the delivery`);
  }

  #replicaWaiter(minReplicas: number, timeoutMs: number): ReplicaWaiter {
    const queueKey = `${this.queue.opts.prefix ?? 'bull'}:${this.queue.name}`;
    return new ReplicaWaiter({ client: () => this.queue.backend.client, queueKey, minReplicas, timeoutMs });
  }

  /**
   * The replicas connected to the Redis primary that holds the queue (from `INFO replication`), so
   * that a start can refuse a `minReplicas` no write could meet; rejects where `WAIT` is forbidden.
   */
  async connectedReplicas(): Promise<number> {
    return (this.#replicas ?? this.#replicaWaiter(0, 0)).connectedReplicas();
  }

  /** What the queue holds and how far behind it is, in the shape `MemoryQueue.getStats` also answers (see `readQueueStats`). */
  async getStats(): Promise<QueueStats> {
    return readQueueStats(this.queue);
  }

  findDeliveries(query?: DeliveryQuery): Promise<DeliveryPage> {
    return this.#log.find(query);
  }

  getDelivery(id: string, academy?: string): Promise<DeliveryLogEntry | undefined> {
    return this.#log.get(id, academy);
  }

  listDeadLetters(query?: Omit<DeliveryQuery, 'status'>): Promise<DeliveryPage> {
    return this.#log.deadLetters(query);
  }

  /**
   * Puts processed or dead deliveries back in the queue (see `DeliveryLog`): a dead letter still in
   * BullMQ's failed set is retried in place, attempts reset; any other delivery is added again as a
   * new job, past deduplication. Workers then run it as any other.
   */
  replayDeliveries(selection: ReplaySelection): Promise<ReplayResult> {
    return this.#log.replay(selection, (entry) => this.#requeue(entry));
  }

  async #requeue(entry: StoredEntry): Promise<string> {
    if (entry.status === 'dead' && entry.jobId !== null) {
      const job = await this.queue.getJob(entry.jobId);
      if (job && (await job.getState()) === 'failed') {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return entry.jobId;
      }
    }
    const delivery = deliveryOf(entry);
    const jobId = jobIdFor(delivery);
    await this.queue.add(delivery.type, toStoredDelivery(delivery, this.#storedRetention), {
      ...this.#jobOptions,
      ...JOB_RETRY_OPTIONS,
      jobId,
    });
    return jobId;
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
    await this.#log.close();
    await this.#ownCluster?.quit().catch(() => {});
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
