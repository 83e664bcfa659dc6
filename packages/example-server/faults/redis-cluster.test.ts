// pnpm test:faults — Redis Cluster: three primaries, web and worker processes apart. Every
// acknowledged delivery is processed once, and Acadle's repeats are recognized as duplicates.
import { type RedisCluster, redisCli, startRedisCluster } from 'acadle-webhooks-test-harness';
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

it('9. Redis Cluster (three primaries): 1,000 deliveries, web and worker apart, none lost, repeats processed once', async () => {
  const cluster: RedisCluster = await startRedisCluster(3);
  cleanups.push(() => cluster.stop());
  const actions = await countingSink();
  cleanups.push(() => actions.close());
  const env = { REDIS_CLUSTER_NODES: cluster.addresses };
  const web = await server({ ...env, WEBHOOK_TOKENS: TOKEN, ROLE: 'web' });
  await server({ ...env, ROLE: 'worker', FORWARD_URL: actions.url });
  const url = `${web.url}${path}`;
  const started = Date.now();
  const first = await startSender(url, { count: 1000, concurrency: 8, deadlineMs: 120_000 }).done;
  // Acadle repeats some deliveries (a lost 200, a retry): 200 of them again, while the worker runs.
  const repeats = first.slice(0, 200).map((answer) => answer.body);
  const second = await startSender(url, { bodies: repeats, concurrency: 8, deadlineMs: 60_000 }).done;
  expect(first.every((answer) => answer.status === 200)).toBe(true);
  expect(second.every((answer) => answer.status === 200 && answer.duplicate === true)).toBe(true);
  const acknowledged = acknowledgedIds(first);
  const outcome = await settle(actions.counts, acknowledged, 90_000);
  record({
    scenario: '9. Redis Cluster, three primaries: 1,000 deliveries and 200 repeats, web and worker apart',
    sent: first.length + second.length,
    acknowledged: acknowledged.size,
    ...outcome,
    answered503: 0,
    recoverySeconds: null,
  });
  console.log(JSON.stringify({ cluster: true, secondsToProcessAll: (Date.now() - started) / 1000 }));
  expect(outcome.lost).toBe(0);
  expect(outcome.processedTwice).toBe(0);
  // The queue's keys carry the hash tag: all in one slot, on one of the primaries.
  const holders = cluster.nodes.filter((node) => redisCli(node.port, 'KEYS', '{acadle-webhooks}:*').length > 0);
  expect(holders).toHaveLength(1);
});
