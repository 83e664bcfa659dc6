// Replicated acknowledgement (minReplicas), Sentinel and Cluster connections, on real Redis processes.
import { createProcessor, type Delivery, type KnownEvent, silentLogger } from 'acadle-webhooks';
import { createEvent } from 'acadle-webhooks/testing';
import {
  type RedisServer,
  redisCli,
  startRedis,
  startRedisCluster,
  startRedisReplica,
  startSentinels,
  waitFor,
} from 'acadle-webhooks-test-harness';
import { BullMQQueue, createBullMQWorker } from '../src/queue/bullmq/index.js';
import { recordingLogger } from './harness.js';

jest.setTimeout(90_000);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});
function later<T extends { stop(): Promise<unknown> } | { close(): Promise<unknown> }>(started: T): T {
  cleanups.push(() => ('stop' in started ? started.stop() : started.close()));
  return started;
}

const delivery = (): Delivery => {
  const event = createEvent('user_registered');
  return {
    id: event.id,
    type: event.type,
    body: JSON.stringify(event),
    receivedAt: new Date().toISOString(),
    request: { remoteAddress: '127.0.0.1', userAgent: 'test', contentType: 'application/json' },
  };
};

describe('minReplicas', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  beforeAll(async () => {
    primary = await startRedis();
    replica = await startRedisReplica(primary);
  });
  afterAll(async () => {
    await replica?.stop();
    await primary?.stop();
  });

  it('resolves once a replica holds the delivery', async () => {
    const queue = later(new BullMQQueue({ redis: primary.url, minReplicas: 1, logger: silentLogger }));
    expect(await queue.connectedReplicas()).toBe(1);
    const stored = delivery();
    expect(await queue.enqueue(stored)).toEqual({ duplicate: false });
    // WAIT has answered: the replica has the deduplication key already, without polling.
    expect(redisCli(replica.port, 'KEYS', '*:de:*')).toContain(stored.id);
  });

  it('rejects, logged at warn, when no replica acknowledges within replicaTimeoutMs', async () => {
    const logger = recordingLogger();
    const queue = later(new BullMQQueue({ redis: primary.url, minReplicas: 1, replicaTimeoutMs: 300, logger }));
    await queue.enqueue(delivery());
    replica.freeze();
    try {
      const started = Date.now();
      await expect(queue.enqueue(delivery())).rejects.toThrow('BullMQ could not store the delivery');
      expect(Date.now() - started).toBeLessThan(1500);
      expect(logger.lines).toContainEqual(
        expect.objectContaining({ level: 'warn', fields: { replicas: 0, minReplicas: 1, replicaTimeoutMs: 300 } }),
      );
    } finally {
      replica.thaw();
    }
  });

  it('sends one WAIT for the deliveries stored while another WAIT was out', async () => {
    const queue = later(new BullMQQueue({ redis: primary.url, minReplicas: 1, logger: silentLogger }));
    await queue.enqueue(delivery());
    const before = Number(/cmdstat_wait:calls=(\d+)/.exec(redisCli(primary.port, 'INFO', 'commandstats'))?.[1] ?? 0);
    const results = await Promise.all(Array.from({ length: 50 }, () => queue.enqueue(delivery())));
    expect(results.every((result) => !result.duplicate)).toBe(true);
    const after = Number(/cmdstat_wait:calls=(\d+)/.exec(redisCli(primary.port, 'INFO', 'commandstats'))?.[1] ?? 0);
    expect(after - before).toBeGreaterThan(0);
    expect(after - before).toBeLessThan(50);
  });

  it('refuses a negative or fractional count, and minReplicas on PostgreSQL', () => {
    expect(() => new BullMQQueue({ redis: primary.url, minReplicas: -1 })).toThrow('minReplicas: a whole number');
    expect(() => new BullMQQueue({ redis: primary.url, minReplicas: 1.5 })).toThrow('minReplicas: a whole number');
    expect(() => new BullMQQueue({ postgres: 'postgres://localhost/x', minReplicas: 1 })).toThrow(
      'minReplicas: Redis only',
    );
  });
});

it('connects through Sentinel, producer and worker', async () => {
  const primary = later(await startRedis());
  later(await startRedisReplica(primary));
  const sentinels = later(await startSentinels(primary));
  const redis = { sentinels: sentinels.ports.map((port) => ({ host: '127.0.0.1', port })), name: sentinels.name };
  const queue = later(new BullMQQueue({ redis, minReplicas: 1, logger: silentLogger }));
  const handled: string[] = [];
  const processor = createProcessor({
    handlers: {},
    onEvent: async (event: KnownEvent) => void handled.push(event.id),
  });
  later(createBullMQWorker(processor, { redis, logger: silentLogger }));
  const stored = delivery();
  await queue.enqueue(stored);
  await waitFor('the delivery handled', () => handled.includes(stored.id));
});

it('runs on Redis Cluster with a hash-tagged prefix, producer and worker, duplicates recognized', async () => {
  const cluster = later(await startRedisCluster(3));
  const redis = { clusterNodes: cluster.addresses.split(',') };
  const queue = later(new BullMQQueue({ redis, logger: silentLogger }));
  expect(queue.queue.opts.prefix).toBe('{acadle-webhooks}');
  const handled: string[] = [];
  const processor = createProcessor({
    handlers: {},
    onEvent: async (event: KnownEvent) => void handled.push(event.id),
  });
  later(createBullMQWorker(processor, { redis, logger: silentLogger }));
  const deliveries = Array.from({ length: 20 }, delivery);
  for (const stored of deliveries) expect(await queue.enqueue(stored)).toEqual({ duplicate: false });
  expect(await queue.enqueue({ ...(deliveries[0] as Delivery), receivedAt: new Date().toISOString() })).toEqual({
    duplicate: true,
  });
  await waitFor('every delivery handled', () => handled.length >= deliveries.length);
  expect(handled.sort()).toEqual(deliveries.map((stored) => stored.id).sort());
  // The queue's keys sit on one node; WAIT goes there (no replicas: 0 connected).
  expect(await queue.connectedReplicas()).toBe(0);
});

it('on Redis Cluster, waits for the replica of the shard that holds the queue', async () => {
  const cluster = later(await startRedisCluster(3, 1));
  const redis = { clusterNodes: cluster.addresses.split(',') };
  // 2 s: on two loaded cores a fresh replica can take longer than 300 ms to acknowledge (seen once in CI).
  const queue = later(new BullMQQueue({ redis, minReplicas: 1, replicaTimeoutMs: 2000, logger: silentLogger }));
  expect(await queue.connectedReplicas()).toBe(1);
  await queue.enqueue(delivery());
  const replicas = cluster.nodes.filter((node) => /role:slave/.test(redisCli(node.port, 'INFO', 'replication')));
  const holding = replicas.filter((node) => redisCli(node.port, 'KEYS', '{acadle-webhooks}:*').length > 0);
  expect(holding).toHaveLength(1);
  const others = replicas.filter((node) => !holding.includes(node));
  // Other shards' replicas do not matter…
  for (const node of others) node.freeze();
  try {
    expect(await queue.enqueue(delivery())).toEqual({ duplicate: false });
  } finally {
    for (const node of others) node.thaw();
  }
  // …the queue's shard's replica does: were WAIT sent to another node, it would answer at once.
  holding[0]?.freeze();
  try {
    await expect(queue.enqueue(delivery())).rejects.toThrow('BullMQ could not store the delivery');
  } finally {
    holding[0]?.thaw();
  }
});
