import { fork } from 'node:child_process';
import { join } from 'node:path';
import {
  createProcessor,
  type Delivery,
  type EventHandlers,
  type KnownEvent,
  NonRetryableError,
  type ProcessOutcome,
  silentLogger,
} from 'acadle-webhooks';
import { createEvent, fixtures } from 'acadle-webhooks/testing';
import {
  type PostgresServer,
  type RedisServer,
  startPostgres,
  startRedis,
  waitFor,
} from 'acadle-webhooks-test-harness';
import type { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { createExpressMiddleware } from '../src/adapters/express/index.js';
import {
  BullMQQueue,
  type BullMQQueueOptions,
  type BullMQWorker,
  type BullMQWorkerOptions,
  createBullMQWorker,
} from '../src/queue/bullmq/index.js';
import { recordingLogger } from './harness.js';

jest.setTimeout(90_000);

type Connection = { redis: string } | { postgres: Record<string, unknown> };

interface Backend {
  name: string;
  connection(): Connection;
  /** Makes the store unreachable, as a crash would. */
  breakDown(): Promise<void>;
  /** Brings it back, with its data. */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

async function redisBackend(): Promise<Backend> {
  const server: RedisServer = await startRedis();
  return {
    name: 'Redis',
    connection: () => ({ redis: server.url }),
    breakDown: () => server.kill(),
    restore: () => server.start(),
    stop: () => server.stop(),
  };
}

async function postgresBackend(): Promise<Backend> {
  const server: PostgresServer = await startPostgres();
  return {
    name: 'PostgreSQL',
    connection: () => ({ postgres: { ...server.connection, migrate: true } }),
    breakDown: () => server.pause(),
    restore: () => server.start(),
    stop: () => server.stop(),
  };
}

const delivery = (body: object | string, id?: string): Delivery => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const parsed = JSON.parse(text);
  return {
    id: id ?? String(parsed.id),
    type: parsed.type,
    body: text,
    receivedAt: new Date().toISOString(),
    request: { remoteAddress: '127.0.0.1', userAgent: 'test', contentType: 'application/json' },
  };
};

describe.each([
  ['Redis', redisBackend],
  ['PostgreSQL', postgresBackend],
])('BullMQ on %s', (_, startBackend) => {
  let backend: Backend;
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

  function newQueue(options: Partial<BullMQQueueOptions> = {}) {
    sequence += 1;
    const queueName = `test-${sequence}-${Date.now()}`;
    // Failures are these tests' business: the default logger would print each of them.
    const queue = new BullMQQueue({
      ...backend.connection(),
      queueName,
      logger: silentLogger,
      ...options,
    } as BullMQQueueOptions);
    cleanups.push(() => queue.close());
    return { queue, queueName };
  }

  function newWorker(
    queueName: string,
    handlers: EventHandlers,
    options: Partial<BullMQWorkerOptions> = {},
    extra = {},
  ): BullMQWorker {
    const worker = createBullMQWorker(createProcessor({ handlers, logger: silentLogger, ...extra }), {
      logger: silentLogger,
      ...backend.connection(),
      queueName,
      backoffMs: 50,
      ...options,
    } as BullMQWorkerOptions);
    cleanups.push(() => worker.close());
    return worker;
  }

  it('stores and processes every event type, handlers seeing the narrowed event', async () => {
    const { queue, queueName } = newQueue();
    const seen: string[] = [];
    const record = (event: KnownEvent) => void seen.push(event.type);
    newWorker(queueName, {
      user_registered: record,
      user_course_completed: (event) => {
        expect(event.data.course.completed_at).toBeInstanceOf(Date);
        record(event);
      },
      user_lessons_completed: record,
      user_certificate_issued: record,
      user_badge_updated: record,
    });
    for (const body of Object.values(fixtures))
      expect(await queue.enqueue(delivery(body))).toEqual({ duplicate: false });
    await waitFor('five processed events', () => seen.length === 5);
    expect(seen.sort()).toEqual(Object.keys(fixtures).sort());
  });

  it('removes processed deliveries and dead letters past their retention, and a repeat of a removed one is still a duplicate', async () => {
    const { queue, queueName } = newQueue({ retention: { processedMs: 1000, deadLettersMs: 1000 } });
    const failing = new Set<string>();
    newWorker(queueName, {
      user_registered: (event) => {
        if (failing.has(event.id)) throw new NonRetryableError('dead at once');
      },
    });
    const [processedFirst, deadFirst, processedLater, deadLater] = Array.from({ length: 4 }, () =>
      delivery(createEvent('user_registered')),
    ) as [Delivery, Delivery, Delivery, Delivery];
    failing.add(deadFirst.id).add(deadLater.id);
    await queue.enqueue(processedFirst);
    await queue.enqueue(deadFirst);
    const counts = () => queue.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    await waitFor('one processed, one dead', async () => {
      const { completed, failed } = await counts();
      return completed === 1 && failed === 1;
    });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    // Expired jobs are removed as later jobs finish (BullMQ's removeOnComplete / removeOnFail ages).
    await queue.enqueue(processedLater);
    await queue.enqueue(deadLater);
    await waitFor('the first two removed, the later two kept', async () => {
      const { completed, failed, waiting, active, delayed } = await counts();
      return completed === 1 && failed === 1 && (waiting ?? 0) + (active ?? 0) + (delayed ?? 0) === 0;
    });
    const kept = [...(await queue.queue.getJobs(['completed', 'failed']))].map((job) => job.data.id);
    expect(kept.sort()).toEqual([processedLater.id, deadLater.id].sort());
    expect(await queue.enqueue({ ...processedFirst })).toEqual({ duplicate: true });
    expect(await queue.enqueue({ ...deadFirst })).toEqual({ duplicate: true });
    expect(await queue.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed')).toBe(2);
  });

  it('stores 50 concurrent identical deliveries once and processes the event once', async () => {
    const { queue, queueName } = newQueue();
    const same = delivery(createEvent('user_registered'));
    const answers = await Promise.all(Array.from({ length: 50 }, () => queue.enqueue({ ...same })));
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    let runs = 0;
    newWorker(queueName, {
      user_registered: () => {
        runs += 1;
      },
    });
    await waitFor('the event processed', async () => (await queue.queue.getCompletedCount()) === 1);
    // One job in all, and it completed: nothing is left that could run the handler again.
    expect(await queue.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed')).toBe(1);
    expect(runs).toBe(1);
  });

  it('stores concurrent deliveries in batches (group commit), each copy of an id stored once whether in one batch or two', async () => {
    const { queue, queueName } = newQueue({ maxBatchSize: 20 });
    const batchSizes: number[] = [];
    const addBulk = queue.queue.addBulk.bind(queue.queue);
    queue.queue.addBulk = (jobs) => {
      batchSizes.push(jobs.length);
      return addBulk(jobs);
    };
    // 100 events sent twice: the second copy 0 to 5 places after the first, so copies share a
    // batch or fall in the next one.
    const events = Array.from({ length: 100 }, () => delivery(createEvent('user_registered')));
    const sends = events.flatMap((event, index) => [
      { at: index * 2, event },
      { at: index * 2 + (index % 6), event },
    ]);
    sends.sort((a, b) => a.at - b.at);
    const answers = await Promise.all(sends.map(({ event }) => queue.enqueue({ ...event })));
    const stored = sends.filter((_, index) => answers[index]?.duplicate === false).map(({ event }) => event.id);
    expect(new Set(stored).size).toBe(100);
    expect(stored).toHaveLength(100);
    expect(batchSizes.reduce((sum, size) => sum + size, 0)).toBe(200);
    expect(Math.max(...batchSizes)).toBe(20);
    const runs = new Map<string, number>();
    newWorker(queueName, {
      user_registered: (event) => {
        runs.set(String(event.id), (runs.get(String(event.id)) ?? 0) + 1);
      },
    });
    await waitFor('100 events processed', async () => (await queue.queue.getCompletedCount()) === 100, 60_000);
    expect(await queue.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed')).toBe(100);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(runs.size).toBe(100);
  });

  it('logs worker errors at warn while running, and at debug once closed (the store going away at shutdown)', async () => {
    const { queueName } = newQueue();
    const logger = recordingLogger();
    const worker = newWorker(queueName, {}, { logger });
    await worker.worker.waitUntilReady();
    worker.worker.emit('error', new Error('connection lost while running'));
    await worker.close();
    worker.worker.emit('error', new Error('terminating connection due to administrator command'));
    expect(logger.lines.map(({ level, message }) => [level, message])).toEqual([
      ['warn', 'BullMQ worker error'],
      ['debug', 'BullMQ worker error after close'],
    ]);
  });

  it('recognizes a duplicate after the first job completed and was removed', async () => {
    const { queue, queueName } = newQueue({ jobOptions: { removeOnComplete: true } });
    const first = delivery(createEvent('user_registered'));
    expect(await queue.enqueue(first)).toEqual({ duplicate: false });
    let runs = 0;
    newWorker(queueName, {
      user_registered: () => {
        runs += 1;
      },
    });
    await waitFor(
      'the first job gone',
      async () => runs === 1 && (await queue.queue.getJobCountByTypes('waiting', 'active', 'completed')) === 0,
    );
    expect(await queue.enqueue({ ...first, receivedAt: new Date().toISOString() })).toEqual({ duplicate: true });
    // The repeat added no job: nothing is waiting, delayed or running that could run the handler again.
    expect(await queue.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')).toBe(0);
    expect(runs).toBe(1);
  });

  it('retries a failing handler with backoff, keeps it as a dead letter, and replays it', async () => {
    const { queue, queueName } = newQueue();
    const attempts: { attempt: number; at: number }[] = [];
    let sinkUp = false;
    newWorker(
      queueName,
      {
        user_course_completed: (_, context) => {
          attempts.push({ attempt: context.attempt, at: Date.now() });
          if (!sinkUp) throw new Error('CRM unreachable');
        },
      },
      { attempts: 3, backoffMs: 100 },
    );
    const event = createEvent('user_course_completed');
    await queue.enqueue(delivery(event));
    await waitFor('a dead letter', async () => (await queue.queue.getFailedCount()) === 1);
    expect(attempts.map((entry) => entry.attempt)).toEqual([1, 2, 3]);
    // Exponential with jitter: the second wait is at least the first's minimum (100 / 2 ms, then 200 / 2 ms).
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(45);
    expect((attempts[2]?.at ?? 0) - (attempts[1]?.at ?? 0)).toBeGreaterThanOrEqual(95);
    const [failed] = await queue.queue.getFailed();
    expect(failed?.failedReason).toBe('Gave up after 3 attempts: CRM unreachable');

    sinkUp = true;
    expect(await queue.replayDeliveries({ filter: { type: 'user_badge_updated' } })).toEqual({
      matched: 0,
      replayed: 0,
    });
    expect(await queue.replayDeliveries({ ids: [event.id] })).toEqual({ matched: 1, replayed: 1 });
    await waitFor('the replayed job completed', async () => (await queue.queue.getCompletedCount()) === 1);
    expect(attempts.at(-1)?.attempt).toBe(1);
    expect(await queue.queue.getFailedCount()).toBe(0);
  });

  it('dead-letters an invalid payload at once, with the problem paths in the reason', async () => {
    const { queue, queueName } = newQueue();
    const invalid: string[] = [];
    let handled = 0;
    newWorker(
      queueName,
      {
        user_registered: () => {
          handled += 1;
        },
      },
      {},
      {
        onOutcome: (outcome: ProcessOutcome) => {
          if (outcome.result === 'invalid') invalid.push(String(outcome.error));
        },
      },
    );
    const body = createEvent('user_registered', { data: { user: { created_at: 'not a date' } } });
    await queue.enqueue(delivery(body));
    await waitFor('a dead letter', async () => (await queue.queue.getFailedCount()) === 1);
    const [failed] = await queue.queue.getFailed();
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toContain('data.user.created_at');
    expect(failed?.data.body).toBe(JSON.stringify(body));
    expect(invalid).toHaveLength(1);
    expect(handled).toBe(0);
  });

  it('sends unknown event types to onUnknown and completes them', async () => {
    const { queue, queueName } = newQueue();
    const unknown: string[] = [];
    newWorker(queueName, {}, {}, { onUnknown: (event: { type: string }) => void unknown.push(event.type) });
    await queue.enqueue(delivery('{"id":"u-1","type":"user_quiz_passed","data":{"score":3}}'));
    await waitFor('the unknown event completed', async () => (await queue.queue.getCompletedCount()) === 1);
    expect(unknown).toEqual(['user_quiz_passed']);
  });

  it('answers 503 within the timeout while the store is down, and recovers by itself', async () => {
    const { queue } = newQueue();
    const app = express().use(
      createExpressMiddleware({
        queue,
        auth: 'none',
        logger: recordingLogger(),
        enqueueTimeoutMs: 1500,
        path: '/hooks',
      }),
    );
    await request(app)
      .post('/hooks')
      .type('json')
      .send(JSON.stringify(createEvent('user_registered')))
      .expect(200);
    await backend.breakDown();
    try {
      const started = Date.now();
      const down = await request(app)
        .post('/hooks')
        .type('json')
        .send(JSON.stringify(createEvent('user_registered')));
      expect(down.status).toBe(503);
      expect(down.body.error).toMatch(/^(queue_unavailable|enqueue_timeout)$/);
      expect(Date.now() - started).toBeLessThan(3000);
      // Concurrent deliveries (one batch on PostgreSQL): every one of them fails, none is reported stored.
      const attempts = await Promise.allSettled(
        Array.from({ length: 10 }, () => queue.enqueue(delivery(createEvent('user_registered')))),
      );
      for (const attempt of attempts) {
        expect(attempt.status).toBe('rejected');
        expect(String((attempt as PromiseRejectedResult).reason)).toContain('BullMQ could not store the delivery');
      }
    } finally {
      await backend.restore();
    }
    const pending = JSON.stringify(createEvent('user_registered'));
    await waitFor(
      'the queue to store again',
      async () => (await request(app).post('/hooks').type('json').send(pending)).status === 200,
      30_000,
    );
    const again = await request(app).post('/hooks').type('json').send(pending).expect(200);
    expect(again.body.duplicate).toBe(true);
  });

  it('recovers a queue created while the store was down, and tells listeners when it replaced the BullMQ queue', async () => {
    await backend.breakDown();
    let app: express.Express;
    let queue: BullMQQueue;
    const replaced: Queue[] = [];
    try {
      ({ queue } = newQueue());
      queue.onQueueReplaced((replacement) => replaced.push(replacement));
      app = express().use(createExpressMiddleware({ queue, auth: 'none', enqueueTimeoutMs: 500, path: '/hooks' }));
      const down = await request(app)
        .post('/hooks')
        .type('json')
        .send(JSON.stringify(createEvent('user_registered')));
      expect(down.status).toBe(503);
    } finally {
      await backend.restore();
    }
    await waitFor(
      'the queue to store',
      async () => {
        const response = await request(app)
          .post('/hooks')
          .type('json')
          .send(JSON.stringify(createEvent('user_registered')));
        return response.status === 200 && response.body.duplicate === false;
      },
      30_000,
    );
    // PostgreSQL queues are rebuilt (BullMQ keeps a first failed connection forever); Redis ones heal in place.
    expect(replaced.length > 0).toBe(backend.name !== 'Redis');
    expect(replaced.at(-1) ?? queue.queue).toBe(queue.queue);
  });

  it('processes a job whose worker was killed mid-job, once another worker runs', async () => {
    const { queue, queueName } = newQueue();
    const connection = Object.values(backend.connection())[0];
    const child = fork(
      join(__dirname, 'bullmq-worker-process.ts'),
      [backend.name === 'Redis' ? 'redis' : 'postgres', JSON.stringify(connection), queueName, '60000'],
      {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const started = new Promise((resolve) =>
      child.on('message', (message: { started?: string }) => message.started && resolve(message.started)),
    );
    const event = createEvent('user_registered');
    await queue.enqueue(delivery(event));
    expect(await started).toBe(event.id);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    let processed = 0;
    newWorker(
      queueName,
      {
        user_registered: () => {
          processed += 1;
        },
      },
      { lockDurationMs: 1000, stalledIntervalMs: 500 },
    );
    await waitFor(
      'the stalled job processed',
      async () => processed === 1 && (await queue.queue.getCompletedCount()) === 1,
      30_000,
    );
  });
});

describe('BullMQ on PostgreSQL, removing expired jobs', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('finishes a delivery while another transaction holds an expired job (removal is apart from the finish), and removes it once let go', async () => {
    // BullMQ's own removal (removeOnComplete's age) deletes the expired jobs inside each finishing
    // job's transaction: two finishing at once deadlocked, one finish failed and its delivery ran
    // again (the retention soak). A lock held on an expired job makes that wait certain, not racy.
    const queueName = `removal-${Date.now()}`;
    const connection = { postgres: { ...server.connection, migrate: true } };
    const queue = new BullMQQueue({
      ...connection,
      queueName,
      logger: silentLogger,
      retention: { processedMs: 1000, deadLettersMs: 1000 },
    });
    const logger = recordingLogger();
    const seen: string[] = [];
    const worker = createBullMQWorker(
      createProcessor({ handlers: { user_registered: (event) => void seen.push(event.id) }, logger: silentLogger }),
      { ...connection, queueName, logger },
    );
    const holder = new pg.Client(server.connection);
    await holder.connect();
    try {
      const [first, second] = [delivery(createEvent('user_registered')), delivery(createEvent('user_registered'))];
      await queue.enqueue(first);
      await waitFor('the first completed', async () => (await queue.queue.getCompletedCount()) === 1);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await holder.query('BEGIN');
      const held = await holder.query(`SELECT id FROM bullmq.job WHERE queue = $1 AND state = 'completed' FOR UPDATE`, [
        queueName,
      ]);
      expect(held.rowCount).toBe(1);
      await queue.enqueue(second);
      await waitFor(
        'the second completed while the first is held',
        async () => (await queue.queue.getCompletedCount()) === 2,
        5000,
      );
      await holder.query('ROLLBACK');
      await waitFor('the expired first removed', async () => (await queue.queue.getCompletedCount()) === 1);
      expect((await queue.queue.getCompleted()).map((job) => job.data.id)).toEqual([second.id]);
      expect(seen).toEqual([first.id, second.id]);
      expect(logger.lines.filter((line) => line.level === 'warn' || line.level === 'error')).toEqual([]);
    } finally {
      await holder.end();
      await worker.close();
      await queue.close();
    }
  });
});

describe('BullMQ on Redis with your own connection', () => {
  it('uses an ioredis instance as is, and leaves it open on close', async () => {
    const server = await startRedis();
    const client = new Redis({
      port: server.port,
      host: '127.0.0.1',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    const queue = new BullMQQueue({ redis: client, queueName: 'own-connection' });
    try {
      await waitFor('the client to connect', () => client.status === 'ready');
      expect(await queue.enqueue(delivery(createEvent('user_registered')))).toEqual({ duplicate: false });
      expect(await queue.queue.getWaitingCount()).toBe(1);
      await queue.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});

describe('BullMQ on Redis with an eviction policy', () => {
  it('warns at start when maxmemory-policy is not noeviction', async () => {
    const server = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
    const logger = recordingLogger();
    const queue = new BullMQQueue({ redis: server.url, queueName: 'eviction', logger });
    try {
      await waitFor('the warning', () => logger.lines.find((line) => line.level === 'warn'));
      expect(logger.lines.find((line) => line.level === 'warn')?.message).toMatch(/allkeys-lru.*noeviction/);
    } finally {
      await queue.close();
      await server.stop();
    }
  });
});

describe('BullMQ on a hung Redis (SIGSTOP: it accepts connections, answers nothing)', () => {
  it('answers 503 enqueue_timeout after enqueueTimeoutMs, and a retry after Redis is back is a duplicate', async () => {
    const server = await startRedis();
    const queue = new BullMQQueue({ redis: server.url, queueName: 'hung' });
    const app = express().use(createExpressMiddleware({ queue, auth: 'none', enqueueTimeoutMs: 300, path: '/hooks' }));
    try {
      await queue.enqueue(delivery(createEvent('user_registered')));
      server.freeze();
      const hung = JSON.stringify(createEvent('user_registered'));
      const started = Date.now();
      const answer = await request(app).post('/hooks').type('json').send(hung);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('30');
      expect(answer.body).toEqual({
        error: 'enqueue_timeout',
        message: 'The queue did not store the delivery within 300 ms',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(4000);
      server.thaw();
      // Redis then runs what it was sent while hung: the delivery was stored although the answer was
      // 503, so Acadle's retry is recognized as a duplicate.
      const retry = await waitFor('Redis to answer again', async () => {
        const response = await request(app).post('/hooks').type('json').send(hung);
        return response.status === 200 ? response : undefined;
      });
      expect(retry.body).toEqual({ received: true, id: JSON.parse(hung).id, duplicate: true });
    } finally {
      server.thaw();
      await queue.close();
      await server.stop();
    }
  });
});
