// The server part's pipeline: the embedded default from the first request to the last handler run.
import { BENCH_TOKEN } from './deliveries.js';
import { post } from './load.js';
import { median, processedAtLeast, warmupCount } from './measure.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';
import { EMBEDDED, type ServerSettings } from './server-variants.js';

/** Handlers the server has run, from its /metrics. */
const handled = (server: ReferenceServer) => async () => (await server.stats()).processed;
/** Each poll is a /metrics scrape, which counts the queue's jobs: not too often. */
const SERVER_POLLING = { intervalMs: 20, timeoutMs: 180_000 };

/**
 * The embedded default end to end: deliveries per second from the first request to the last
 * handler run, on a fresh server each round (after a warm-up of a fifth as many).
 */
export async function measureServerPipeline(settings: ServerSettings) {
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
