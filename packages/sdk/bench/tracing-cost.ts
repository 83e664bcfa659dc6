// The tracing part of `pnpm bench` (--only=tracing): acknowledgements per second of one server kind with
// OpenTelemetry absent, installed without an SDK, registered but unsampled, and always on (and always on
// for the application while acadle-webhooks cannot see the API: the cost of OpenTelemetry alone), in
// alternating rounds of one run (the machine is shared and noisy: only same-run ratios mean anything).
import { join } from 'node:path';
import { median } from './measure.js';

export const TRACING_MODES = ['absent', 'api-only', 'blind', 'unsampled', 'always-on'] as const;
export type TracingMode = (typeof TRACING_MODES)[number];

const MODE_LABELS: Record<TracingMode, string> = {
  absent: 'absent (@opentelemetry/api not installed)',
  'api-only': 'present, no SDK registered',
  blind: 'SDK registered, context in use, acadle-webhooks without the API',
  unsampled: 'SDK registered, unsampled (always_off)',
  'always-on': 'SDK registered, always on',
};

/** A benchmark server as run-all.ts starts it. */
interface Server {
  child: { kill(): boolean };
  stats(): Promise<{ rss: number; processed: number; spans?: number }>;
}

/** What this part needs from run-all.ts: starting a server with an environment and Node options, and loading it. */
export interface TracingBench<S extends Server> {
  kinds: readonly string[];
  start(kind: string, env: Record<string, string>, execArgv: string[], script?: string): Promise<S>;
  load(server: S, seconds: number): Promise<{ requestsPerSecond: number; p99: number }>;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  /** A built checkout of the SDK from before tracing (ACADLE_BENCH_BASELINE), measured beside the others. */
  baselineDir: string | undefined;
}

const BASELINE_LABEL = 'before tracing (baseline build)';

/** One row per server kind and mode: median requests per second and p99, and the ratio to `absent`. */
export async function measureTracing<S extends Server>(bench: TracingBench<S>) {
  const rows = [];
  for (const kind of bench.kinds) {
    const modes: [string, S][] = [];
    for (const mode of TRACING_MODES) {
      const withoutApi = mode === 'absent' || mode === 'blind';
      const execArgv = withoutApi ? ['--require', join(__dirname, 'without-open-telemetry.cjs')] : [];
      const env: Record<string, string> = mode === 'absent' ? {} : { TRACING: mode };
      modes.push([MODE_LABELS[mode], await bench.start(kind, env, execArgv)]);
    }
    if (bench.baselineDir !== undefined) {
      const script = join(bench.baselineDir, 'bench', 'ack-server.mjs');
      modes.unshift([BASELINE_LABEL, await bench.start(kind, {}, [], script)]);
    }
    try {
      for (const [, server] of modes) await bench.load(server, bench.warmupSeconds);
      const results = new Map(modes.map(([label]) => [label, { rate: [] as number[], p99: [] as number[] }]));
      for (let round = 0; round < bench.rounds; round += 1) {
        for (const [label, server] of modes) {
          const { requestsPerSecond, p99 } = await bench.load(server, bench.seconds);
          results.get(label)?.rate.push(requestsPerSecond);
          results.get(label)?.p99.push(p99);
        }
      }
      const absent = median(results.get(MODE_LABELS.absent)?.rate ?? [1]);
      const baseline = results.get(BASELINE_LABEL);
      for (const [label, server] of modes) {
        const entry = results.get(label) as { rate: number[]; p99: number[] };
        rows.push({
          server: kind,
          tracing: label,
          'requests/s': Math.round(median(entry.rate)),
          'p99 ms': median(entry.p99),
          'vs absent': Number((median(entry.rate) / absent).toFixed(2)),
          ...(baseline ? { 'vs before tracing': Number((median(entry.rate) / median(baseline.rate)).toFixed(2)) } : {}),
          'spans exported': (await server.stats()).spans ?? 0,
        });
      }
    } finally {
      for (const [, server] of modes) server.child.kill();
    }
  }
  return rows;
}
