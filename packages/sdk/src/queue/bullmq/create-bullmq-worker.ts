import { consoleLogger, type Delivery, type DeliveryProcessor, type Logger, NonRetryableError } from 'acadle-webhooks';
import type { Job, Worker } from 'bullmq';
import { loadOpenTelemetry } from '../../shared/load-open-telemetry.js';
import { withTimeout } from '../../shared/with-timeout.js';
import { continueTrace } from '../trace-context.js';
import type { PostgresConnection } from './bullmq-queue.js';
import { DEFAULT_QUEUE_NAME } from './default-queue-name.js';
import { bullmq } from './load-bullmq.js';
import { type RedisConnection, redisConnectionFor } from './redis-connection.js';
import { fromStoredDelivery } from './stored-delivery.js';
import { throttledErrorLog } from './throttled-error-log.js';

/** How a worker runs and retries deliveries. */
export type BullMQWorkerOptions = {
  /** The queue to take deliveries from, as given to `BullMQQueue`. @defaultValue {@link DEFAULT_QUEUE_NAME} */
  queueName?: string;
  /** Deliveries processed at once by this worker. @defaultValue 1 */
  concurrency?: number;
  /** Attempts before a delivery becomes a dead letter (BullMQ's failed set). @defaultValue 8 */
  attempts?: number;
  /** Delay before the first retry; doubled at each further one, with jitter. @defaultValue 1000 */
  backoffMs?: number;
  /** Longest delay between two attempts. @defaultValue 1 hour */
  maxBackoffMs?: number;
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
  const attempts = options.attempts ?? 8;
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
  const logger = options.logger ?? consoleLogger;
  const abort = new AbortController();
  loadOpenTelemetry();

  const run = async (job: Job<Delivery>) => {
    const attempt = job.attemptsMade + 1;
    try {
      const { delivery, traceContext } = fromStoredDelivery(job.data);
      await continueTrace(traceContext, () => processor(delivery, { attempt, signal: abort.signal }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof NonRetryableError) throw new bullmq.UnrecoverableError(message);
      if (attempt >= attempts) throw new bullmq.UnrecoverableError(`Gave up after ${attempt} attempts: ${message}`);
      throw error;
    }
  };

  const workerOptions = {
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    // A job whose worker died twice mid-way is retried once more before it counts as failed.
    maxStalledCount: 2,
    settings: {
      backoffStrategy: (attemptsMade: number) => {
        const exponential = Math.min(backoffMs * 2 ** Math.max(0, attemptsMade - 1), maxBackoffMs);
        // Full jitter on half the delay spreads retries of many failed jobs apart.
        return Math.round(exponential / 2 + Math.random() * (exponential / 2));
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
  const logError = throttledErrorLog(logger, 'BullMQ worker error');
  let closed = false;
  // Once closed, a connection BullMQ had not yet let go of may still report the store going away
  // (the reference server stops its embedded PostgreSQL right after): expected, so debug only.
  worker.on('error', (error) => {
    if (closed) logger.debug({ err: error }, 'BullMQ worker error after close');
    else logError(error);
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
      closed = true;
    },
  };
}
