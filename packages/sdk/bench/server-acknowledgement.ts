// The server part's acknowledgements: the reference server in each configuration against a bare
// Express route, alternating rounds, each server drained before the next is measured.
import { BENCH_TOKEN } from './deliveries.js';
import { load } from './load.js';
import { median } from './measure.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';
import { type ServerSettings, serverVariants } from './server-variants.js';
import { startAckServer } from './start-ack-server.js';

/** Acknowledgements per second and latency, alternating rounds, medians, ratios to bare Express. */
export async function measureServerAcknowledgement(settings: ServerSettings, redisUrl: string) {
  const express = await startAckServer('express', { redis: redisUrl });
  const servers: (ReferenceServer & { id: string; label: string })[] = [];
  try {
    for (const variant of serverVariants(settings, redisUrl)) {
      const server = await startReferenceServer(variant.label, {
        token: BENCH_TOKEN,
        env: variant.env,
        ...(variant.script ? { script: variant.script } : {}),
      });
      servers.push(Object.assign(server, { id: variant.id, label: variant.label }));
    }
    const all = [
      { id: 'bare-express', label: 'bare Express 5 route (reads the body, answers 200)', server: express },
      ...servers.map((server) => ({ id: server.id, label: server.label, server })),
    ];
    const results = new Map(
      all.map(({ label }) => [label, { rate: [] as number[], p50: [] as number[], p99: [] as number[] }]),
    );
    // A ROLE=all server works off what it stored once the load stops: each is measured only after the
    // previous one has drained, so that no worker runs beside another server's measurement.
    const drained = async (server: object) => {
      if ('drained' in server) await (server as ReferenceServer).drained();
    };
    for (const { server } of all) {
      await load(server, settings.warmupSeconds, 50, 1024);
      await drained(server);
    }
    for (let round = 0; round < settings.rounds; round += 1) {
      for (const { label, server } of all) {
        const result = await load(server, settings.seconds, 50, 1024);
        await drained(server);
        const entry = results.get(label);
        entry?.rate.push(result.requestsPerSecond);
        entry?.p50.push(result.p50);
        entry?.p99.push(result.p99);
      }
    }
    const bare = results.get(all[0]?.label ?? '');
    const bareRate = median(bare?.rate ?? [1]);
    const bareP99 = median(bare?.p99 ?? [1]);
    const rows = [];
    for (const { id, label, server } of all) {
      const entry = results.get(label) ?? { rate: [0], p50: [0], p99: [0] };
      rows.push({
        server: label,
        'requests/s': Math.round(median(entry.rate)),
        'p50 ms': median(entry.p50),
        'p99 ms': median(entry.p99),
        'vs bare Express': Number((median(entry.rate) / bareRate).toFixed(2)),
        'p99 vs bare Express': Number((median(entry.p99) / (bareP99 || 1)).toFixed(2)),
        'RSS MiB': Math.round((await server.stats()).rss / 1048576),
        id,
      });
    }
    return rows;
  } finally {
    express.child.kill();
    await Promise.all(servers.map((server) => server.stop()));
  }
}
