// pnpm bench --only=tracing — acknowledgements per second of one server kind with OpenTelemetry absent,
// installed without an SDK, registered but unsampled, and always on (and always on for the application
// while acadle-webhooks cannot see the API: the cost of OpenTelemetry alone), in alternating rounds of
// one run (the machine is shared and noisy: only same-run ratios mean anything).
import { join } from 'node:path';
import type { AckServerKind } from './ack-server-kinds.js';
import { alternatingRounds } from './bench-settings.js';
import { defineBenchmark } from './benchmark.js';
import { load } from './load.js';
import { median } from './measure.js';
import { printTable } from './print-table.js';
import { type AckServer, startAckServer } from './start-ack-server.js';

const TRACING_MODES = ['absent', 'api-only', 'blind', 'unsampled', 'always-on'] as const;
type TracingMode = (typeof TRACING_MODES)[number];

const MODE_LABELS: Record<TracingMode, string> = {
  absent: 'absent (@opentelemetry/api not installed)',
  'api-only': 'present, no SDK registered',
  blind: 'SDK registered, context in use, acadle-webhooks without the API',
  unsampled: 'SDK registered, unsampled (always_off)',
  'always-on': 'SDK registered, always on',
};

interface TracingSettings {
  /** The MemoryQueue kind, and the Redis kind in a full run. */
  kinds: readonly ('sdk-memory' | 'sdk-redis')[];
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  /** A built checkout of the SDK from before tracing (ACADLE_BENCH_BASELINE), measured beside the others. */
  baselineDir: string | undefined;
}

const BASELINE = { id: 'before-tracing', label: 'before tracing (baseline build)' };

/** One row per server kind and mode: median requests per second and p99, and the ratio to `absent`. */
async function measureTracing(redis: object, bench: TracingSettings) {
  const start = (kind: AckServerKind, env: Record<string, string>, execArgv: string[], script?: string) =>
    startAckServer(kind, kind.endsWith('redis') ? redis : {}, env, execArgv, script);
  const rows = [];
  for (const kind of bench.kinds) {
    const modes: [{ id: string; label: string }, AckServer][] = [];
    for (const mode of TRACING_MODES) {
      const withoutApi = mode === 'absent' || mode === 'blind';
      const execArgv = withoutApi ? ['--require', join(__dirname, 'without-open-telemetry.cjs')] : [];
      const env: Record<string, string> = mode === 'absent' ? {} : { TRACING: mode };
      modes.push([{ id: mode, label: MODE_LABELS[mode] }, await start(kind, env, execArgv)]);
    }
    if (bench.baselineDir !== undefined) {
      const script = join(bench.baselineDir, 'bench', 'ack-server.mjs');
      modes.unshift([BASELINE, await start(kind, {}, [], script)]);
    }
    try {
      for (const [, server] of modes) await load(server, bench.warmupSeconds, 50, 1024);
      const results = new Map(modes.map(([{ label }]) => [label, { rate: [] as number[], p99: [] as number[] }]));
      for (let round = 0; round < bench.rounds; round += 1) {
        for (const [{ label }, server] of modes) {
          const { requestsPerSecond, p99 } = await load(server, bench.seconds, 50, 1024);
          results.get(label)?.rate.push(requestsPerSecond);
          results.get(label)?.p99.push(p99);
        }
      }
      const absent = median(results.get(MODE_LABELS.absent)?.rate ?? [1]);
      const baseline = results.get(BASELINE.label);
      for (const [{ id, label }, server] of modes) {
        const entry = results.get(label) as { rate: number[]; p99: number[] };
        rows.push({
          server: kind,
          tracing: label,
          'requests/s': Math.round(median(entry.rate)),
          'p99 ms': median(entry.p99),
          'vs absent': Number((median(entry.rate) / absent).toFixed(2)),
          ...(baseline ? { 'vs before tracing': Number((median(entry.rate) / median(baseline.rate)).toFixed(2)) } : {}),
          'spans exported': (await server.stats()).spans ?? 0,
          id: `${kind}/${id}`,
        });
      }
    } finally {
      for (const [, server] of modes) server.child.kill();
    }
  }
  return rows;
}

export const tracingBenchmark = defineBenchmark({
  id: 'tracing',
  sections: ['tracing'],
  settings: ({ smoke, baselineDir }): TracingSettings => ({
    kinds: smoke ? ['sdk-memory'] : ['sdk-memory', 'sdk-redis'],
    // Many short alternating rounds: the servers compared see the same slices of the machine's load.
    rounds: smoke ? 1 : 9,
    seconds: smoke ? 1 : 2,
    warmupSeconds: alternatingRounds(smoke).warmupSeconds,
    baselineDir,
  }),
  async run(context, settings) {
    const tracing = await measureTracing(context.redis, settings);
    printTable(
      `Tracing: acknowledgements with OpenTelemetry absent, present, unsampled and always on, 50 connections, 1 KiB, ${settings.rounds} alternating rounds of ${settings.seconds} s, medians`,
      tracing,
    );
    return { tracing };
  },
});
