// pnpm bench — every benchmark side by side in one run, in the order listed below; each part is a
// module of its own (`<id>.bench.ts`). Loopback only; every loop is bounded in count and time.
//   --only=<id>        runs one part (targets of the other parts are left out), writes only-<id>.json
//   --smoke            runs each part for a moment (used by a test), writes smoke.json
//   --before-server=<path to dist/server.js>  measures another build of the reference server beside this one
// Otherwise writes bench/results/latest.json.
import { startPostgres, startRedis } from 'acadle-webhooks-test-harness';
import { ackBenchmark } from './ack.bench.js';
import { createAckServerPool } from './ack-server-pool.js';
import { FULL_SETTINGS, SMOKE_SETTINGS } from './bench-settings.js';
import type { BenchContext, Benchmark, BenchmarkId } from './benchmark.js';
import { checkTargets } from './check-targets.js';
import { enqueueBenchmark } from './enqueue.bench.js';
import { parseBenchmark } from './parse.bench.js';
import { pipelineBenchmark } from './pipeline.bench.js';
import { printTable } from './print-table.js';
import { replicasBenchmark } from './replicas.bench.js';
import { emptySections, type ReportSections } from './report-sections.js';
import { scaleBenchmark } from './scale.bench.js';
import { serverBenchmark } from './server.bench.js';
import { tracingBenchmark } from './tracing.bench.js';
import { writeReport } from './write-report.js';

const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const smoke = process.argv.includes('--smoke');
const only = option('only');
const beforeServer = option('before-server');
const settings = smoke ? SMOKE_SETTINGS : FULL_SETTINGS;

/** A benchmark with its settings for this run. */
const part = <Settings, Sections extends Partial<ReportSections>>(
  benchmark: Benchmark<Settings, Sections>,
  partSettings: Settings,
) => ({ ...benchmark, run: (context: BenchContext) => benchmark.run(context, partSettings) });

const BENCHMARKS = [
  part(serverBenchmark, {
    rounds: settings.rounds,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
    pipelineDeliveries: settings.serverPipeline,
    otherScripts: beforeServer ? { before: beforeServer } : {},
  }),
  part(ackBenchmark, { rounds: settings.rounds, seconds: settings.seconds, warmupSeconds: settings.warmupSeconds }),
  part(scaleBenchmark, { seconds: settings.scaleSeconds, smoke }),
  part(pipelineBenchmark, {
    rounds: settings.rounds,
    redisDeliveries: settings.pipelineRedis,
    postgresDeliveries: settings.pipelinePostgres,
  }),
  part(enqueueBenchmark, { rounds: settings.rounds, deliveries: settings.enqueueDeliveries }),
  part(parseBenchmark, { rounds: settings.parseRounds, calls: settings.parseCalls }),
  part(replicasBenchmark, {
    rounds: settings.rounds,
    seconds: settings.seconds,
    warmupSeconds: settings.warmupSeconds,
  }),
  part(tracingBenchmark, {
    kinds: smoke ? ['sdk-memory'] : ['sdk-memory', 'sdk-redis'],
    rounds: settings.tracingRounds,
    seconds: settings.tracingSeconds,
    warmupSeconds: settings.warmupSeconds,
    baselineDir: process.env.ACADLE_BENCH_BASELINE,
  }),
];

async function main() {
  const startedAt = Date.now();
  const selected = BENCHMARKS.filter((benchmark) => only === undefined || benchmark.id === only);
  if (selected.length === 0) {
    const ids: BenchmarkId[] = BENCHMARKS.map((benchmark) => benchmark.id);
    throw new Error(`--only=${only}: no such benchmark (${ids.join(', ')})`);
  }
  const redisServer = await startRedis();
  const postgresServer = await startPostgres();
  const redis = { redis: redisServer.url };
  const postgres = { postgres: { ...postgresServer.connection, migrate: true } };
  const ackServers = createAckServerPool(redis, postgres);
  const sections = emptySections();
  try {
    for (const [index, benchmark] of selected.entries()) {
      Object.assign(sections, await benchmark.run({ redis, postgres, ackServers }));
      // The ack servers stay up only into the next part that measures them too (ack, then scale).
      if (!selected[index + 1]?.usesAckServers) ackServers.stop();
    }
    const targets = checkTargets(sections);
    printTable(
      'Targets',
      targets.map((entry) => ({ ...entry, met: entry.met ? 'met' : 'MISSED' })),
    );
    const name = smoke ? 'smoke.json' : only ? `only-${only}.json` : 'latest.json';
    const { file, durationSeconds } = writeReport(name, { smoke, settings, sections, targets, startedAt });
    console.log(`\nWritten to ${file} (${durationSeconds} s)`);
  } finally {
    ackServers.stop();
    await redisServer.stop();
    await postgresServer.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
