// pnpm bench --only=replicas — the cost of replicated acknowledgement: the SDK's Express adapter
// with BullMQQueue on a Redis primary that has one replica, minReplicas 1 (WAIT for the replica)
// against minReplicas 0 (the primary's copy), side by side in one run, alternating rounds.
import { startRedis, startRedisReplica } from 'acadle-webhooks-test-harness';
import { type AlternatingRounds, alternatingRounds } from './bench-settings.js';
import { defineBenchmark } from './benchmark.js';
import { type LoadResult, load } from './load.js';
import { median } from './measure.js';
import { printTable } from './print-table.js';
import { type AckServer, startAckServer } from './start-ack-server.js';

/** Requests per second, p50 and p99 for each setting, and the ratio of minReplicas 1 to 0. */
async function measureReplicas(options: AlternatingRounds) {
  const primary = await startRedis();
  const replica = await startRedisReplica(primary).catch(async (error) => {
    await primary.stop();
    throw error;
  });
  const servers: AckServer[] = [];
  try {
    const settings = [
      { id: 'min-replicas-0', setting: 'minReplicas 0 (primary only)', connection: { redis: primary.url } },
      {
        id: 'min-replicas-1',
        setting: 'minReplicas 1 (WAIT for the replica)',
        connection: { redis: primary.url, minReplicas: 1 },
      },
    ];
    for (const { connection } of settings) servers.push(await startAckServer('sdk-redis', connection));
    for (const server of servers) await load(server, options.warmupSeconds, 50, 1024);
    const results: LoadResult[][] = servers.map(() => []);
    for (let round = 0; round < options.rounds; round += 1) {
      for (const [index, server] of servers.entries()) {
        results[index]?.push(await load(server, options.seconds, 50, 1024));
      }
    }
    const perSecond = results.map((loads) => median(loads.map((result) => result.requestsPerSecond)));
    return settings.map(({ id, setting }, index) => ({
      setting,
      'requests/s': Math.round(perSecond[index] as number),
      'p50 ms': median((results[index] as LoadResult[]).map((result) => result.p50)),
      'p99 ms': median((results[index] as LoadResult[]).map((result) => result.p99)),
      'vs minReplicas 0': Number(((perSecond[index] as number) / (perSecond[0] as number)).toFixed(2)),
      id,
    }));
  } finally {
    for (const server of servers) server.child.kill();
    await replica.stop();
    await primary.stop();
  }
}

export const replicasBenchmark = defineBenchmark({
  id: 'replicas',
  sections: ['replicas'],
  settings: ({ smoke }) => alternatingRounds(smoke),
  async run(_context, settings) {
    const replicas = await measureReplicas(settings);
    printTable(
      `Replicas: SDK Express adapter + BullMQ on a Redis primary with one replica, 50 connections, 1 KiB, ${settings.rounds} alternating rounds of ${settings.seconds} s, medians`,
      replicas,
    );
    return { replicas };
  },
});
