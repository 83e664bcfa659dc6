import { consoleLogger, type Delivery, type DeliveryProcessor, type Logger, NonRetryableError } from 'acadle-webhooks';
import type { Job, MinimalJob, Queue, Worker } from 'bullmq';
import { DeliveryLogKeeper, type LogRetention } from '../../deliveries/delivery-log-keeper.js';
import { loadOpenTelemetry } from '../../shared/load-open-telemetry.js';
import { withTimeout } from '../../shared/with-timeout.js';
import { resolveRetention } from '../retention.js';
import { type RetryOptions, resolveRetry, retryDelayMs } from '../retry-policy.js';
import { continueTrace } from '../trace-context.js';
import { DEFAULT_QUEUE_NAME } from './default-queue-name.js';
import { ExpiredJobRemover } from './expired-job-remover.js';
import { bullmq } from './load-bullmq.js';
import { logStoreFor } from './log-store-for.js';
import type { PostgresConnection } from './postgres-connection.js';
import { QUEUE_OPTIONS } from './queue-options.js';
import { type RedisConnection, redisConnectionFor } from './redis-connection.js';
import { fromStoredDelivery, type StoredDelivery } from './stored-delivery.js';
import { throttledErrorLog } from './throttled-error-log.js';

/** How a worker runs and retries deliveries: the one retry policy of every queue (`RetryOptions`: 8 attempts, doubling from 1 s, jitter, at most an hour apart). */
export type BullMQWorkerOptions = RetryOptions & {
  /** The queue to take deliveries from, as given to `BullMQQueue`. @defaultValue {@link DEFAULT_QUEUE_NAME} */
  queueName?: string;
  /** Deliveries processed at once by this worker. @defaultValue 1 */
  concurrency?: number;
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

/** A running worker. */
export interface BullMQWorker {
  /** The BullMQ worker underneath. */
  readonly worker: Worker;
  /** Stops taking jobs, aborts handlers' `signal`, and waits up to `closeTimeoutMs` for active ones. */
  close(): Promise<void>;
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
  let cleaner: Queue | undefined;
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
  const redis = 'redis' in options ? redisConnectionFor(options.redis, 'worker', queueName) : undefined;
  const worker =
    redis === undefined && 'postgres' in options
      ? // Typed as the Redis worker: the methods used here have the same shape on both backends.
        (new bullmq.Worker(
          queueName,
          run,
          { ...workerOptions, connection: options.postgres },
          bullmq.createPostgresBackend,
        ) as unknown as Worker<Delivery>)
      : new bullmq.Worker<Delivery>(queueName, run, { ...workerOptions, ...(redis as NonNullable<typeof redis>) });
  log = new DeliveryLogKeeper(
    logStoreFor(
      'postgres' in options ? { postgres: options.postgres } : { redis: async () => worker.backend.client },
      worker,
    ),
    { logger, retention: resolveRetention() },
  );
  if ('postgres' in options) {
    remover = new ExpiredJobRemover(() => {
      // Typed as the Redis queue: clean() has the same shape on both backends.
      cleaner ??= new bullmq.Queue(
        queueName,
        { connection: options.postgres, ...QUEUE_OPTIONS },
        bullmq.createPostgresBackend,
      ) as unknown as Queue;
      return cleaner;
    }, logger);
  }
  const logError = throttledErrorLog(logger, 'BullMQ worker error');
  let closed = false;
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

  return {
    worker,
    async close() {
      abort.abort();
      const timeoutMs = options.closeTimeoutMs ?? 10_000;
      const timedOut = new Error('close timed out');
      try {
        await withTimeout(worker.close(), timeoutMs, () => timedOut);
      } catch (error) {
        if (error !== timedOut) throw error;
        logger.warn({ timeoutMs }, 'Worker closed with deliveries still running: they will be retried as stalled jobs');
        await worker.close(true);
      }
      // BullMQ works on duplicates of a Cluster connection given to it, and leaves the original open.
      if (redis?.prefix !== undefined) await redis.connection.quit?.().catch(() => {});
      await remover?.close();
      await cleaner?.close();
      await log?.close();
      closed = true;
    },
  };
}
