// The reference server as customers run it, against a bare Express route, in one run:
// acknowledgements (embedded default, Redis ROLE=web) and the embedded pipeline (HTTP in -> handler ran).
// pnpm bench --only=server; --before-server=<path to dist/server.js> measures another build beside this one.
import type { Benchmark } from './benchmark.js';
import { BENCH_TOKEN } from './deliveries.js';
import { load, post } from './load.js';
import { median, processedAtLeast, warmupCount } from './measure.js';
import { printTable } from './print-table.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';
import { startAckServer } from './start-ack-server.js';

export interface ServerSettings {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  pipelineDeliveries: number;
  /** Other builds of the server to measure beside this one (`--before-server=<path>`), by name. */
  otherScripts: Record<string, string>;
}

const EMBEDDED = { id: 'embedded', label: 'reference server, embedded PostgreSQL (default, ROLE=all)', env: {} };

function variants(settings: ServerSettings, redisUrl: string) {
  const redis = { QUEUE_BACKEND: 'redis', REDIS_URL: redisUrl, ROLE: 'web' };
  const rows: { id: string; label: string; env: Record<string, string>; script?: string }[] = [
    EMBEDDED,
    { id: 'redis-web', label: 'reference server, Redis ROLE=web', env: redis },
    // What acknowledgements-first (ROLE=all) is worth: the default without it.
    {
      id: 'embedded-no-yield',
      label: 'embedded default with PROCESSING_YIELD_MS=0',
      env: { PROCESSING_YIELD_MS: '0' },
    },
  ];
  for (const [name, script] of Object.entries(settings.otherScripts)) {
    rows.push({ id: `${name}-embedded`, label: `${name}: embedded PostgreSQL`, env: {}, script });
    rows.push({ id: `${name}-redis-web`, label: `${name}: Redis ROLE=web`, env: redis, script });
  }
  return rows;
}

/** Acknowledgements per second and latency, alternating rounds, medians, ratios to bare Express. */
async function measureServerAcknowledgement(settings: ServerSettings, redisUrl: string) {
  const express = await startAckServer('express', { redis: redisUrl });
  const servers: (ReferenceServer & { id: string; label: string })[] = [];
  try {
    for (const variant of variants(settings, redisUrl)) {
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

/** Handlers the server has run, from its /metrics. */
const handled = (server: ReferenceServer) => async () => (await server.stats()).processed;
/** Each poll is a /metrics scrape, which counts the queue's jobs: not too often. */
const SERVER_POLLING = { intervalMs: 20, timeoutMs: 180_000 };

/**
 * The embedded default end to end: deliveries per second from the first request to the last
 * handler run, on a fresh server each round (after a warm-up of a fifth as many).
 */
async function measureServerPipeline(settings: ServerSettings) {
  const scripts: [string, string | undefined][] = [
    ['this build', undefined],
    ...Object.entries(settings.otherScripts).map(([name, script]): [string, string] => [name, script]),
  ];
  const rates = new Map<string, number[]>(scripts.map(([name]) => [name, []]));
  const count = settings.pipelineDeliveries;
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const [name, script] of scripts) {
      const server = await startReferenceServer(`pipeline ${name}`, {
        token: BENCH_TOKEN,
        ...(script ? { script } : {}),
      });
      try {
        const warmup = warmupCount(count);
        await post(server, warmup);
        await processedAtLeast(handled(server), warmup, server.kind, SERVER_POLLING);
        const started = performance.now();
        await post(server, count);
        await processedAtLeast(handled(server), warmup + count, server.kind, SERVER_POLLING);
        rates.get(name)?.push(count / ((performance.now() - started) / 1000));
      } finally {
        await server.stop();
      }
    }
  }
  // `id` comes last: the smoke test reads the figure as the row's second value.
  return scripts.map(([name]) => ({
    build: name,
    [`${EMBEDDED.label}: HTTP in -> handler ran /s`]: Math.round(median(rates.get(name) ?? [0])),
    id: name === 'this build' ? 'this-build' : name,
  }));
}

export type ServerRow = Awaited<ReturnType<typeof measureServerAcknowledgement>>[number];
export type ServerPipelineRow = Awaited<ReturnType<typeof measureServerPipeline>>[number];

type ServerSections = { server: ServerRow[]; serverPipeline: ServerPipelineRow[] };

export const serverBenchmark: Benchmark<ServerSettings, ServerSections> = {
  id: 'server',
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
};
