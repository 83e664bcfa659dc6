// pnpm bench:pipeline — deliveries per second through BullMQQueue.enqueue + createBullMQWorker
// (no-op handler) against raw BullMQ `add` + `Worker` (no-op processor), on Redis and on embedded
// PostgreSQL, side by side in alternating rounds (A B A B ...). Medians reported.

import { startPostgres, startRedis } from 'acadle-webhooks-test-harness';
import { createPostgresBackend, Queue, Worker } from 'bullmq';
import { BullMQQueue, createBullMQWorker, type PostgresConnection } from '../src/adapters/bullmq/index.js';
import { createProcessor, type Delivery } from '../src/index.js';
import { createEvent } from '../src/testing/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = 50;
const CONCURRENCY = 20;

type Connection = { redis: string } | { postgres: PostgresConnection };
let sequence = 0;

function deliveries(count: number): Delivery[] {
  return Array.from({ length: count }, () => {
    const event = createEvent('user_course_completed');
    return {
      id: event.id,
      type: event.type,
      body: JSON.stringify(event),
      receivedAt: new Date().toISOString(),
      request: { remoteAddress: '127.0.0.1', userAgent: 'bench', contentType: 'application/json' },
    };
  });
}

/** Runs `add` on every item with at most IN_FLIGHT at once. */
async function addAll<T>(items: T[], add: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < items.length) await add(items[next++] as T);
    }),
  );
}

async function raw(connection: Connection, items: Delivery[]): Promise<number> {
  const name = `raw-${(sequence += 1)}`;
  const redisConnection =
    'redis' in connection ? { host: '127.0.0.1', port: Number(new URL(connection.redis).port) } : undefined;
  const queue = redisConnection
    ? new Queue(name, { connection: redisConnection })
    : (new Queue(
        name,
        { connection: (connection as { postgres: PostgresConnection }).postgres },
        createPostgresBackend,
      ) as unknown as Queue);
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const processor = async () => {
    done += 1;
    if (done === items.length) finish();
  };
  const worker = redisConnection
    ? new Worker(name, processor, {
        connection: { ...redisConnection, maxRetriesPerRequest: null },
        concurrency: CONCURRENCY,
      })
    : (new Worker(
        name,
        processor,
        { connection: (connection as { postgres: PostgresConnection }).postgres, concurrency: CONCURRENCY },
        createPostgresBackend,
      ) as unknown as Worker);
  await queue.waitUntilReady();
  await worker.waitUntilReady();
  const started = performance.now();
  await addAll(items, (item) => queue.add(item.type, item));
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  return items.length / seconds;
}

async function sdk(connection: Connection, items: Delivery[]): Promise<number> {
  const queueName = `sdk-${(sequence += 1)}`;
  const queue = new BullMQQueue({ ...connection, queueName } as ConstructorParameters<typeof BullMQQueue>[0]);
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const noop = async () => {
    done += 1;
    if (done === items.length) finish();
  };
  const handlers = { user_course_completed: noop };
  const worker = createBullMQWorker(createProcessor({ handlers }), {
    ...connection,
    queueName,
    concurrency: CONCURRENCY,
  } as Parameters<typeof createBullMQWorker>[1]);
  await queue.queue.waitUntilReady();
  await worker.worker.waitUntilReady();
  const started = performance.now();
  await addAll(items, (item) => queue.enqueue(item));
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  return items.length / seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function compare(label: string, connection: Connection, count: number) {
  await raw(connection, deliveries(Math.min(count, 300))); // warm-up
  await sdk(connection, deliveries(Math.min(count, 300)));
  const rawRates: number[] = [];
  const sdkRates: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    rawRates.push(await raw(connection, deliveries(count)));
    sdkRates.push(await sdk(connection, deliveries(count)));
  }
  const ratios = sdkRates.map((rate, index) => rate / (rawRates[index] as number));
  return {
    backend: label,
    deliveries: count,
    'raw BullMQ jobs/s': Math.round(median(rawRates)),
    'SDK jobs/s': Math.round(median(sdkRates)),
    ratio: Number(median(ratios).toFixed(2)),
  };
}

async function main() {
  const redis = await startRedis();
  const postgres = await startPostgres();
  try {
    const rows = [
      await compare('Redis', { redis: redis.url }, Number(process.env.BENCH_REDIS_JOBS ?? 3000)),
      await compare(
        'PostgreSQL (embedded)',
        { postgres: { ...postgres.connection, migrate: true } },
        Number(process.env.BENCH_POSTGRES_JOBS ?? 600),
      ),
    ];
    console.log(
      `node ${process.version}, ${ROUNDS} alternating rounds, ${IN_FLIGHT} adds in flight, worker concurrency ${CONCURRENCY}, medians`,
    );
    console.table(rows);
    for (const row of rows)
      console.log(`${row.backend}: ratio ${row.ratio} (target >= 0.85): ${row.ratio >= 0.85 ? 'met' : 'MISSED'}`);
  } finally {
    await redis.stop();
    await postgres.stop();
  }
}

void main();
