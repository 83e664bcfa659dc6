import { createRequire } from 'node:module';
import type { RedisConnectionClient, RedisOptions } from 'bullmq';
import { MissingPeerError } from './load-bullmq.js';

/** One node of a Redis Cluster, as an address. */
export interface RedisClusterNode {
  /** The node's host name or IP address. */
  host: string;
  /** The node's port. */
  port: number;
}

/** A Redis Cluster: some of its nodes (the rest are discovered), and the options of every node connection. */
export interface RedisClusterOptions {
  /** Nodes to discover the cluster from: `host:port` strings or `{ host, port }`. */
  clusterNodes: ReadonlyArray<string | RedisClusterNode>;
  /** Options for each node connection: password, username, TLS. */
  redisOptions?: RedisOptions;
}

/** Whether a `redis` option asks for a Redis Cluster. */
export function isRedisClusterOptions(redis: unknown): redis is RedisClusterOptions {
  return typeof redis === 'object' && redis !== null && 'clusterNodes' in redis;
}

/**
 * The key prefix of a queue on Redis Cluster: a hash tag, so that all the queue's keys share one
 * slot, as BullMQ's multi-key Lua scripts require (https://docs.bullmq.io/guide/going-to-production#redis-cluster).
 */
export function clusterKeyPrefix(queueName: string): string {
  return `{${queueName}}`;
}

const peerRequire = createRequire(__filename);

/**
 * An ioredis `Cluster` (BullMQ builds connections only to single nodes from options). ioredis is
 * loaded here, when a cluster is asked for, so that PostgreSQL users need no Redis driver.
 */
export function createRedisCluster(cluster: RedisClusterOptions, nodeOptions: RedisOptions): RedisConnectionClient {
  let ioredis: { Cluster: new (nodes: unknown[], options: unknown) => RedisConnectionClient };
  try {
    ioredis = peerRequire('ioredis');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new MissingPeerError(
      'acadle-webhooks/bullmq needs the ioredis package for Redis Cluster: npm install ioredis',
    );
  }
  const nodes = cluster.clusterNodes.map((node) => {
    if (typeof node !== 'string') return node;
    const separator = node.lastIndexOf(':');
    return { host: node.slice(0, separator), port: Number(node.slice(separator + 1)) };
  });
  return new ioredis.Cluster(nodes, { redisOptions: { ...cluster.redisOptions, ...nodeOptions } });
}
