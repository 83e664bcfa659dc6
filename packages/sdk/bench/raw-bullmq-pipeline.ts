// The baseline of the pipeline part: BullMQ as its own documentation shows it, no HTTP, no SDK.
import { createPostgresBackend, Queue, Worker } from 'bullmq';
import type { PostgresConnection } from '../src/queue/bullmq/index.js';
import { bodyTemplate, nextSequence } from './deliveries.js';
import { processedAtLeast, warmupCount } from './measure.js';

/** Raw BullMQ: `add` (50 in flight) + a no-op `Worker` (concurrency 20); deliveries per second until all ran. */
export async function rawBullMQPipeline(
  connection: { redis: string } | { postgres: PostgresConnection },
  count: number,
): Promise<number> {
  const name = `raw-${nextSequence()}`;
  const redis = 'redis' in connection ? { host: '127.0.0.1', port: Number(new URL(connection.redis).port) } : undefined;
  const queue = redis
    ? new Queue(name, { connection: redis })
    : (new Queue(
        name,
        { connection: (connection as { postgres: PostgresConnection }).postgres },
        createPostgresBackend,
      ) as unknown as Queue);
  let done = 0;
  const processor = async () => {
    done += 1;
  };
  const worker = redis
    ? new Worker(name, processor, { connection: { ...redis, maxRetriesPerRequest: null }, concurrency: 20 })
    : (new Worker(
        name,
        processor,
        { connection: (connection as { postgres: PostgresConnection }).postgres, concurrency: 20 },
        createPostgresBackend,
      ) as unknown as Worker);
  await queue.waitUntilReady();
  await worker.waitUntilReady();
  const body = bodyTemplate(1024);
  const addAll = async (amount: number) => {
    const jobs = Array.from({ length: amount }, () => JSON.parse(body(nextSequence())));
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          await queue.add(job.type, job);
        }
      }),
    );
  };
  const warmup = warmupCount(count);
  await addAll(warmup);
  await processedAtLeast(() => done, warmup, 'raw pipeline warm-up');
  const started = performance.now();
  await addAll(count);
  await processedAtLeast(() => done, warmup + count, 'raw pipeline');
  const rate = count / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.close();
  return rate;
}
