// pnpm bench --only=server — the reference server as customers run it, against a bare Express route,
// in one run: acknowledgements (embedded default, Redis ROLE=web) and the embedded pipeline (HTTP in ->
// handler ran). --before-server=<path to dist/server.js> measures another build beside this one.
import { alternatingRounds } from './bench-settings.js';
import { defineBenchmark } from './benchmark.js';
import { printTable } from './print-table.js';
import { measureServerAcknowledgement } from './server-acknowledgement.js';
import { measureServerPipeline } from './server-pipeline.js';
import type { ServerSettings } from './server-variants.js';
import { rowById, type Target } from './target.js';

type ServerRow = Awaited<ReturnType<typeof measureServerAcknowledgement>>[number];

function serverTargets(server: ServerRow[]): Target[] {
  const embedded = rowById(server, 'embedded');
  const redisWeb = rowById(server, 'redis-web');
  return [
    {
      target: 'reference server, embedded default >= 0.5 of bare Express req/s',
      value: embedded?.['vs bare Express'],
      met: (embedded?.['vs bare Express'] ?? 0) >= 0.5,
      id: 'server-embedded-throughput',
    },
    {
      target: 'reference server, embedded default p99 <= 3x bare Express',
      value: embedded?.['p99 vs bare Express'],
      met: (embedded?.['p99 vs bare Express'] ?? Number.POSITIVE_INFINITY) <= 3,
      id: 'server-embedded-p99',
    },
    {
      target: 'reference server, Redis ROLE=web >= 0.75 of bare Express req/s',
      value: redisWeb?.['vs bare Express'],
      met: (redisWeb?.['vs bare Express'] ?? 0) >= 0.75,
      id: 'server-redis-web-throughput',
    },
  ];
}

export const serverBenchmark = defineBenchmark({
  id: 'server',
  sections: ['server', 'serverPipeline'],
  settings: ({ smoke, beforeServer }): ServerSettings => ({
    ...alternatingRounds(smoke),
    pipelineDeliveries: smoke ? 100 : 3_000,
    otherScripts: beforeServer ? { before: beforeServer } : {},
  }),
  async run(context, settings) {
    const server = await measureServerAcknowledgement(settings, context.redis.redis);
    printTable(
      `Reference server (node dist/server.js, as pnpm start runs it): autocannon, 50 connections, 1 KiB deliveries with unique ids, ${settings.rounds} alternating rounds of ${settings.seconds} s, medians`,
      server,
    );
    const serverPipeline = await measureServerPipeline(settings);
    printTable(
      `Reference server pipeline: ${settings.pipelineDeliveries} deliveries, first request to last handler run, fresh server per round, ${settings.rounds} rounds, medians`,
      serverPipeline,
    );
    return { server, serverPipeline };
  },
  targets: ({ server }) => serverTargets(server),
});
