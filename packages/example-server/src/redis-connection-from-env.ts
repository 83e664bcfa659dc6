import type { RedisConnection } from 'acadle-webhooks/bullmq';
import { z } from 'zod';
import { commaSeparated } from './comma-separated.js';

// The Redis variables of the environment: one Redis (REDIS_URL), Sentinel or Cluster.

const hostPort = /^[^\s,:]+:\d{1,5}$/;
const addresses = commaSeparated.pipe(
  z.array(z.string().regex(hostPort, 'host:port, comma-separated')).min(1, 'at least one host:port'),
);

/** The Redis variables, checked with the rest of the environment in config.ts. */
export const redisEnvironment = {
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_SENTINELS: addresses.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  REDIS_CLUSTER_NODES: addresses.optional(),
  REDIS_MIN_REPLICAS: z.coerce.number().int().min(0, 'at least 0 (0: the primary’s copy is enough)').default(0),
};

const redisSchema = z.object(redisEnvironment);
type RedisValues = z.output<typeof redisSchema>;

/**
 * The connection that `BullMQQueue` and `createBullMQWorker` take (`undefined` without Redis
 * variables), or the problem, one line naming the variable. Sentinel and Cluster take the data password from
 * REDIS_PASSWORD or REDIS_URL (whose user, database number and TLS also apply; its host does not).
 */
export function redisConnectionFromEnv(values: RedisValues): { connection?: RedisConnection; problem?: string } {
  const url = values.REDIS_URL ? new URL(values.REDIS_URL) : undefined;
  const password = values.REDIS_PASSWORD ?? (url?.password ? decodeURIComponent(url.password) : undefined);
  const credentials = {
    ...(password === undefined ? {} : { password }),
    ...(url?.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url?.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  if (values.REDIS_SENTINELS && values.REDIS_CLUSTER_NODES) {
    return { problem: 'REDIS_CLUSTER_NODES: not with REDIS_SENTINELS (a Redis Cluster has no sentinels)' };
  }
  if (values.REDIS_SENTINELS) {
    if (!values.REDIS_SENTINEL_NAME) {
      return { problem: 'REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the name the sentinels monitor)' };
    }
    const connection: RedisConnection = {
      sentinels: values.REDIS_SENTINELS.map(toHostPort),
      name: values.REDIS_SENTINEL_NAME,
      ...(values.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: values.REDIS_SENTINEL_PASSWORD } : {}),
      ...credentials,
      ...(url && url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    };
    return { connection };
  }
  if (values.REDIS_CLUSTER_NODES) {
    return { connection: { clusterNodes: values.REDIS_CLUSTER_NODES, redisOptions: credentials } };
  }
  if (!url) return {};
  if (values.REDIS_PASSWORD && !url.password) url.password = encodeURIComponent(values.REDIS_PASSWORD);
  return { connection: url.href };
}

function toHostPort(address: string): { host: string; port: number } {
  const separator = address.lastIndexOf(':');
  return { host: address.slice(0, separator), port: Number(address.slice(separator + 1)) };
}
