// What a BullMQ store holds, in bytes, for the retention soak and the storage benchmark: everything
// retention bounds, and the dedupe keys apart (they are kept for the dedupe window, whatever the
// retention). Real servers only.
import { Redis } from 'ioredis';
import pg from 'pg';

/** The bytes a store holds: what retention bounds, and the dedupe keys apart. */
export interface StoreSizes {
  bytes: number;
  dedupeBytes: number;
}

/** Redis `used_memory`, less what the dedupe keys of `queueName` take (`MEMORY USAGE` of each). */
export async function redisSizes(port: number, queueName: string): Promise<StoreSizes> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  await client.connect();
  try {
    let dedupeBytes = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `bull:${queueName}:de:*`, 'COUNT', 1000);
      cursor = next;
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.memory('USAGE', key);
      for (const [, usage] of (await pipeline.exec()) ?? []) dedupeBytes += Number(usage);
    } while (cursor !== '0');
    const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
    return { bytes: used - dedupeBytes, dedupeBytes };
  } finally {
    client.disconnect();
  }
}

/** BullMQ's tables in PostgreSQL (data, indexes, TOAST), the dedupe table apart. */
export async function postgresSizes(connection: pg.ClientConfig): Promise<StoreSizes> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname <> 'dedup'), 0)::bigint AS bytes,
              COALESCE(SUM(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname = 'dedup'), 0)::bigint AS dedupe
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'bullmq' AND c.relkind = 'r'`,
    );
    return { bytes: Number(rows[0]?.bytes ?? 0), dedupeBytes: Number(rows[0]?.dedupe ?? 0) };
  } finally {
    await client.end();
  }
}

/**
 * Resolves once autovacuum has caught up with BullMQ's tables (dead rows at most 5 % of the live ones,
 * plus 100), or after `timeoutMs`: a store measured at rest, not halfway through reclaiming space.
 */
export async function postgresSettled(connection: pg.ClientConfig, timeoutMs = 15_000): Promise<void> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await client.query(
        "SELECT COALESCE(SUM(n_dead_tup), 0)::bigint AS dead, COALESCE(SUM(n_live_tup), 0)::bigint AS live FROM pg_stat_user_tables WHERE schemaname = 'bullmq'",
      );
      if (Number(rows[0]?.dead) <= Number(rows[0]?.live) * 0.05 + 100) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await client.end();
  }
}
