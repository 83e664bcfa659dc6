import { consoleLogger, type Delivery, type EnqueueResult, type EventQueue, type Logger } from 'acadle-webhooks';
import type { Queue, RedisConnectionClient } from 'bullmq';
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
import { ACADEMY_NAME, academyOf, DEFAULT_ACADEMY, deliveryKey } from '../../shared/academy.js';
import { loadOpenTelemetry } from '../../shared/load-open-telemetry.js';
import { withTimeout } from '../../shared/with-timeout.js';
import { type AcademyPausing, pausedError } from '../academy-pausing.js';
import type { QueueStats } from '../queue-stats.js';
import { type RetentionOptions, resolveRetention } from '../retention.js';
import type { BullMQQueueOptions } from './bullmq-queue-options.js';
import { DEFAULT_QUEUE_NAME } from './default-queue-name.js';
import { checkEvictionPolicy } from './eviction-policy.js';
import { type BuiltQueue, Lane, laneName } from './lane.js';
import { bullmq } from './load-bullmq.js';
import { logStoreFor } from './log-store-for.js';
import { QUEUE_OPTIONS } from './queue-options.js';
import { readQueueStats } from './read-queue-stats.js';
import { isRedisClient, redisConnectionFor } from './redis-connection.js';
import type { ReplicaWaiter } from './replica-waiter.js';
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
export class BullMQQueue implements EventQueue, DeliveryLog, AcademyPausing {
  /** Each academy's queue (lane.ts), `default` first. */
  readonly #lanes = new Map<string, Lane>();
  readonly #openLane: (academy: string) => Lane;
  readonly #replacedListeners = new Set<(queue: Queue) => void>();
  readonly #dedupeTtlMs: number;
  readonly #jobOptions: BullMQQueueOptions['jobOptions'];
  /** The retention stored in each job's data, for the worker to remove it by (PostgreSQL). */
  readonly #storedRetention: Required<RetentionOptions> | undefined;
  readonly #logger: Logger;
  readonly #log: DeliveryLogKeeper;
  readonly #notedAcademies = new Map<string, Promise<void>>();

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
    const maxBatchSize = options.maxBatchSize ?? ('postgres' in options ? POSTGRES_MAX_BATCH_SIZE : 1);
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new TypeError('maxBatchSize: a whole number of at least 1 (1 turns batching off)');
    }
    const queueName = 'queue' in options ? options.queue.name : (options.queueName ?? DEFAULT_QUEUE_NAME);
    const build = (academy: string): BuiltQueue => {
      const name = laneName(queueName, academy);
      if ('queue' in options) return { queue: options.queue };
      if ('redis' in options) {
        // BullMQ makes (and closes) the connection from options, loading ioredis only then: this module
        // imports no Redis driver, so that PostgreSQL users need none installed (Cluster loads it itself).
        const redis = isRedisClient(options.redis)
          ? { connection: options.redis }
          : redisConnectionFor(options.redis, 'producer', name);
        const queue = new bullmq.Queue(name, { ...redis, ...QUEUE_OPTIONS });
        return redis.prefix === undefined
          ? { queue }
          : { queue, ownCluster: redis.connection as RedisConnectionClient };
      }
      const postgres =
        typeof options.postgres === 'object' && !('query' in options.postgres)
          ? { connectionTimeoutMillis: 2000, ...options.postgres }
          : options.postgres;
      // Typed as the Redis queue: the methods used here have the same shape on both backends.
      const queue = new bullmq.Queue(
        name,
        { connection: postgres, ...QUEUE_OPTIONS },
        bullmq.createPostgresBackend,
      ) as unknown as Queue;
      return { queue };
    };
    this.#openLane = (academy) => {
      // A queue of your own holds every academy: one lane.
      const key = 'queue' in options ? DEFAULT_ACADEMY : academy;
      let lane = this.#lanes.get(key);
      if (lane) return lane;
      if (!ACADEMY_NAME.test(key))
        throw new TypeError(`${JSON.stringify(key)} is no academy name (1 to 64 characters from a-z, 0-9 and -)`);
      lane = new Lane({
        academy: key,
        build: () => build(key),
        rebuildable: 'postgres' in options,
        maxBatchSize,
        maxConcurrentWrites: MAX_CONCURRENT_BATCHES,
        ...(minReplicas > 0 ? { replicas: { minReplicas, timeoutMs: options.replicaTimeoutMs ?? 1000 } } : {}),
        logger: this.#logger,
        onReplaced: (queue) => this.#announce(queue),
      });
      this.#lanes.set(key, lane);
      if (key !== DEFAULT_ACADEMY) this.#announce(lane.queue);
      return lane;
    };
    const main = this.#openLane(DEFAULT_ACADEMY);
    if ('redis' in options) void checkEvictionPolicy(main.queue, this.#logger);
    for (const academy of options.academies ?? []) this.#openLane(academy);
    // One delivery log for all academies, beside the `default` queue (it is keyed by academy).
    const store = logStoreFor(
      'postgres' in options ? { postgres: options.postgres } : { redis: async () => this.queue.backend.client },
      this.queue,
    );
    this.#log = new DeliveryLogKeeper(store, { logger: this.#logger, retention });
    // Failures are retried at the academy's first delivery.
    for (const academy of options.academies ?? []) this.#noted(academy).catch(() => {});
  }

  /**
   * The BullMQ queue of the academy `default` (the only one with a single academy), for
   * dashboards and administration. On PostgreSQL it is replaced when it never connected (see
   * `onQueueReplaced`): read it again rather than keeping it.
   */
  get queue(): Queue {
    return (this.#lanes.get(DEFAULT_ACADEMY) as Lane).queue;
  }

  /** Every academy's BullMQ queue opened so far (`queue` first), for dashboards such as Bull Board. */
  get queues(): Queue[] {
    return [...this.#lanes.values()].map((lane) => lane.queue);
  }

  /**
   * Calls `listener` with the new BullMQ queue whenever `queues` changes: a queue replaced
   * (PostgreSQL only: one created while PostgreSQL was down is rebuilt), or an academy's queue
   * opened at its first delivery, so that dashboards such as Bull Board follow. Returns a function
   * that removes the listener.
   *
   * @example
   * ```ts
   * const board = createBullBoard({ queues: queue.queues.map((q) => new BullMQAdapter(q)), serverAdapter });
   * queue.onQueueReplaced(() => board.replaceQueues(queue.queues.map((q) => new BullMQAdapter(q))));
   * ```
   */
  onQueueReplaced(listener: (queue: Queue) => void): () => void {
    this.#replacedListeners.add(listener);
    return () => this.#replacedListeners.delete(listener);
  }

  #announce(queue: Queue): void {
    for (const listener of this.#replacedListeners) {
      try {
        listener(queue);
      } catch (error) {
        this.#logger.error({ err: error }, 'onQueueReplaced listener threw');
      }
    }
  }

  /** Adds a job for the delivery to its academy's queue; rejects when BullMQ cannot store it, or the academy is paused (the receiver answers 503). */
  async enqueue(delivery: Delivery): Promise<EnqueueResult> {
    const lane = this.#openLane(academyOf(delivery));
    let paused: boolean;
    try {
      await this.#noted(lane.academy);
      paused = await lane.isPaused();
    } catch (error) {
      throw new Error('BullMQ could not store the delivery', { cause: error });
    }
    if (paused) throw pausedError(lane.academy);
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
      const job = await lane.add({ name: delivery.type, data, opts });
      const duplicate = job.id !== jobId;
      // Awaited: an acknowledged delivery is in the log (a failure answers 503, and Acadle's retry logs it).
      await this.#log.stored(delivery, duplicate ? null : jobId, duplicate);
      if (lane.replicas) await this.#replicated(lane.replicas);
      return { duplicate };
    } catch (error) {
      throw new Error('BullMQ could not store the delivery', { cause: error });
    }
  }

  /** Records the academy in the log once per process, before its first delivery, so that workers and tools find its queue. */
  #noted(academy: string): Promise<void> {
    if (academy === DEFAULT_ACADEMY) return Promise.resolve();
    let noted = this.#notedAcademies.get(academy);
    if (noted === undefined) {
      noted = this.#log.noteAcademy(academy).catch((error: unknown) => {
        this.#notedAcademies.delete(academy);
        throw error;
      });
      this.#notedAcademies.set(academy, noted);
    }
    return noted;
  }

  /** Opens the queues of more academies (as `academies` does at start): statistics and dashboards count them before their first delivery. */
  addAcademies(academies: readonly string[]): void {
    for (const academy of academies) this.#openLane(academy);
  }

  /** Pauses the academy's BullMQ queue (kept in the store: it outlives a restart) and refuses its new deliveries. */
  async pauseAcademy(academy: string): Promise<void> {
    const lane = this.#openLane(academy);
    // A queue of your own holds every academy: pausing one would pause them all.
    if (lane.academy !== academy)
      throw new TypeError('pauseAcademy: a queue of your own holds every academy; give redis or postgres instead');
    await this.#noted(lane.academy);
    await lane.setPaused(true);
  }

  async resumeAcademy(academy: string): Promise<void> {
    const lane = this.#openLane(academy);
    if (lane.academy !== academy)
      throw new TypeError('resumeAcademy: a queue of your own holds every academy; give redis or postgres instead');
    await lane.setPaused(false);
  }

  /** The paused academies, of those opened here or with deliveries in the log. */
  async pausedAcademies(): Promise<string[]> {
    for (const academy of await this.#log.academies()) if (ACADEMY_NAME.test(academy)) this.#openLane(academy);
    const lanes = [...this.#lanes.values()];
    const paused = await Promise.all(lanes.map((lane) => lane.queue.isPaused()));
    return lanes
      .filter((_, index) => paused[index])
      .map((lane) => lane.academy)
      .sort();
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

  /**
   * The replicas connected to the Redis primary that holds the queue (from `INFO replication`), so
   * that a start can refuse a `minReplicas` no write could meet; rejects where `WAIT` is forbidden.
   */
  async connectedReplicas(): Promise<number> {
    const main = this.#lanes.get(DEFAULT_ACADEMY) as Lane;
    return (main.replicas ?? main.replicaWaiter(0, 0)).connectedReplicas();
  }

  /** What the queue holds and how far behind it is, in the shape `MemoryQueue.getStats` also answers (see `readQueueStats`). */
  async getStats(): Promise<QueueStats> {
    return readQueueStats(this.queues);
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
      const job = await this.#openLane(entry.academy ?? DEFAULT_ACADEMY).queue.getJob(entry.jobId);
      if (job && (await job.getState()) === 'failed') {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return entry.jobId;
      }
    }
    const delivery = deliveryOf(entry);
    const jobId = jobIdFor(delivery);
    await this.#openLane(academyOf(delivery)).queue.add(
      delivery.type,
      toStoredDelivery(delivery, this.#storedRetention),
      {
        ...this.#jobOptions,
        ...JOB_RETRY_OPTIONS,
        jobId,
      },
    );
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
    await Promise.all([...this.#lanes.values()].map((lane) => lane.close()));
    await this.#log.close();
  }
}

export type { BullMQQueueOptions };
