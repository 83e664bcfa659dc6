// BullMQQueue.enqueue on PostgreSQL, 50 deliveries in flight: group commit (the default) against
// one add per delivery (maxBatchSize 1), alternating rounds in one run. No HTTP: the store alone.
// pnpm bench --only=enqueue.
import { silentLogger } from '../src/index.js';
import { BullMQQueue, type PostgresConnection } from '../src/queue/bullmq/index.js';
import { createEvent } from '../src/testing/index.js';
import { alternatingRounds } from './bench-settings.js';
import { defineBenchmark } from './benchmark.js';
import { median, warmupCount } from './measure.js';
import { printTable } from './print-table.js';
import { rowById } from './target.js';

const IN_FLIGHT = 50;

let sequence = 0;

/** Deliveries per second through `enqueue`, `IN_FLIGHT` at a time, `count` in all. */
async function enqueueRate(queue: BullMQQueue, count: number): Promise<number> {
  const template = JSON.stringify(createEvent('user_course_completed', { id: '__ID__' }));
  const request = { remoteAddress: '127.0.0.1', userAgent: 'bench', contentType: 'application/json' };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) {
        next += 1;
        sequence += 1;
        const id = `enqueue-${process.pid}-${sequence}`;
        const body = template.replace('__ID__', id);
        const result = await queue.enqueue({
          id,
          type: 'user_course_completed',
          body,
          receivedAt: new Date().toISOString(),
          request,
        });
        if (result.duplicate) throw new Error(`enqueue benchmark: ${id} reported as a duplicate`);
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

interface EnqueueSettings {
  rounds: number;
  deliveries: number;
}

/** Rows for the report: single adds, group commit, and their ratio. */
async function measureEnqueue(postgres: PostgresConnection, options: EnqueueSettings) {
  const variants = [
    ['single-adds', 'one add per delivery (maxBatchSize 1)', 1],
    ['group-commit', 'group commit (default maxBatchSize)', undefined],
  ] as const;
  const queues = variants.map(
    ([, , maxBatchSize], index) =>
      new BullMQQueue({
        postgres,
        queueName: `bench-enqueue-${process.pid}-${index}`,
        logger: silentLogger,
        ...(maxBatchSize === undefined ? {} : { maxBatchSize }),
      }),
  );
  try {
    const rates: number[][] = variants.map(() => []);
    for (const queue of queues) await enqueueRate(queue, warmupCount(options.deliveries));
    for (let round = 0; round < options.rounds; round += 1) {
      for (const [index, queue] of queues.entries()) rates[index]?.push(await enqueueRate(queue, options.deliveries));
    }
    const single = median(rates[0] ?? [0]);
    return variants.map(([id, label], index) => ({
      'BullMQQueue on embedded PostgreSQL': label,
      'deliveries/s': Math.round(median(rates[index] ?? [0])),
      'vs single adds': Number((median(rates[index] ?? [0]) / single).toFixed(2)),
      id,
    }));
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
}

export const enqueueBenchmark = defineBenchmark({
  id: 'enqueue',
  sections: ['enqueue'],
  settings: ({ smoke }): EnqueueSettings => ({
    rounds: alternatingRounds(smoke).rounds,
    deliveries: smoke ? 200 : 3_000,
  }),
  async run(context, settings) {
    const enqueue = await measureEnqueue(context.postgres.postgres, settings);
    printTable(
      `Enqueue: BullMQQueue.enqueue, 50 in flight, ${settings.deliveries} deliveries, ${settings.rounds} alternating rounds, medians`,
      enqueue,
    );
    return { enqueue };
  },
  targets({ enqueue }) {
    const groupCommit = rowById(enqueue, 'group-commit');
    return [
      {
        target: 'BullMQQueue PostgreSQL enqueue, group commit >= 3x single adds',
        value: groupCommit?.['vs single adds'],
        met: Number(groupCommit?.['vs single adds'] ?? 0) >= 3,
        id: 'enqueue-group-commit',
      },
    ];
  },
});
