// One conformance suite for getStats: MemoryQueue, and BullMQQueue on real Redis and real PostgreSQL,
// answer the same shape with the same counts and ages for the same story.
import {
  type Delivery,
  type DeliveryProcessor,
  MemoryQueue,
  NonRetryableError,
  type QueueStats,
  silentLogger,
} from 'acadle-webhooks';
import { startPostgres, startRedis, waitFor } from 'acadle-webhooks-test-harness';
import { BullMQQueue, createBullMQWorker, readQueueStats } from '../src/queue/bullmq/index.js';

jest.setTimeout(90_000);

/** A queue under test, processing with `processor` one delivery at a time, retries a minute apart. */
interface StatsSubject {
  getStats(): Promise<QueueStats>;
  enqueue(delivery: Delivery): Promise<unknown>;
  close(): Promise<void>;
}

type Backend = {
  name: string;
  open(processor: DeliveryProcessor): StatsSubject;
  stop(): Promise<void>;
};

const RETRY_BACKOFF_MS = 60_000;

function memoryBackend(): Backend {
  return {
    name: 'MemoryQueue',
    open: (processor) =>
      new MemoryQueue({ processor, concurrency: 1, backoffMs: RETRY_BACKOFF_MS, logger: silentLogger }),
    stop: async () => {},
  };
}

function bullmqBackend(
  name: string,
  connection: () => { redis: string } | { postgres: object },
  stop: () => Promise<void>,
): Backend {
  let sequence = 0;
  return {
    name,
    open(processor) {
      sequence += 1;
      const queueName = `stats-${sequence}-${Date.now()}`;
      const queue = new BullMQQueue({ ...connection(), queueName, logger: silentLogger } as never);
      const worker = createBullMQWorker(processor, {
        ...connection(),
        queueName,
        concurrency: 1,
        backoffMs: RETRY_BACKOFF_MS,
        closeTimeoutMs: 1000,
        logger: silentLogger,
      } as never);
      return {
        getStats: () => queue.getStats(),
        enqueue: (delivery) => queue.enqueue(delivery),
        async close() {
          // The BullMQ queue alone (what a worker-only process has) reads the same counts.
          const counts = ({ waiting, active, retrying, processed, deadLetters }: QueueStats) => ({
            waiting,
            active,
            retrying,
            processed,
            deadLetters,
          });
          expect(counts(await readQueueStats(queue.queue))).toEqual(counts(await queue.getStats()));
          await worker.close();
          await queue.close();
        },
      };
    },
    stop,
  };
}

async function redisBackend(): Promise<Backend> {
  const server = await startRedis();
  return bullmqBackend(
    'BullMQ on Redis',
    () => ({ redis: server.url }),
    () => server.stop(),
  );
}

async function postgresBackend(): Promise<Backend> {
  const server = await startPostgres();
  return bullmqBackend(
    'BullMQ on PostgreSQL',
    () => ({ postgres: { ...server.connection, migrate: true } }),
    () => server.stop(),
  );
}

const delivery = (id: string): Delivery => ({
  id: `${id}-${Math.random().toString(36).slice(2)}`,
  type: 'user_registered',
  body: '{}',
  receivedAt: new Date().toISOString(),
  request: { remoteAddress: undefined, userAgent: undefined, contentType: undefined },
});

const EMPTY: QueueStats = {
  waiting: 0,
  active: 0,
  retrying: 0,
  processed: 0,
  deadLetters: 0,
  oldestUnprocessedAgeSeconds: 0,
  oldestDeadLetterAgeSeconds: 0,
  newestDeadLetterAgeSeconds: undefined,
};

describe.each([
  ['MemoryQueue', async () => memoryBackend()],
  ['BullMQ on Redis', redisBackend],
  ['BullMQ on PostgreSQL', postgresBackend],
])('getStats on %s', (_, startBackend) => {
  let backend: Backend;
  let subject: StatsSubject | undefined;

  beforeAll(async () => {
    backend = await startBackend();
  });
  afterEach(async () => {
    await subject?.close();
    subject = undefined;
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it('answers zeros, and no newest dead letter, for an empty queue', async () => {
    subject = backend.open(() => {});
    expect(await subject.getStats()).toEqual(EMPTY);
  });

  it('counts each state and ages the oldest unprocessed delivery and the dead letters', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    subject = backend.open(async (stored) => {
      await gate;
      if (stored.id.startsWith('dead-')) throw new NonRetryableError('dead at once');
      if (stored.id.startsWith('retry-')) throw new Error('retried in a minute');
    });
    const started = Date.now();
    // The first is taken by the one worker slot and held there; the other two wait behind it.
    await subject.enqueue(delivery('retry'));
    await waitFor('the first delivery active', async () => (await subject?.getStats())?.active === 1);
    await subject.enqueue(delivery('ok'));
    await subject.enqueue(delivery('dead'));
    await new Promise((resolve) => setTimeout(resolve, 1200));

    const behind = await subject.getStats();
    expect(behind).toMatchObject({ waiting: 2, active: 1, retrying: 0, processed: 0, deadLetters: 0 });
    expect(behind.oldestUnprocessedAgeSeconds).toBeGreaterThanOrEqual(1);
    expect(behind.oldestUnprocessedAgeSeconds).toBeLessThanOrEqual((Date.now() - started) / 1000 + 0.5);
    expect(behind.newestDeadLetterAgeSeconds).toBeUndefined();

    const released = Date.now();
    release();
    await waitFor('one processed, one dead, one retrying', async () => {
      const stats = await subject?.getStats();
      return stats?.processed === 1 && stats.deadLetters === 1 && stats.retrying === 1;
    });
    const after = await subject.getStats();
    expect(after).toMatchObject({ waiting: 0, active: 0, retrying: 1, processed: 1, deadLetters: 1 });
    // The retrying delivery is still not processed: it has been stored since the start.
    expect(after.oldestUnprocessedAgeSeconds).toBeGreaterThanOrEqual(1);
    const sinceRelease = (Date.now() - released) / 1000 + 0.5;
    expect(after.newestDeadLetterAgeSeconds).toBeLessThanOrEqual(sinceRelease);
    expect(after.oldestDeadLetterAgeSeconds).toBe(after.newestDeadLetterAgeSeconds);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = await subject.getStats();
    expect(later.oldestDeadLetterAgeSeconds).toBeGreaterThanOrEqual(1);
    expect(later.oldestUnprocessedAgeSeconds).toBeGreaterThan(after.oldestUnprocessedAgeSeconds);
  });
});
