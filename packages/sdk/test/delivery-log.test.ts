// One conformance suite for the delivery log: MemoryQueue, and BullMQQueue with its worker on real
// Redis and real PostgreSQL, keep, search, page and replay deliveries alike, with one retry policy.
import {
  type Delivery,
  type DeliveryLog,
  type DeliveryProcessor,
  type Logger,
  MemoryQueue,
  NonRetryableError,
  silentLogger,
} from 'acadle-webhooks';
import { createEvent } from 'acadle-webhooks/testing';
import { startPostgres, startRedis, waitFor } from 'acadle-webhooks-test-harness';
import { BullMQQueue, createBullMQWorker } from '../src/queue/bullmq/index.js';

jest.setTimeout(90_000);

interface Subject extends DeliveryLog {
  enqueue(delivery: Delivery): Promise<{ duplicate: boolean }>;
  close(): Promise<void>;
}

interface Options {
  processor: DeliveryProcessor;
  attempts?: number;
  logger?: Logger;
  processedMs?: number;
}

type Backend = { open(options: Options): Subject; stop(): Promise<void> };

const BACKOFF_MS = 40;

function memoryBackend(): Backend {
  return {
    open: ({ processor, attempts, logger, processedMs }) =>
      new MemoryQueue({
        processor,
        attempts,
        backoffMs: BACKOFF_MS,
        concurrency: 2,
        logger: logger ?? silentLogger,
        retention: { processedMs },
      }),
    stop: async () => {},
  };
}

function bullmqBackend(connection: () => object, stop: () => Promise<void>): Backend {
  let sequence = 0;
  return {
    open({ processor, attempts, logger, processedMs }) {
      sequence += 1;
      const queueName = `log-${sequence}-${Date.now()}`;
      const queue = new BullMQQueue({
        ...connection(),
        queueName,
        logger: logger ?? silentLogger,
        retention: { processedMs },
      } as never);
      const worker = createBullMQWorker(processor, {
        ...connection(),
        queueName,
        attempts,
        backoffMs: BACKOFF_MS,
        concurrency: 2,
        closeTimeoutMs: 1000,
        logger: silentLogger,
      } as never);
      return {
        enqueue: (stored) => queue.enqueue(stored),
        findDeliveries: (query) => queue.findDeliveries(query),
        getDelivery: (id, academy) => queue.getDelivery(id, academy),
        replayDeliveries: (selection) => queue.replayDeliveries(selection),
        listDeadLetters: (query) => queue.listDeadLetters(query),
        async close() {
          await worker.close();
          await queue.close();
        },
      };
    },
    stop,
  };
}

const REQUEST = { remoteAddress: '203.0.113.7', userAgent: 'Acadle', contentType: 'application/json' };

function delivery(event: { id: string; type: string }, receivedAt = new Date().toISOString()): Delivery {
  return { id: event.id, type: event.type, body: JSON.stringify(event), receivedAt, request: REQUEST };
}

describe.each([
  ['MemoryQueue', async () => memoryBackend()],
  [
    'BullMQ on Redis',
    async () => {
      const server = await startRedis();
      return bullmqBackend(
        () => ({ redis: server.url }),
        () => server.stop(),
      );
    },
  ],
  [
    'BullMQ on PostgreSQL',
    async () => {
      const server = await startPostgres();
      return bullmqBackend(
        () => ({ postgres: { ...server.connection, migrate: true } }),
        () => server.stop(),
      );
    },
  ],
])('the delivery log on %s', (_, startBackend) => {
  let backend: Backend;
  let subject: Subject | undefined;

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

  it('keeps a processed delivery with its learner, course, attempt and body', async () => {
    subject = backend.open({ processor: () => {} });
    const event = createEvent('user_course_completed', {
      data: { user: { id: 4711, email: 'Jane@Example.com' }, course: { id: '99' } },
    });
    expect(await subject.enqueue(delivery(event))).toEqual({ duplicate: false });
    await waitFor('processed', async () => (await subject?.getDelivery(event.id))?.status === 'processed');
    const entry = await subject.getDelivery(event.id);
    expect(entry).toMatchObject({
      id: event.id,
      type: 'user_course_completed',
      academy: null,
      userId: '4711',
      email: 'jane@example.com',
      courseId: '99',
      lessonId: null,
      duplicates: 0,
      conflicts: 0,
      replays: [],
      nextRetryAt: null,
      request: REQUEST,
      body: JSON.stringify(event),
    });
    expect(entry?.attempts).toEqual([{ attempt: 1, startedAt: expect.any(String), durationMs: expect.any(Number) }]);
    expect(await subject.getDelivery('no-such-event')).toBeUndefined();
  });

  it('counts repeats, and repeats with another body as conflicts, each logged as a warning', async () => {
    const warnings: object[] = [];
    const logger = { ...silentLogger, warn: (fields: object) => void warnings.push(fields) };
    subject = backend.open({ processor: () => {}, logger });
    const event = createEvent('user_registered');
    await subject.enqueue(delivery(event));
    expect(await subject.enqueue(delivery(event))).toEqual({ duplicate: true });
    const changed = { ...delivery(event), body: JSON.stringify({ ...event, data: { spoofed: true } }) };
    expect(await subject.enqueue(changed)).toEqual({ duplicate: true });
    const entry = await subject.getDelivery(event.id);
    expect(entry).toMatchObject({ duplicates: 2, conflicts: 1, body: JSON.stringify(event) });
    expect(warnings).toEqual([expect.objectContaining({ eventId: event.id, eventType: 'user_registered' })]);
  });

  it('records each failed attempt and the next retry, then the dead letter', async () => {
    let calls = 0;
    subject = backend.open({
      attempts: 2,
      processor: () => {
        calls += 1;
        throw new Error(`CRM down (${calls})`);
      },
    });
    const event = createEvent('user_lessons_completed', { data: { lesson: { id: 5 } } });
    await subject.enqueue(delivery(event));
    await waitFor('dead', async () => (await subject?.getDelivery(event.id))?.status === 'dead');
    const entry = await subject.getDelivery(event.id);
    expect(entry?.lessonId).toBe('5');
    expect(entry?.attempts.map(({ attempt, error }) => [attempt, error])).toEqual([
      [1, 'CRM down (1)'],
      [2, 'CRM down (2)'],
    ]);
    expect(entry?.nextRetryAt).toBeNull();
    const dead = await subject.listDeadLetters();
    expect(dead).toEqual({ deliveries: [expect.objectContaining({ id: event.id, status: 'dead' })], next: null });
    expect(dead.deliveries[0]).not.toHaveProperty('body');
  });

  it('shows a retrying delivery with the time of its next attempt', async () => {
    let calls = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    subject = backend.open({
      attempts: 3,
      processor: async () => {
        calls += 1;
        if (calls === 2) await held;
        if (calls < 3) throw new Error('not yet');
      },
    });
    const event = createEvent('user_registered');
    await subject.enqueue(delivery(event));
    await waitFor('the second attempt', () => calls === 2);
    const active = await subject.getDelivery(event.id);
    expect(active?.status).toBe('active');
    expect(active?.attempts).toHaveLength(1);
    release();
    await waitFor('processed', async () => (await subject?.getDelivery(event.id))?.status === 'processed');
    expect((await subject.getDelivery(event.id))?.attempts.map((attempt) => attempt.error ?? 'ok')).toEqual([
      'not yet',
      'not yet',
      'ok',
    ]);
  });

  it('searches by every filter, newest first, and pages by cursor through equal times exactly once', async () => {
    subject = backend.open({ processor: () => {} });
    const base = Date.parse('2026-11-20T10:00:00.000Z');
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    const jane = { user: { id: 1, email: 'jane@x.com' } };
    const events: [{ id: string; type: string }, string][] = [
      [createEvent('user_registered', { id: 'r-1', data: jane }), at(0)],
      [createEvent('user_course_completed', { id: 'c-1', data: { ...jane, course: { id: 7 } } }), at(1)],
      [
        createEvent('user_course_completed', {
          id: 'c-2',
          data: { user: { id: 2, email: 'bo@x.com' }, course: { id: 7 } },
        }),
        at(2),
      ],
      [createEvent('user_badge_updated', { id: 'b-1', data: { user: { id: 2, email: 'bo@x.com' } } }), at(3)],
      // Seven received in the same millisecond: the cursor orders them by id.
      ...Array.from({ length: 7 }, (_, index): [{ id: string; type: string }, string] => [
        createEvent('user_registered', { id: `same-${index}` }),
        at(4),
      ]),
    ];
    for (const [event, receivedAt] of events) await subject.enqueue(delivery(event, receivedAt));
    await waitFor(
      'all processed',
      async () =>
        (await subject?.findDeliveries({ status: 'processed', limit: 500 }))?.deliveries.length === events.length,
    );

    const ids = async (filter: object) => (await subject?.findDeliveries(filter))?.deliveries.map((entry) => entry.id);
    expect(await ids({ email: 'JANE@x.com' })).toEqual(['c-1', 'r-1']);
    // A page that ends with the last match says there is no next one.
    expect(await subject.findDeliveries({ email: 'jane@x.com', limit: 2 })).toMatchObject({ next: null });
    expect((await subject.findDeliveries({ email: 'jane@x.com', limit: 1 })).next).toEqual(expect.any(String));
    expect(await ids({ userId: '2' })).toEqual(['b-1', 'c-2']);
    expect(await ids({ courseId: '7', type: 'user_course_completed' })).toEqual(['c-2', 'c-1']);
    expect(await ids({ type: 'user_badge_updated', status: 'processed' })).toEqual(['b-1']);
    expect(await ids({ status: 'dead' })).toEqual([]);
    expect(await ids({ since: at(1), until: at(2) })).toEqual(['c-2', 'c-1']);
    expect(await ids({ ids: ['r-1', 'b-1', 'none'] })).toEqual(['b-1', 'r-1']);
    expect(await ids({ academy: 'other' })).toEqual([]);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const result = await subject.findDeliveries({ limit: 3, cursor });
      expect(result.deliveries.length).toBeLessThanOrEqual(3);
      seen.push(...result.deliveries.map((entry) => entry.id));
      if (result.next === null) break;
      cursor = result.next;
    }
    const same = Array.from({ length: 7 }, (_, index) => `same-${6 - index}`);
    expect(seen).toEqual([...same, 'b-1', 'c-2', 'c-1', 'r-1']);
  });

  it('refuses a bad filter or cursor with one line', async () => {
    subject = backend.open({ processor: () => {} });
    await expect(subject.findDeliveries({ status: 'lost' as never })).rejects.toThrow(
      'status: "lost" is none of waiting, active, retrying, processed, dead',
    );
    await expect(subject.findDeliveries({ since: 'last tuesday' })).rejects.toThrow('since: not a time');
    await expect(subject.findDeliveries({ cursor: 'nonsense' })).rejects.toThrow('cursor: not a cursor this log made');
    await expect(subject.findDeliveries({ limit: 0 })).rejects.toThrow('limit: a whole number from 1 to 500');
  });

  it('replays a processed delivery: its handler runs again, and the replay is recorded', async () => {
    const runs: string[] = [];
    subject = backend.open({ processor: (stored) => void runs.push(stored.id) });
    const event = createEvent('user_certificate_issued', { data: { certificate: { id: 31 } } });
    await subject.enqueue(delivery(event));
    await waitFor('processed', async () => (await subject?.getDelivery(event.id))?.status === 'processed');
    expect(await subject.replayDeliveries({ ids: [event.id], dryRun: true })).toEqual({ matched: 1, replayed: 0 });
    expect(await subject.replayDeliveries({ ids: [event.id] })).toEqual({ matched: 1, replayed: 1 });
    await waitFor('run again', () => runs.length === 2);
    await waitFor('processed again', async () => (await subject?.getDelivery(event.id))?.status === 'processed');
    const entry = await subject.getDelivery(event.id);
    expect(runs).toEqual([event.id, event.id]);
    expect(entry?.certificateId).toBe('31');
    expect(entry?.replays).toEqual([expect.any(String)]);
    expect(entry?.attempts.map((attempt) => attempt.attempt)).toEqual([1, 1]);
  });

  it('bulk-replays status=dead after a fix, processing each delivery once', async () => {
    let fixed = false;
    const runs: string[] = [];
    subject = backend.open({
      processor: (stored) => {
        if (!fixed) throw new NonRetryableError('invalid until the fix');
        runs.push(stored.id);
      },
    });
    const events = Array.from({ length: 5 }, () => createEvent('user_registered'));
    const healthy = createEvent('user_badge_updated');
    for (const event of events) await subject.enqueue(delivery(event));
    await waitFor('five dead letters', async () => (await subject?.listDeadLetters())?.deliveries.length === 5);
    fixed = true;
    await subject.enqueue(delivery(healthy));
    await waitFor('healthy processed', () => runs.length === 1);
    expect(await subject.replayDeliveries({ filter: { status: 'dead' }, dryRun: true })).toEqual({
      matched: 5,
      replayed: 0,
    });
    // Two bulk replays at once: each dead letter is replayed by one of them only.
    const [first, second] = await Promise.all([
      subject.replayDeliveries({ filter: { status: 'dead' } }),
      subject.replayDeliveries({ filter: { status: 'dead' } }),
    ]);
    expect((first?.replayed ?? 0) + (second?.replayed ?? 0)).toBe(5);
    await waitFor(
      'all processed',
      async () => (await subject?.findDeliveries({ status: 'processed' }))?.deliveries.length === 6,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runs.sort()).toEqual([healthy.id, ...events.map((event) => event.id)].sort());
    expect((await subject.listDeadLetters()).deliveries).toEqual([]);
  });

  it('keeps the same event id from two academies as two deliveries, each deduplicated within its academy', async () => {
    const runs: string[] = [];
    subject = backend.open({ processor: (stored) => void runs.push(`${stored.academy}/${stored.id}`) });
    const event = createEvent('user_registered', { data: { user: { email: 'twice@example.com' } } });
    const from = (academy: string) => ({ ...delivery(event), academy });
    expect(await subject.enqueue(from('north'))).toEqual({ duplicate: false });
    expect(await subject.enqueue(from('south'))).toEqual({ duplicate: false });
    expect(await subject.enqueue(from('north'))).toEqual({ duplicate: true });
    await waitFor(
      'both processed',
      async () => (await subject?.findDeliveries({ status: 'processed' }))?.deliveries.length === 2,
    );
    expect(runs.sort()).toEqual([`north/${event.id}`, `south/${event.id}`]);
    expect((await subject.getDelivery(event.id, 'north'))?.duplicates).toBe(1);
    expect((await subject.getDelivery(event.id, 'south'))?.duplicates).toBe(0);
    expect(await subject.getDelivery(event.id, 'east')).toBeUndefined();
    expect((await subject.getDelivery(event.id))?.id).toBe(event.id);
    const byId = await subject.findDeliveries({ ids: [event.id] });
    expect(byId.deliveries.map((entry) => entry.academy).sort()).toEqual(['north', 'south']);
    // One a page: the cursor tells the two apart (same id, maybe the same millisecond).
    const first = await subject.findDeliveries({ email: 'twice@example.com', limit: 1 });
    const second = await subject.findDeliveries({ email: 'twice@example.com', limit: 1, cursor: first.next ?? '' });
    expect([first.deliveries[0]?.academy, second.deliveries[0]?.academy].sort()).toEqual(['north', 'south']);
    expect(await subject.replayDeliveries({ filter: { academy: 'south' } })).toEqual({ matched: 1, replayed: 1 });
    await waitFor('south run again', () => runs.length === 3);
    expect(runs[2]).toBe(`south/${event.id}`);
  });

  it('removes processed entries after their retention, and still answers a repeat as a duplicate', async () => {
    subject = backend.open({ processor: () => {}, processedMs: 1000 });
    const event = createEvent('user_registered');
    await subject.enqueue(delivery(event));
    await waitFor('processed', async () => (await subject?.getDelivery(event.id))?.status === 'processed');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // Another delivery's processing runs the removal (a batch at most once a second).
    await subject.enqueue(delivery(createEvent('user_registered')));
    await waitFor(
      'removed',
      async () => (await subject?.findDeliveries({ ids: [event.id] }))?.deliveries.length === 0,
      10_000,
    );
    expect(await subject.enqueue(delivery(event))).toEqual({ duplicate: true });
  });
});

describe('one retry policy', () => {
  it('gives MemoryQueue the defaults of the BullMQ worker: 8 attempts', async () => {
    let calls = 0;
    const queue = new MemoryQueue({
      backoffMs: 0,
      logger: silentLogger,
      processor: () => {
        calls += 1;
        throw new Error('down');
      },
    });
    await queue.enqueue(delivery(createEvent('user_registered')));
    await queue.idle();
    expect(calls).toBe(8);
  });
});
