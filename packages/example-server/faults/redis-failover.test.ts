// pnpm test:faults — Redis Sentinel failover: the primary is SIGKILLed mid-stream and the sentinels
// promote its replica. With REDIS_MIN_REPLICAS=1 nothing acknowledged may be lost; with 0 the
// figure is recorded as it comes (replication is asynchronous: the loss window is real).
import {
  type RedisServer,
  redisCli,
  type Sentinels,
  startRedis,
  startRedisReplica,
  startSentinels,
  waitFor,
} from 'acadle-webhooks-test-harness';
import {
  acknowledgedIds,
  cleanupAfterEach,
  countingSink,
  path,
  record,
  settle,
  startSender,
  TOKEN,
} from './fault-harness.js';

jest.setTimeout(240_000);

const { cleanups, server } = cleanupAfterEach();
function later<T extends { stop(): Promise<unknown> }>(started: T): T {
  cleanups.push(() => started.stop());
  return started;
}

/**
 * A primary, one replica, three sentinels; a web and a worker process apart. 500 deliveries at
 * about 50 a second; the primary is killed after 150 acknowledgements; once the sentinels have
 * promoted the replica, the dead primary is restarted (as a supervisor would) and the sentinels
 * make it the new primary's replica. Then Acadle's retry of everything not acknowledged.
 */
async function failover(minReplicas: number) {
  const primary: RedisServer = later(await startRedis());
  const replica = later(await startRedisReplica(primary));
  const sentinels: Sentinels = later(await startSentinels(primary));
  const actions = await countingSink();
  cleanups.push(() => actions.close());
  const env = {
    REDIS_SENTINELS: sentinels.addresses,
    REDIS_SENTINEL_NAME: sentinels.name,
    REDIS_MIN_REPLICAS: String(minReplicas),
  };
  const web = await server({ ...env, WEBHOOK_TOKENS: TOKEN, ROLE: 'web' });
  await server({ ...env, ROLE: 'worker', FORWARD_URL: actions.url, WORKER_LOCK_MS: '2000' });
  const url = `${web.url}${path}`;
  const sender = startSender(url, { count: 500, concurrency: 4, intervalMs: 80, deadlineMs: 120_000 });
  await waitFor('150 acknowledged', () => sender.acknowledged() >= 150, 60_000);
  const killedAt = Date.now();
  await primary.kill();
  await waitFor('the sentinels promote the replica', () => sentinels.primaryPort() === replica.port, 60_000);
  const promotedSeconds = (Date.now() - killedAt) / 1000;
  await primary.start();
  // Usually 16-19 s after the kill (the sentinels reconfigure the old primary once they see it back);
  // one CI run waited past 60 s. On a timeout, what the old primary and a sentinel say tells why.
  await waitFor(
    'the restarted primary, a replica in sync',
    () => /master_link_status:up/.test(redisCli(primary.port, 'INFO', 'replication')),
    120_000,
  ).catch((error: Error) => {
    const sentinel = redisCli(sentinels.ports[0] as number, 'SENTINEL', 'replicas', sentinels.name);
    throw new Error(
      `${error.message}; the old primary: ${redisCli(primary.port, 'INFO', 'replication')}; a sentinel's replicas: ${sentinel}`,
    );
  });
  const rejoinedSeconds = (Date.now() - killedAt) / 1000;
  const first = await sender.done;
  const unacknowledged = first.filter((answer) => answer.status !== 200).map((answer) => answer.body);
  const retried = await startSender(url, { bodies: unacknowledged, concurrency: 4, deadlineMs: 60_000 }).done;
  const acknowledged = new Set([...acknowledgedIds(first), ...acknowledgedIds(retried)]);
  const outcome = await settle(actions.counts, acknowledged, 60_000);
  const failed = first.filter((answer) => answer.status !== 200);
  const lastFailure = Math.max(...failed.map((answer) => answer.at + answer.ms));
  const figures = {
    scenario: `8. Sentinel failover: primary SIGKILL mid-stream, replica promoted (REDIS_MIN_REPLICAS=${minReplicas})`,
    sent: first.length + retried.length,
    acknowledged: acknowledged.size,
    ...outcome,
    answered503: failed.filter((answer) => answer.status === 503).length,
    // From the kill to the last answer that was not a 200: the window in which deliveries were refused.
    recoverySeconds: failed.length === 0 ? 0 : Math.round(lastFailure - killedAt) / 1000,
  };
  record(figures);
  console.log(JSON.stringify({ minReplicas, promotedSeconds, rejoinedSeconds }));
  expect(new Set(first.map((answer) => answer.status))).toEqual(new Set([200, 503]));
  expect(retried.every((answer) => answer.status === 200)).toBe(true);
  expect(figures.recoverySeconds).toBeLessThan(30);
  return figures;
}

describe('8. Redis Sentinel failover', () => {
  it('REDIS_MIN_REPLICAS=1: 503s only during the failover, bounded in time, and every acknowledged delivery processed', async () => {
    const figures = await failover(1);
    expect(figures.lost).toBe(0);
  });

  it('REDIS_MIN_REPLICAS=0: records how many acknowledged deliveries the failover lost', async () => {
    const figures = await failover(0);
    // Not an assertion on the loss: asynchronous replication may lose what the primary had not sent on.
    expect(figures.lost).toBeGreaterThanOrEqual(0);
  });
});
