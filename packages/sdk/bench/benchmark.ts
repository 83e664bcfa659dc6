// What a part of `pnpm bench` is: an id (`--only=<id>`), the report sections it fills, its settings
// for a full and a smoke run, a run that measures and prints its tables, and its targets.
import type { PostgresConnection } from '../src/queue/bullmq/index.js';
import type { AckServer } from './start-ack-server.js';
import type { Target } from './target.js';

/** The command line of a run, from which each part takes its settings. */
export interface RunOptions {
  /** `--smoke`: each part for a moment, so that a test can check that every part still runs. */
  smoke: boolean;
  /** `--before-server=<path to dist/server.js>`: another build of the reference server, measured beside this one. */
  beforeServer: string | undefined;
  /** ACADLE_BENCH_BASELINE: a checkout whose bench/ack-server.mjs the tracing part measures as a baseline. */
  baselineDir: string | undefined;
}

/** The nine ack servers, started on first use (ack-server-pool.ts). */
export interface AckServerPool {
  servers(): Promise<AckServer[]>;
}

/** What the runner starts once for every part: the datastores, and the shared ack servers. */
export interface BenchContext {
  redis: { redis: string };
  postgres: { postgres: PostgresConnection };
  ackServers: AckServerPool;
}

/** Sections of the report by name (`acknowledgement`, `scale`, ...), each a list of rows with a stable `id`. */
export type Sections = Record<string, { id: string }[]>;

export interface Benchmark<Settings, PartSections extends Sections> {
  id: string;
  /** The report's sections this part fills; they are written empty when it does not run. */
  sections: readonly (keyof PartSections & string)[];
  /** Measures the shared ack servers: the runner keeps them running into the next part that does too. */
  usesAckServers?: boolean;
  /** Written into the report as they are. */
  settings(options: RunOptions): Settings;
  run(context: BenchContext, settings: Settings): Promise<PartSections>;
  /** The verdicts on this part's rows, found by their `id`. */
  targets?(sections: PartSections): Target[];
}

/** What a part hands the runner: its settings, its sections and its targets. */
export interface PartResult {
  settings: unknown;
  sections: Sections;
  targets: Target[];
}

/** A part as the runner lists it, whatever its settings and rows. */
export interface BenchmarkPart {
  id: string;
  sections: readonly string[];
  usesAckServers: boolean;
  run(context: BenchContext, options: RunOptions): Promise<PartResult>;
}

/** Makes `benchmark` a part of `pnpm bench`: add it to the list in run-all.ts. */
export function defineBenchmark<Settings, PartSections extends Sections>(
  benchmark: Benchmark<Settings, PartSections>,
): BenchmarkPart {
  return {
    id: benchmark.id,
    sections: benchmark.sections,
    usesAckServers: benchmark.usesAckServers ?? false,
    async run(context, options) {
      const settings = benchmark.settings(options);
      const sections = await benchmark.run(context, settings);
      return { settings, sections, targets: benchmark.targets?.(sections) ?? [] };
    },
  };
}
