// pnpm bench --only=replicas — the cost of replicated acknowledgement: the SDK's Express adapter
// with BullMQQueue on a Redis primary that has one replica, minReplicas 1 (WAIT for the replica)
// against minReplicas 0 (the primary's copy), side by side in one run, alternating rounds.
import type { ChildProcess } from 'node:child_process';
import { startRedis, startRedisReplica } from 'acadle-webhooks-test-harness';
import { median } from './measure.js';

interface Server {
  child: ChildProcess;
}
type Load = { requestsPerSecond: number; p50: number; p99: number };

/** Requests per second, p50 and p99 for each setting, and the ratio of minReplicas 1 to 0. */
export async function measureReplicas<S extends Server>(options: {
  /** Starts an `sdk-redis` ack server on this BullMQQueue connection. */
  start: (connection: object) => Promise<S>;
  load: (server: S, seconds: number, connections: number, bytes: number) => Promise<Load>;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
}) {
  const primary = await startRedis();
  const replica = await startRedisReplica(primary).catch(async (error) => {
    await primary.stop();
    throw error;
  });
  const servers: S[] = [];
  try {
    const settings = [
      { setting: 'minReplicas 0 (primary only)', connection: { redis: primary.url } },
      { setting: 'minReplicas 1 (WAIT for the replica)', connection: { redis: primary.url, minReplicas: 1 } },
    ];
    for (const { connection } of settings) servers.push(await options.start(connection));
    for (const server of servers) await options.load(server, options.warmupSeconds, 50, 1024);
    const results: Load[][] = servers.map(() => []);
    for (let round = 0; round < options.rounds; round += 1) {
      for (const [index, server] of servers.entries()) {
        results[index]?.push(await options.load(server, options.seconds, 50, 1024));
      }
    }
    const perSecond = results.map((loads) => median(loads.map((load) => load.requestsPerSecond)));
    return settings.map(({ setting }, index) => ({
      setting,
      'requests/s': Math.round(perSecond[index] as number),
      'p50 ms': median((results[index] as Load[]).map((load) => load.p50)),
      'p99 ms': median((results[index] as Load[]).map((load) => load.p99)),
      'vs minReplicas 0': Number(((perSecond[index] as number) / (perSecond[0] as number)).toFixed(2)),
    }));
  } finally {
    for (const server of servers) server.child.kill();
    await replica.stop();
    await primary.stop();
  }
}
