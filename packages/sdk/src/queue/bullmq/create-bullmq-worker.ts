import { consoleLogger, type DeliveryProcessor, type Logger, NonRetryableError } from 'acadle-webhooks';
import type { Job, MinimalJob, Queue, Worker } from 'bullmq';
import { DeliveryLogKeeper, type LogRetention } from '../../deliveries/delivery-log-keeper.js';
import { ACADEMY_NAME, DEFAULT_ACADEMY } from '../../shared/academy.js';
import { loadOpenTelemetry } from '../../shared/load-open-telemetry.js';
import { withTimeout } from '../../shared/with-timeout.js';
import { resolveRetention } from '../retention.js';
import { type RetryOptions, resolveRetry, retryDelayMs } from '../retry-policy.js';
import { continueTrace } from '../trace-context.js';
import { DEFAULT_QUEUE_NAME } from './default-queue-name.js';
import { ExpiredJobRemover } from './expired-job-remover.js';
import { laneName } from './lane.js';
import { bullmq } from './load-bullmq.js';
import { logStoreFor } from './log-store-for.js';
import type { PostgresConnection } from './postgres-connection.js';
import { QUEUE_OPTIONS } from './queue-options.js';
import { type RedisConnection, redisConnectionFor } from './redis-connection.js';
import { Slots } from './slots.js';
import { fromStoredDelivery, type StoredDelivery } from './stored-delivery.js';
import { throttledErrorLog } from './throttled-error-log.js';

/** How a worker runs and retries deliveries: the one retry policy of every queue (`RetryOptions`: 8 attempts, doubling from 1 s, jitter, at most an hour apart). */
export type BullMQWorkerOptions = RetryOptions & {
  /** The queue to take deliveries from, as given to `BullMQQueue`. @defaultValue {@link DEFAULT_QUEUE_NAME} */
  queueName?: string;
  /** Deliveries processed at once by this worker, all academies together. @defaultValue 1 */
  concurrency?: number;
  /**
   * The academies besides `default` whose deliveries this worker takes, each from its own queue (as
   * `BullMQQueue` stores them), in turn: one academy's backlog does not hold the others' back. More
   * can be added later (`addAcademies`). @defaultValue none (the academy `default` only)
   */
  academies?: readonly (string | WorkerAcademy)[];
  /** How long a job stays locked to a worker that stopped renewing it before another takes it. @defaultValue 30000 */
  lockDurationMs?: number;
  /** How often stalled jobs (of crashed workers) are looked for. @defaultValue 30000 */
  stalledIntervalMs?: number;
  /** How long `close()` waits for active deliveries before abandoning them to stalled-job recovery. @defaultValue 10000 */
  closeTimeoutMs?: number;
  /** Where worker errors and dead letters are logged. @defaultValue `consoleLogger` (warnings and errors on stderr) */
  logger?: Logger;
} & (
    | {
        /** Redis, as a URL, connection options (Sentinel too) or `{ clusterNodes }`; the worker makes its own blocking connection. */
        redis: RedisConnection;
      }
    | {
        /** PostgreSQL, through BullMQ's Postgres backend. */
        postgres: PostgresConnection;
      }
  );

/** An academy a worker takes deliveries of, and how fast. */
export interface WorkerAcademy {
  /** Its name, as the receiver's `auth.academies` give it. */
  name: string;
  /** The most of its deliveries processed a second, across all workers (BullMQ's limiter on its queue): for a downstream one academy would flood. */
  maxPerSecond?: number;
}

/** A running worker. */
export interface BullMQWorker {
  /** The BullMQ worker of the academy `default` (the only one with a single academy). */
  readonly worker: Worker;
  /** The BullMQ worker of each academy taken. */
  readonly workers: Worker[];
  /** Takes the deliveries of more academies too (academies already taken are left as they are). */
  addAcademies(academies: readonly (string | WorkerAcademy)[]): void;
  /** Stops taking jobs, aborts handlers' `signal`, and waits up to `closeTimeoutMs` for active ones. */
  close(): Promise<void>;
}

interface Lane {
  name: string;
  worker: Worker<StoredDelivery>;
  /** A Redis Cluster connection made for it, which BullMQ leaves open. */
  ownCluster?: { quit?: () => Promise<unknown> };
}

/** How long the log keeps a finished delivery: as long as BullMQ keeps its job (the queue's `retention`). */
function retentionOf(job: Job<StoredDelivery>): LogRetention {
  const defaults = job.data.retention ?? resolveRetention();
  const ageMs = (keep: unknown, fallback: number) => {
    const age = typeof keep === 'object' && keep !== null ? (keep as { age?: unknown }).age : undefined;
    return typeof age === 'number' ? age * 1000 : fallback;
  };
  return {
    processedMs: ageMs(job.opts.removeOnComplete, defaults.processedMs),
    deadLettersMs: ageMs(job.opts.removeOnFail, defaults.deadLettersMs),
  };
}

/**
 * Runs `processor` on the deliveries a `BullMQQueue` stores, on Redis or PostgreSQL. A thrown
 * error retries with exponential backoff and jitter; after `attempts`, or at once for a
 * `NonRetryableError` (an invalid payload), the job stays in BullMQ's failed set: the dead letters.
 *
 * @example
 * ```ts
 * import { createBullMQWorker } from 'acadle-webhooks/bullmq';
 *
 * const worker = createBullMQWorker(createProcessor({ handlers }), { redis: process.env.REDIS_URL!, concurrency: 4 });
 * process.on('SIGTERM', () => void worker.close());
 * ```
 */
export function createBullMQWorker(processor: DeliveryProcessor, options: BullMQWorkerOptions): BullMQWorker {
  const retry = resolveRetry(options);
  const logger = options.logger ?? consoleLogger;
  const abort = new AbortController();
  loadOpenTelemetry();
  // The delay of each job's next attempt, chosen when it fails (to log it), handed to BullMQ's backoffStrategy.
  const nextDelays = new Map<string, number>();
  let log: DeliveryLogKeeper | undefined;
  // PostgreSQL: the jobs that carry their retention are removed apart from their finish (see ExpiredJobRemover).
  let remover: ExpiredJobRemover | undefined;
  const finished = (job: Job<StoredDelivery>) => {
    if (job.data.retention !== undefined) remover?.finished(retentionOf(job));
  };

  const run = async (job: Job<StoredDelivery>) => {
    const attempt = job.attemptsMade + 1;
    const { delivery, traceContext } = fromStoredDelivery(job.data);
    const jobId = String(job.id);
    await log?.attemptStarted(delivery, jobId);
    const startedAt = Date.now();
    const attemptOf = (error?: string) => ({
      attempt,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: Date.now() - startedAt,
      ...(error === undefined ? {} : { error }),
    });
    try {
      await continueTrace(traceContext, () => processor(delivery, { attempt, signal: abort.signal }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = error instanceof NonRetryableError || attempt >= retry.attempts;
      const delayMs = retryDelayMs(attempt, retry);
      if (!final) nextDelays.set(jobId, delayMs);
      await log?.attemptFinished(
        delivery,
        attemptOf(message),
        final ? { status: 'dead' } : { status: 'retrying', nextRetryAt: new Date(Date.now() + delayMs) },
        retentionOf(job),
      );
      if (final) finished(job);
      if (error instanceof NonRetryableError) throw new bullmq.UnrecoverableError(message);
      if (final) throw new bullmq.UnrecoverableError(`Gave up after ${attempt} attempts: ${message}`);
      throw error;
    }
    await log?.attemptFinished(delivery, attemptOf(), { status: 'processed' }, retentionOf(job));
    finished(job);
  };

  const workerOptions = {
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    // A job whose worker died twice mid-way is retried once more before it counts as failed.
    maxStalledCount: 2,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, _error?: Error, job?: MinimalJob) => {
        const chosen = job?.id === undefined ? undefined : nextDelays.get(String(job.id));
        if (chosen !== undefined) nextDelays.delete(String(job?.id));
        return chosen ?? retryDelayMs(attemptsMade, retry);
      },
    },
  };
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  // Academies are taken in turn: each has a queue (and a BullMQ worker) of its own, and they share
  // `concurrency` slots, handed out in the order their jobs asked for one (slots.ts).
  const slots = new Slots(options.concurrency ?? 1);
  const runInTurn = async (job: Job<StoredDelivery>) => {
    await slots.take();
    try {
      return await run(job);
    } finally {
      slots.give();
    }
  };
  const logError = throttledErrorLog(logger, 'BullMQ worker error');
  let closed = false;
  const lanes = new Map<string, Lane>();
  const startLane = (academy: WorkerAcademy): Lane => {
    const name = laneName(queueName, academy.name);
    const limiter = limiterFor(academy.maxPerSecond);
    const laneOptions = { ...workerOptions, ...(limiter ? { limiter } : {}) };
    const redis = 'redis' in options ? redisConnectionFor(options.redis, 'worker', name) : undefined;
    const worker =
      redis === undefined && 'postgres' in options
        ? // Typed as the Redis worker: the methods used here have the same shape on both backends.
          (new bullmq.Worker(
            name,
            runInTurn,
            { ...laneOptions, connection: options.postgres },
            bullmq.createPostgresBackend,
          ) as unknown as Worker<StoredDelivery>)
        : new bullmq.Worker<StoredDelivery>(name, runInTurn, {
            ...laneOptions,
            ...(redis as NonNullable<typeof redis>),
          });
    // Once closed, a connection BullMQ had not yet let go of may still report the store going away
    // (the reference server stops its embedded PostgreSQL right after): expected, so debug only.
    worker.on('error', (error) => {
      if (closed) logger.debug({ err: error }, 'BullMQ worker error after close');
      else logError(error);
    });
    // A job whose worker stopped renewing its lock (crashed, or blocked past lockDurationMs) is run
    // again by another: at least once, as promised, but an operator should know it happened.
    worker.on('stalled', (jobId) => {
      logger.warn({ jobId }, 'A delivery stalled (its worker stopped renewing the lock): it is run again');
    });
    worker.on('failed', (job, error) => {
      if (job && error instanceof bullmq.UnrecoverableError) {
        logger.error(
          { err: error, eventId: job.data.id, eventType: job.data.type, jobId: job.id },
          'Delivery moved to dead letters',
        );
      }
    });
    const lane: Lane = {
      name,
      worker,
      ...(redis?.prefix === undefined ? {} : { ownCluster: redis.connection as { quit?: () => Promise<unknown> } }),
    };
    lanes.set(academy.name, lane);
    return lane;
  };
  const addAcademies = (academies: readonly (string | WorkerAcademy)[]) => {
    for (const entry of academies) {
      const academy = typeof entry === 'string' ? { name: entry } : entry;
      if (!ACADEMY_NAME.test(academy.name))
        throw new TypeError(
          `academies: ${JSON.stringify(academy.name)} is no academy name (1 to 64 characters from a-z, 0-9 and -)`,
        );
      if (!lanes.has(academy.name)) startLane(academy);
    }
  };
  const main = startLane({ name: DEFAULT_ACADEMY });
  addAcademies(options.academies ?? []);
  const worker = main.worker;
  // One delivery log for all academies, beside the `default` queue (it is keyed by academy).
  log = new DeliveryLogKeeper(
    logStoreFor(
      'postgres' in options ? { postgres: options.postgres } : { redis: async () => worker.backend.client },
      worker,
    ),
    { logger, retention: resolveRetention() },
  );
  // A worker not told of an academy still takes its deliveries: the academies in the delivery log
  // (every stored delivery is there) are read at start and every few seconds.
  const discover = async () => {
    try {
      const found = (await log?.academies()) ?? [];
      const added = found.filter((name) => !lanes.has(name) && ACADEMY_NAME.test(name));
      if (added.length === 0 || closed) return;
      logger.info({ academies: added }, 'Taking the deliveries of academies found in the delivery log');
      addAcademies(added);
    } catch (error) {
      logger.debug({ err: error }, 'Could not read the academies of the delivery log');
    }
  };
  void discover();
  const discovery = setInterval(() => void discover(), DISCOVERY_INTERVAL_MS);
  discovery.unref();
  const cleaners = new Map<string, Queue>();
  if ('postgres' in options) {
    remover = new ExpiredJobRemover(
      () =>
        [...lanes.values()].map((lane) => {
          let cleaner = cleaners.get(lane.name);
          if (cleaner === undefined) {
            // Typed as the Redis queue: clean() has the same shape on both backends.
            cleaner = new bullmq.Queue(
              lane.name,
              { connection: options.postgres, ...QUEUE_OPTIONS },
              bullmq.createPostgresBackend,
            ) as unknown as Queue;
            cleaners.set(lane.name, cleaner);
          }
          return cleaner;
        }),
      logger,
    );
  }

  const closeLane = async ({ worker: laneWorker, ownCluster }: Lane, timeoutMs: number) => {
    const timedOut = new Error('close timed out');
    try {
      await withTimeout(laneWorker.close(), timeoutMs, () => timedOut);
    } catch (error) {
      if (error !== timedOut) throw error;
      logger.warn({ timeoutMs }, 'Worker closed with deliveries still running: they will be retried as stalled jobs');
      await laneWorker.close(true);
    }
    // BullMQ works on duplicates of a Cluster connection given to it, and leaves the original open.
    await ownCluster?.quit?.().catch(() => {});
  };

  return {
    worker,
    get workers() {
      return [...lanes.values()].map((lane) => lane.worker);
    },
    addAcademies,
    async close() {
      clearInterval(discovery);
      abort.abort();
      const timeoutMs = options.closeTimeoutMs ?? 10_000;
      await Promise.all([...lanes.values()].map((lane) => closeLane(lane, timeoutMs)));
      await remover?.close();
      await Promise.all([...cleaners.values()].map((cleaner) => cleaner.close()));
      await log?.close();
      closed = true;
    },
  };
}

/** How often a worker looks for academies it does not take yet. */
const DISCOVERY_INTERVAL_MS = 5000;

/** BullMQ's limiter (per queue, so per academy, across workers) for at most `maxPerSecond` jobs a second. */
function limiterFor(maxPerSecond: number | undefined): { max: number; duration: number } | undefined {
  if (maxPerSecond === undefined) return undefined;
  if (!(maxPerSecond > 0) || !Number.isFinite(maxPerSecond)) throw new TypeError('maxPerSecond: a number above 0');
  return maxPerSecond >= 1
    ? { max: Math.round(maxPerSecond), duration: 1000 }
    : { max: 1, duration: Math.round(1000 / maxPerSecond) };
}
