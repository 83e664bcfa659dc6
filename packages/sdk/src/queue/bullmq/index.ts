/**
 * A durable queue and its workers on BullMQ, with Redis or PostgreSQL underneath.
 *
 * @packageDocumentation
 * @module acadle-webhooks/bullmq
 */
export { BullMQQueue, type BullMQQueueOptions } from './bullmq-queue.js';
export {
  type BullMQWorker,
  type BullMQWorkerOptions,
  createBullMQWorker,
  type WorkerAcademy,
} from './create-bullmq-worker.js';
export { DEFAULT_QUEUE_NAME } from './default-queue-name.js';
export type { PostgresConnection } from './postgres-connection.js';
export { type QueueStatsSource, readQueueStats } from './read-queue-stats.js';
export type { RedisClusterNode, RedisClusterOptions } from './redis-cluster.js';
export type { RedisConnection } from './redis-connection.js';
