// REDIS_MIN_REPLICAS on the built server, with real redis-server processes.

import { createEvent } from 'acadle-webhooks/testing';
import { type RedisServer, startRedis, startRedisReplica } from 'acadle-webhooks-test-harness';
import { post, type ServerProcess, startServer } from './server-process.js';

const TOKEN = 'replicas_token_0123456789';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});
async function redis(): Promise<RedisServer> {
  const started = await startRedis();
  cleanups.push(() => started.stop());
  return started;
}
async function server(env: Record<string, string>, waitUntilReady = true): Promise<ServerProcess> {
  const started = await startServer({ WEBHOOK_TOKENS: TOKEN, ...env }, { waitUntilReady });
  cleanups.push(() => started.stop('SIGKILL'));
  return started;
}

describe('REDIS_MIN_REPLICAS', () => {
  it('refuses to start, in one line, when the primary has fewer replicas', async () => {
    const store = await redis();
    const target = await server({ REDIS_URL: store.url, REDIS_MIN_REPLICAS: '1' }, false);
    expect(await target.exited).toBe(1);
    expect(target.stderr().trim().split('\n')).toEqual([
      'Cannot start: REDIS_MIN_REPLICAS=1, but the Redis primary has 0 connected replicas: add replicas or lower REDIS_MIN_REPLICAS',
    ]);
  });

  it('acknowledges once the replica holds the delivery, and answers 503 queue_unavailable when it does not', async () => {
    const store = await redis();
    const replica = await startRedisReplica(store);
    cleanups.push(() => replica.stop());
    const target = await server({ REDIS_URL: store.url, REDIS_MIN_REPLICAS: '1' });
    expect(
      (await post(target, `/webhooks/acadle/${TOKEN}`, JSON.stringify(createEvent('user_registered')))).status,
    ).toBe(200);
    replica.freeze();
    try {
      const answer = await post(target, `/webhooks/acadle/${TOKEN}`, JSON.stringify(createEvent('user_registered')));
      expect(answer).toEqual({ status: 503, body: expect.objectContaining({ error: 'queue_unavailable' }) });
      expect(target.logs).toContainEqual(expect.objectContaining({ minReplicas: 1, replicas: 0, level: 40 }));
    } finally {
      replica.thaw();
    }
  });
});
