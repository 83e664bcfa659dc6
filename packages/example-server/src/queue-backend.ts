import {
  type AcademyPausing,
  type DeliveryLog,
  type DeliveryProcessor,
  type EventQueue,
  MemoryQueue,
  type QueueStats,
} from 'acadle-webhooks';
import {
  BullMQQueue,
  type BullMQWorker,
  createBullMQWorker,
  type PostgresConnection,
  type RedisConnection,
} from 'acadle-webhooks/bullmq';
import { startEmbeddedDatabase } from 'acadle-webhooks-embedded-database';
import type { Logger } from 'pino';
import type { AcademyTokens } from './academies.js';
import { checkReplicas } from './check-replicas.js';
import type { Config } from './config.js';

/** The queue the server stores into and works from, whatever its backend: one contract (the SDK's `DeliveryLog`). */
export interface QueueBackend {
  queue: EventQueue & DeliveryLog & AcademyPausing;
  /** The BullMQ-backed queue, for Bull Board (which must follow `onQueueReplaced`); none in memory mode. */
  bullmq: BullMQQueue | undefined;
  /** Resolves when the backend answers, rejects otherwise. */
  ping(): Promise<void>;
  jobCounts(): Promise<Record<string, number>>;
  /** What the queue holds and how far behind processing is (the lag metrics). */
  stats(): Promise<QueueStats>;
  /** Starts processing with `processor` (ROLE all or worker). */
  startWorker(processor: DeliveryProcessor): void;
  /** Takes more academies (a reload of ACADEMIES_FILE): their queues open, and the worker takes them too. */
  addAcademies(academies: AcademyTokens[]): void;
  /** Closes the worker (bounded), the queue, and the embedded database. */
  close(): Promise<void>;
}

/** Connects to (or starts) the configured backend. */
export async function createQueueBackend(config: Config, logger: Logger): Promise<QueueBackend> {
  if (config.queueBackend === 'memory') return memoryBackend(config, logger);

  const database =
    config.queueBackend === 'embedded'
      ? await startEmbeddedDatabase(config.dataDir, config.embeddedPostgresPort, logger)
      : undefined;
  const connection: { redis: RedisConnection } | { postgres: PostgresConnection } =
    config.queueBackend === 'redis'
      ? { redis: config.redis as RedisConnection }
      : {
          postgres: database
            ? { ...database.connection, migrate: true }
            : { connectionString: config.databaseUrl, migrate: true },
        };
  // Each academy in a queue of its own, taken in turn by the worker (docs/architecture.md).
  const academies = config.webhookAcademies ?? [];
  const queue = new BullMQQueue({
    ...connection,
    academies: academies.map((academy) => academy.name),
    minReplicas: config.redisMinReplicas,
    retention: config.retention,
    logger: logger.child({ component: 'queue' }),
  });
  if (config.role !== 'worker') await checkReplicas(queue, config.redisMinReplicas);
  let worker: BullMQWorker | undefined;
  return {
    queue,
    bullmq: queue,
    ping: () => queue.ping(),
    stats: () => queue.getStats(),
    async jobCounts() {
      // Every academy's queue, summed.
      const counts = await Promise.all(
        queue.queues.map((one) => one.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')),
      );
      const total: Record<string, number> = {};
      for (const one of counts)
        for (const [state, count] of Object.entries(one)) total[state] = (total[state] ?? 0) + count;
      return total;
    },
    startWorker(processor) {
      worker = createBullMQWorker(processor, {
        ...connection,
        ...config.worker,
        academies: academies.map(workerAcademy),
        closeTimeoutMs: config.shutdownTimeoutMs,
        logger: logger.child({ component: 'worker' }),
      });
    },
    addAcademies(added) {
      queue.addAcademies(added.map((academy) => academy.name));
      worker?.addAcademies(added.map(workerAcademy));
    },
    async close() {
      await worker?.close();
      await queue.close();
      await database?.stop();
    },
  };
}

function memoryBackend(config: Config, logger: Logger): QueueBackend {
  logger.warn(
    { queueBackend: 'memory' },
    'QUEUE_BACKEND=memory is not durable: deliveries acknowledged but not yet processed are lost when the process stops',
  );
  let processor: DeliveryProcessor | undefined;
  const { concurrency, attempts, backoffMs } = config.worker;
  const queue = new MemoryQueue({
    processor: (delivery, context) => processor?.(delivery, context),
    concurrency,
    attempts,
    backoffMs,
    retention: config.retention,
    logger: logger.child({ component: 'queue' }),
  });
  return {
    queue,
    bullmq: undefined,
    ping: async () => {},
    stats: () => queue.getStats(),
    async jobCounts() {
      const { deadLetters } = await queue.getStats();
      return { pending: queue.pending, completed: queue.processed, failed: deadLetters };
    },
    startWorker(chosen) {
      processor = chosen;
    },
    // One in-process queue takes academies in turn already; maxPerSecond needs BullMQ.
    addAcademies() {},
    close: () => queue.close(config.shutdownTimeoutMs),
  };
}

/** What the worker takes of an academy: its name, and its rate limit (ACADEMIES_FILE's `maxPerSecond`). */
function workerAcademy(academy: AcademyTokens): { name: string; maxPerSecond?: number } {
  return academy.maxPerSecond === undefined
    ? { name: academy.name }
    : { name: academy.name, maxPerSecond: academy.maxPerSecond };
}
