import type { RedisConnectionClient, RedisOptions } from 'bullmq';
import {
  clusterKeyPrefix,
  createRedisCluster,
  isRedisClusterOptions,
  type RedisClusterOptions,
} from './redis-cluster.js';
import { redisOptionsFromUrl } from './redis-options-from-url.js';

/**
 * Where Redis is: a URL; connection options (a single node, or Sentinel with `sentinels` and
 * `name`); `{ clusterNodes }` for a Redis Cluster; or, for a queue only, an ioredis instance.
 */
export type RedisConnection = RedisOptions | string | RedisClusterOptions;

/** Whether `redis` is a client instance (ioredis, node-redis, …) rather than connection options. */
export function isRedisClient(redis: RedisConnection | RedisConnectionClient): redis is RedisConnectionClient {
  return typeof redis === 'object' && typeof (redis as RedisConnectionClient).duplicate === 'function';
}

/**
 * What BullMQ gets for a producer (`role: 'producer'`, on the HTTP path: fails fast rather than wait
 * for Redis) or a worker (blocks on Redis and waits through outages, as BullMQ requires), and the
 * key prefix: a hash tag on Cluster, BullMQ's default elsewhere.
 */
export function redisConnectionFor(
  redis: RedisConnection,
  role: 'producer' | 'worker',
  queueName: string,
): { connection: RedisOptions | RedisConnectionClient; prefix?: string } {
  if (isRedisClusterOptions(redis)) {
    // The cluster keeps its offline queue while it discovers the slots; the receiver's timeout bounds the wait.
    const nodeOptions: RedisOptions =
      role === 'producer' ? { maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null };
    return { connection: createRedisCluster(redis, nodeOptions), prefix: clusterKeyPrefix(queueName) };
  }
  const base: RedisOptions = typeof redis === 'string' ? redisOptionsFromUrl(redis) : redis;
  if (role === 'worker') return { connection: { ...base, maxRetriesPerRequest: null } };
  const connection: RedisOptions = {
    connectTimeout: 2000,
    ...base,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Reconnect forever, never more than 2 s apart, so the queue heals as soon as Redis is back.
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 2000),
  };
  // Each reconnection asks the sentinels for the primary again: after a failover, the promoted replica.
  // (ioredis's `failoverDetector` would hear of it sooner, but keeps a connection open after `quit`.)
  if (base.sentinels) connection.sentinelRetryStrategy = (attempt: number) => Math.min(100 * attempt, 1000);
  return { connection };
}
