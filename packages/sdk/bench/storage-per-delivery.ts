// pnpm --filter acadle-webhooks bench:storage — what one delivery costs each backend, for the sizing
// table of docs/deployment.md: a BullMQQueue stores N deliveries, a worker processes them, and the
// store is measured before and after (Redis `used_memory`; PostgreSQL's tables, the dedupe table
// apart). Real redis-server and embedded PostgreSQL on loopback; bounded by N.
import { createProcessor, silentLogger } from 'acadle-webhooks';
import { createEvent } from 'acadle-webhooks/testing';
import {
  postgresSizes,
  redisSizes,
  type StoreSizes,
  startPostgres,
  startRedis,
  waitFor,
} from 'acadle-webhooks-test-harness';
import { BullMQQueue, createBullMQWorker } from '../src/queue/bullmq/index.js';

const COUNT = Number(process.argv.find((arg) => arg.startsWith('--count='))?.slice(8) ?? 10_000);

async function measure(connection: object, size: () => Promise<StoreSizes>) {
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
  const per = (after: StoreSizes, key: keyof StoreSizes) => Math.round((after[key] - empty[key]) / COUNT);
  return {
    deliveries: COUNT,
    bodyBytes: Math.round(bodyBytes),
    waitingBytesPerDelivery: per(waiting, 'bytes'),
    processedBytesPerDelivery: per(processed, 'bytes'),
    dedupeBytesPerDelivery: per(processed, 'dedupeBytes'),
  };
}

async function main() {
  const redis = await startRedis();
  const onRedis = await measure({ redis: redis.url }, () => redisSizes(redis.port, 'storage'));
  await redis.stop();

  const postgres = await startPostgres();
  const onPostgres = await measure({ postgres: { ...postgres.connection, migrate: true } }, () =>
    postgresSizes(postgres.connection),
  );
  await postgres.stop();
  console.log(JSON.stringify({ redis: onRedis, postgres: onPostgres }, null, 2));
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
