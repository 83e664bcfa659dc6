import type { Logger } from 'acadle-webhooks';
import type { DefaultJobOptions, Queue, RedisConnectionClient } from 'bullmq';
import type { RetentionOptions } from '../retention.js';
import type { PostgresConnection } from './postgres-connection.js';
import type { RedisConnection } from './redis-connection.js';

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
  /**
   * Academies whose queues open at once (statistics and dashboards count them before their first
   * delivery). Each academy's deliveries go to a BullMQ queue of its own (`<queueName>.<academy>`;
   * `default` keeps `queueName`), opened at its first delivery if not listed here, so that workers
   * take academies in turn and one can be paused. With a `queue` of your own, all share it.
   */
  academies?: readonly string[];
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
