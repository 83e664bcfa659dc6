// The log stores (memory, Redis, PostgreSQL) under two processes at once: a queue's write that
// arrives after its worker logged the job, and two replays, where one that selected a dead letter
// before the other took it, processed it and finished, must not replay it a second time. The
// interleavings are forced (the later write, or mark, waits for the other).
import { createEvent } from 'acadle-webhooks/testing';
import { startPostgres, startRedis } from 'acadle-webhooks-test-harness';
import { Redis } from 'ioredis';
import { DeliveryLogKeeper } from '../src/deliveries/delivery-log-keeper.js';
import type { LogStore } from '../src/deliveries/log-store.js';
import { MemoryLogStore } from '../src/deliveries/memory-log-store.js';
import { PostgresLogStore } from '../src/queue/bullmq/postgres-log-store.js';
import { RedisLogStore } from '../src/queue/bullmq/redis-log-store.js';
import type { Delivery } from '../src/queue/event-queue.js';
import { silentLogger } from '../src/shared/logger.js';

jest.setTimeout(60_000);

const RETENTION = { processedMs: 60_000, deadLettersMs: 60_000 };
const REQUEST = { remoteAddress: '203.0.113.7', userAgent: 'Acadle', contentType: 'application/json' };

function delivery(): Delivery {
  const event = createEvent('user_registered');
  return {
    id: event.id,
    type: event.type,
    body: JSON.stringify(event),
    receivedAt: new Date().toISOString(),
    request: REQUEST,
  };
}

/** `store` whose updates wait for `gate` (the slower of two processes). */
function heldAt(store: LogStore, gate: Promise<void>): LogStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name !== 'update') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<LogStore['update']>) => {
        await gate;
        return target.update(...args);
      };
    },
  });
}

type Opened = { store: LogStore; close(): Promise<void> };

describe.each<[string, () => Promise<{ open(name: string): Opened; stop(): Promise<void> }>]>([
  [
    'memory',
    async () => ({ open: () => ({ store: new MemoryLogStore(1000), close: async () => {} }), stop: async () => {} }),
  ],
  [
    'Redis',
    async () => {
      const server = await startRedis();
      const clients: Redis[] = [];
      return {
        open(name) {
          const client = new Redis(server.url);
          clients.push(client);
          return { store: new RedisLogStore(async () => client, `bull:${name}:log`), close: async () => {} };
        },
        async stop() {
          for (const client of clients) client.disconnect();
          await server.stop();
        },
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const server = await startPostgres();
      return {
        open(name) {
          const store = new PostgresLogStore(server.connection as never, name);
          return { store, close: async () => store.close() };
        },
        stop: () => server.stop(),
      };
    },
  ],
])('the %s log store', (_, start) => {
  it('keeps what a worker logged when the queue’s own write of the same job arrives after it, and puts back a new job', async () => {
    // The queue logs a delivery once its job is added, so a fast worker can take the job, and log
    // it, first: the late write must not put a processed delivery back to waiting.
    const backend = await start();
    const { store, close } = backend.open(`late-${Date.now()}`);
    try {
      const queue = new DeliveryLogKeeper(store, { logger: silentLogger, retention: RETENTION });
      const worker = new DeliveryLogKeeper(store, { logger: silentLogger, retention: RETENTION });
      const fast = delivery();
      await worker.attemptStarted(fast, 'job-1');
      await worker.attemptFinished(
        fast,
        { attempt: 1, startedAt: new Date().toISOString(), durationMs: 2 },
        { status: 'processed' },
      );
      await queue.stored(fast, 'job-1', false);
      expect((await queue.get(fast.id))?.status).toBe('processed');
      // Another job of the same key (Acadle's delivery again after the dedupe window): waiting again.
      await queue.stored(fast, 'job-2', false);
      expect(await queue.get(fast.id)).toMatchObject({ status: 'waiting' });
    } finally {
      await close();
      await backend.stop();
    }
  });

  it('replays a dead letter once when a second replay had selected it before the first one finished it', async () => {
    const backend = await start();
    const { store, close } = backend.open(`guard-${Date.now()}`);
    try {
      const fast = new DeliveryLogKeeper(store, { logger: silentLogger, retention: RETENTION });
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const slow = new DeliveryLogKeeper(heldAt(store, gate), { logger: silentLogger, retention: RETENTION });
      const dead = delivery();
      await fast.stored(dead, 'job-1', false);
      await fast.attemptStarted(dead, 'job-1');
      const attempt = { attempt: 1, startedAt: new Date().toISOString(), durationMs: 3, error: 'broken' };
      await fast.attemptFinished(dead, attempt, { status: 'dead' });

      const requeued: string[] = [];
      // The slow process selects the dead letter, then waits to mark it.
      const slowReplay = slow.replay({ filter: { status: 'dead' } }, async (entry) => {
        requeued.push(`slow:${entry.id}`);
        return 'job-3';
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The fast one replays it, and its worker processes it, before the slow one marks it.
      const fastResult = await fast.replay({ filter: { status: 'dead' } }, async (entry) => {
        requeued.push(`fast:${entry.id}`);
        return 'job-2';
      });
      await fast.attemptStarted(dead, 'job-2');
      await fast.attemptFinished(dead, { ...attempt, error: undefined }, { status: 'processed' });
      release();
      const slowResult = await slowReplay;

      expect(fastResult).toEqual({ matched: 1, replayed: 1 });
      expect(slowResult).toEqual({ matched: 1, replayed: 0 });
      expect(requeued).toEqual([`fast:${dead.id}`]);
      const entry = await fast.get(dead.id);
      expect(entry?.status).toBe('processed');
      expect(entry?.replays).toHaveLength(1);
    } finally {
      await close();
      await backend.stop();
    }
  });
});
