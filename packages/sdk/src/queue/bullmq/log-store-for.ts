import type { Queue } from 'bullmq';
import type { LogStore } from '../../deliveries/log-store.js';
import type { PostgresConnection } from './postgres-connection.js';
import { PostgresLogStore } from './postgres-log-store.js';
import { RedisLogStore } from './redis-log-store.js';

/** Where a queue's delivery log goes: beside its jobs, in the same Redis or PostgreSQL. */
export type LogConnection = { postgres: PostgresConnection } | { redis: () => Promise<unknown> };

/** The log store of the BullMQ queue or worker `owner` (its name and key prefix), on `connection`. */
export function logStoreFor(connection: LogConnection, owner: Pick<Queue, 'name' | 'opts'>): LogStore {
  if ('postgres' in connection) return new PostgresLogStore(connection.postgres, owner.name);
  return new RedisLogStore(connection.redis, `${owner.opts.prefix ?? 'bull'}:${owner.name}:log`);
}
