// pnpm --filter acadle-webhooks bench:storage — what one delivery costs each backend, for the sizing
// table of docs/deployment.md: a BullMQQueue stores N deliveries, a worker processes them, and the
// store is measured before and after (Redis `used_memory`; PostgreSQL's tables, the dedupe table
// apart). Real redis-server and embedded PostgreSQL on loopback; bounded by N.
import { createProcessor, silentLogger } from 'acadle-webhooks';
import { createEvent } from 'acadle-webhooks/testing';
import { startPostgres, startRedis, waitFor } from 'acadle-webhooks-test-harness';
import { Redis } from 'ioredis';
import pg from 'pg';
import { BullMQQueue, createBullMQWorker } from '../src/queue/bullmq/index.js';

const COUNT = Number(process.argv.find((arg) => arg.startsWith('--count='))?.slice(8) ?? 10_000);

interface Sizes {
  stored: number;
  dedupe: number;
}

async function measure(connection: object, size: () => Promise<Sizes>) {
  const queue = new BullMQQueue({ ...connection, queueName: 'storage', logger: silentLogger } as never);
  const empty = await size();
  const deliveries = Array.from({ length: COUNT }, () => {
    const event = createEvent('user_course_completed');
    const body = JSON.stringify(event);
    return {
      id: event.id,
      type: event.type,
      body,
      receivedAt: new Date().toISOString(),
      request: { remoteAddress: '203.0.113.9', userAgent: 'Acadle', contentType: 'application/json' },
    };
  });
  for (let index = 0; index < COUNT; index += 100) {
    await Promise.all(deliveries.slice(index, index + 100).map((delivery) => queue.enqueue(delivery)));
  }
  const waiting = await size();
  const worker = createBullMQWorker(createProcessor({ handlers: {}, logger: silentLogger }), {
    ...connection,
    queueName: 'storage',
    concurrency: 8,
    logger: silentLogger,
  } as never);
  await waitFor('every delivery processed', async () => (await queue.queue.getCompletedCount()) >= COUNT, 600_000);
  await worker.close();
  const processed = await size();
  await queue.close();
  const bodyBytes = deliveries.reduce((sum, delivery) => sum + Buffer.byteLength(delivery.body), 0) / COUNT;
  const per = (after: Sizes, key: keyof Sizes) => Math.round((after[key] - empty[key]) / COUNT);
  return {
    deliveries: COUNT,
    bodyBytes: Math.round(bodyBytes),
    waitingBytesPerDelivery: per(waiting, 'stored'),
    processedBytesPerDelivery: per(processed, 'stored'),
    dedupeBytesPerDelivery: per(processed, 'dedupe'),
  };
}

async function main() {
  const redis = await startRedis();
  const client = new Redis({ host: '127.0.0.1', port: redis.port });
  const redisSizes = async (): Promise<Sizes> => {
    let dedupe = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', 'bull:storage:de:*', 'COUNT', 1000);
      cursor = next;
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.memory('USAGE', key);
      for (const [, usage] of (await pipeline.exec()) ?? []) dedupe += Number(usage);
    } while (cursor !== '0');
    const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
    return { stored: used - dedupe, dedupe };
  };
  const onRedis = await measure({ redis: redis.url }, redisSizes);
  client.disconnect();
  await redis.stop();

  const postgres = await startPostgres();
  const database = new pg.Client(postgres.connection);
  await database.connect();
  const postgresSizes = async (): Promise<Sizes> => {
    const { rows } = await database.query(
      `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname <> 'dedup'), 0)::bigint AS stored,
              COALESCE(SUM(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname = 'dedup'), 0)::bigint AS dedupe
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'bullmq' AND c.relkind = 'r'`,
    );
    return { stored: Number(rows[0]?.stored ?? 0), dedupe: Number(rows[0]?.dedupe ?? 0) };
  };
  const onPostgres = await measure({ postgres: { ...postgres.connection, migrate: true } }, postgresSizes);
  await database.end();
  await postgres.stop();
  console.log(JSON.stringify({ redis: onRedis, postgres: onPostgres }, null, 2));
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
