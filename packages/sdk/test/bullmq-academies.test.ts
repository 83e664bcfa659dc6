// Many academies on BullMQ, on a real Redis and a real PostgreSQL: each academy in a queue of its
// own, taken in turn (fairness), paused and resumed (kept in the store), rate-limited.
import { createProcessor, type Delivery, ReceiverError, silentLogger } from 'acadle-webhooks';
import { createEvent } from 'acadle-webhooks/testing';
import { startPostgres, startRedis, waitFor } from 'acadle-webhooks-test-harness';
import { Queue } from 'bullmq';
import express from 'express';
import request from 'supertest';
import { createExpressMiddleware } from '../src/adapters/express/index.js';
import {
  BullMQQueue,
  type BullMQQueueOptions,
  type BullMQWorker,
  type BullMQWorkerOptions,
  createBullMQWorker,
} from '../src/queue/bullmq/index.js';

jest.setTimeout(120_000);

type Connection = { redis: string } | { postgres: Record<string, unknown> };

const delivery = (academy: string): Delivery => {
  const event = createEvent('user_registered');
  return {
    id: event.id,
    type: event.type,
    academy,
    body: JSON.stringify(event),
    receivedAt: new Date().toISOString(),
    request: { remoteAddress: '127.0.0.1', userAgent: 'test', contentType: 'application/json' },
  };
};

async function enqueueAll(queue: BullMQQueue, deliveries: Delivery[]): Promise<void> {
  for (let start = 0; start < deliveries.length; start += 100)
    await Promise.all(deliveries.slice(start, start + 100).map((one) => queue.enqueue(one)));
}

describe.each([
  [
    'Redis',
    async () => {
      const server = await startRedis();
      return { connection: (): Connection => ({ redis: server.url }), stop: () => server.stop() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const server = await startPostgres();
      return {
        connection: (): Connection => ({ postgres: { ...server.connection, migrate: true } }),
        stop: () => server.stop(),
      };
    },
  ],
])('many academies on BullMQ on %s', (_, startBackend) => {
  let backend: Awaited<ReturnType<typeof startBackend>>;
  let sequence = 0;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    backend = await startBackend();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });
  afterAll(async () => {
    await backend?.stop();
  });

  function newQueue(queueName: string, options: Partial<BullMQQueueOptions> = {}) {
    const queue = new BullMQQueue({
      ...backend.connection(),
      queueName,
      logger: silentLogger,
      ...options,
    } as BullMQQueueOptions);
    cleanups.push(() => queue.close());
    return queue;
  }

  function newWorker(
    queueName: string,
    seen: { academy: string; id: string }[],
    options: Partial<BullMQWorkerOptions>,
  ) {
    const processor = createProcessor({
      handlers: { user_registered: (event, context) => void seen.push({ academy: context.academy, id: event.id }) },
      logger: silentLogger,
    });
    const worker: BullMQWorker = createBullMQWorker(processor, {
      ...backend.connection(),
      queueName,
      logger: silentLogger,
      ...options,
    } as BullMQWorkerOptions);
    cleanups.push(() => worker.close());
    return worker;
  }

  const nextName = () => {
    sequence += 1;
    return `academies-${sequence}-${Date.now()}`;
  };

  it('processes all 30 of B before half of the 3,000 A had queued first (each academy in a queue of its own, taken in turn)', async () => {
    const queueName = nextName();
    const queue = newQueue(queueName, { academies: ['a', 'b'] });
    await enqueueAll(
      queue,
      Array.from({ length: 3000 }, () => delivery('a')),
    );
    await enqueueAll(
      queue,
      Array.from({ length: 30 }, () => delivery('b')),
    );
    expect((await queue.getStats()).waiting).toBe(3030);
    expect(queue.queues.map((one) => one.name)).toEqual([queueName, `${queueName}.a`, `${queueName}.b`]);
    const seen: { academy: string; id: string }[] = [];
    newWorker(queueName, seen, { concurrency: 4, academies: ['a', 'b'] });
    await waitFor('all 30 of B processed', () => seen.filter((one) => one.academy === 'b').length === 30, 60_000);
    const processedOfA = seen.filter((one) => one.academy === 'a').length;
    console.log(JSON.stringify({ backend: _, processedOfAWhenBFinished: processedOfA }));
    expect(processedOfA).toBeLessThan(1500);
    await waitFor('all processed', () => seen.length === 3030, 90_000);
    expect(new Set(seen.map((one) => one.id)).size).toBe(3030);
  });

  it('pauses one academy: its new deliveries refused with 503 academy_paused, its stored ones held, kept across a restart; resume processes them', async () => {
    const queueName = nextName();
    const queue = newQueue(queueName, { academies: ['north', 'south'] });
    const held = delivery('north');
    await queue.enqueue(held);
    await queue.pauseAcademy('north');
    await expect(queue.enqueue(delivery('north'))).rejects.toMatchObject({ code: 'academy_paused', status: 503 });
    await expect(queue.enqueue(delivery('north'))).rejects.toBeInstanceOf(ReceiverError);
    // Through the receiver: 503 with a Retry-After and the code for north; south is untouched.
    const NORTH = 'north_token_0123456789';
    const SOUTH = 'south_token_0123456789';
    const auth = {
      academies: [
        { name: 'north', tokens: [NORTH] },
        { name: 'south', tokens: [SOUTH] },
      ],
    };
    const app = express().use(createExpressMiddleware({ queue, auth, path: '/hooks', logger: silentLogger }));
    const refused = await request(app).post(`/hooks?token=${NORTH}`).type('json').send(delivery('north').body);
    expect([refused.status, refused.body.error, refused.headers['retry-after']]).toEqual([
      503,
      'academy_paused',
      expect.stringMatching(/^\d+$/),
    ]);
    const taken = await request(app).post(`/hooks?token=${SOUTH}`).type('json').send(delivery('south').body);
    expect(taken.status).toBe(200);

    const seen: { academy: string; id: string }[] = [];
    newWorker(queueName, seen, { concurrency: 2, academies: ['north', 'south'] });
    const other = delivery('south');
    await queue.enqueue(other);
    await waitFor('south processed', () => seen.some((one) => one.id === other.id));
    // A restart (a second process) reads the pause from the store.
    const restarted = newQueue(queueName, { academies: ['north', 'south'] });
    expect(await restarted.pausedAcademies()).toEqual(['north']);
    await expect(restarted.enqueue(delivery('north'))).rejects.toMatchObject({ code: 'academy_paused' });
    expect(seen.some((one) => one.id === held.id)).toBe(false);
    await restarted.resumeAcademy('north');
    await waitFor('the held delivery processed after resume', () => seen.some((one) => one.id === held.id));
    // Every process trusts what it read for a second at most.
    await waitFor(
      'the first process sees the resume',
      async () =>
        await queue.enqueue(delivery('north')).then(
          () => true,
          () => false,
        ),
    );
    expect(await queue.pausedAcademies()).toEqual([]);
  });

  it('holds an academy to maxPerSecond (BullMQ limiter on its queue) while another goes at full speed', async () => {
    const queueName = nextName();
    const queue = newQueue(queueName, { academies: ['slow', 'fast'] });
    await enqueueAll(queue, [
      ...Array.from({ length: 12 }, () => delivery('slow')),
      ...Array.from({ length: 200 }, () => delivery('fast')),
    ]);
    const seen: { academy: string; id: string }[] = [];
    const started = Date.now();
    newWorker(queueName, seen, { concurrency: 4, academies: [{ name: 'slow', maxPerSecond: 4 }, 'fast'] });
    await waitFor('fast all processed', () => seen.filter((one) => one.academy === 'fast').length === 200, 60_000);
    const slowWhenFastDone = seen.filter((one) => one.academy === 'slow').length;
    await waitFor('slow all processed', () => seen.filter((one) => one.academy === 'slow').length === 12, 60_000);
    // 12 at 4 a second: at least three windows of a second (the first starts at once).
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(slowWhenFastDone).toBeLessThan(12);
  });
});

describe('many academies on a BullMQ queue of your own', () => {
  it('refuses to pause one academy (the queue holds them all: it would pause every academy)', async () => {
    const server = await startRedis();
    const own = new Queue(`own-${Date.now()}`, { connection: { port: server.port, maxRetriesPerRequest: 1 } });
    const queue = new BullMQQueue({ queue: own, logger: silentLogger });
    try {
      await expect(queue.pauseAcademy('north')).rejects.toThrow(/a queue of your own holds every academy/);
      await expect(queue.resumeAcademy('north')).rejects.toThrow(/a queue of your own holds every academy/);
      expect(await own.isPaused()).toBe(false);
    } finally {
      await queue.close();
      await server.stop();
    }
  });
});
