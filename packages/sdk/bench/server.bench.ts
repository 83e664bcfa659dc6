// The reference server as customers run it, against a bare Express route, in one run:
// acknowledgements (embedded default, Redis ROLE=web) and the embedded pipeline (HTTP in -> handler ran).
import { median, processedAtLeast } from './measure.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';

/** What the benchmark needs from run-all.ts: its load generator and its bare Express server. */
export interface ServerBenchDeps {
  token: string;
  redisUrl: string;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  pipelineDeliveries: number;
  load(
    server: { kind: string; port: number },
    seconds: number,
    connections: number,
    bytes: number,
  ): Promise<{ requestsPerSecond: number; p50: number; p99: number }>;
  /** Posts `amount` deliveries (50 connections), failing on any non-2xx. */
  post(server: { kind: string; port: number }, amount: number): Promise<void>;
  bareExpress(): Promise<{ kind: string; port: number; stop(): void; stats(): Promise<{ rss: number }> }>;
  /** Other builds of the server to measure beside this one (`--before-server=<path>`), by label. */
  otherScripts: Record<string, string>;
}

const EMBEDDED = { label: 'reference server, embedded PostgreSQL (default, ROLE=all)', env: {} };

function variants(deps: ServerBenchDeps) {
  const redis = { QUEUE_BACKEND: 'redis', REDIS_URL: deps.redisUrl, ROLE: 'web' };
  const rows: { label: string; env: Record<string, string>; script?: string }[] = [
    EMBEDDED,
    { label: 'reference server, Redis ROLE=web', env: redis },
    // What acknowledgements-first (ROLE=all) is worth: the default without it.
    { label: 'embedded default with PROCESSING_YIELD_MS=0', env: { PROCESSING_YIELD_MS: '0' } },
  ];
  for (const [name, script] of Object.entries(deps.otherScripts)) {
    rows.push({ label: `${name}: embedded PostgreSQL`, env: {}, script });
    rows.push({ label: `${name}: Redis ROLE=web`, env: redis, script });
  }
  return rows;
}

/** Acknowledgements per second and latency, alternating rounds, medians, ratios to bare Express. */
export async function measureServerAcknowledgement(deps: ServerBenchDeps) {
  const express = await deps.bareExpress();
  const servers: (ReferenceServer & { label: string })[] = [];
  try {
    for (const variant of variants(deps)) {
      const server = await startReferenceServer(variant.label, {
        token: deps.token,
        env: variant.env,
        ...(variant.script ? { script: variant.script } : {}),
      });
      servers.push(Object.assign(server, { label: variant.label }));
    }
    const all = [
      { label: 'bare Express 5 route (reads the body, answers 200)', server: express },
      ...servers.map((server) => ({ label: server.label, server })),
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
      await deps.load(server, deps.warmupSeconds, 50, 1024);
      await drained(server);
    }
    for (let round = 0; round < deps.rounds; round += 1) {
      for (const { label, server } of all) {
        const result = await deps.load(server, deps.seconds, 50, 1024);
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
    for (const { label, server } of all) {
      const entry = results.get(label) ?? { rate: [0], p50: [0], p99: [0] };
      rows.push({
        server: label,
        'requests/s': Math.round(median(entry.rate)),
        'p50 ms': median(entry.p50),
        'p99 ms': median(entry.p99),
        'vs bare Express': Number((median(entry.rate) / bareRate).toFixed(2)),
        'p99 vs bare Express': Number((median(entry.p99) / (bareP99 || 1)).toFixed(2)),
        'RSS MiB': Math.round((await server.stats()).rss / 1048576),
      });
    }
    return rows;
  } finally {
    express.stop();
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
export async function measureServerPipeline(deps: ServerBenchDeps) {
  const scripts: [string, string | undefined][] = [
    ['this build', undefined],
    ...Object.entries(deps.otherScripts).map(([name, script]): [string, string] => [name, script]),
  ];
  const rates = new Map<string, number[]>(scripts.map(([name]) => [name, []]));
  for (let round = 0; round < deps.rounds; round += 1) {
    for (const [name, script] of scripts) {
      const server = await startReferenceServer(`pipeline ${name}`, {
        token: deps.token,
        ...(script ? { script } : {}),
      });
      try {
        const warmup = Math.ceil(deps.pipelineDeliveries / 5);
        await deps.post(server, warmup);
        await processedAtLeast(handled(server), warmup, server.kind, SERVER_POLLING);
        const started = performance.now();
        await deps.post(server, deps.pipelineDeliveries);
        await processedAtLeast(handled(server), warmup + deps.pipelineDeliveries, server.kind, SERVER_POLLING);
        rates.get(name)?.push(deps.pipelineDeliveries / ((performance.now() - started) / 1000));
      } finally {
        await server.stop();
      }
    }
  }
  return scripts.map(([name]) => ({
    build: name,
    [`${EMBEDDED.label}: HTTP in -> handler ran /s`]: Math.round(median(rates.get(name) ?? [0])),
  }));
}
