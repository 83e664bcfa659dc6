// pnpm bench — every benchmark side by side in one run, in the order listed below; each part is a
// module of its own (`<id>.bench.ts`, see benchmark.ts). Loopback only; every loop is bounded in count
// and time. Writes bench/results/latest.json, or:
//   --only=<id>        runs one part (targets of the other parts are left out), writes only-<id>.json
//   --smoke            runs each part for a moment (used by a test), writes smoke.json
//   --before-server=<path to dist/server.js>  measures another build of the reference server beside this one
import { startPostgres, startRedis } from 'acadle-webhooks-test-harness';
import { ackBenchmark } from './ack.bench.js';
import { createAckServerPool } from './ack-server-pool.js';
import type { BenchmarkPart, RunOptions, Sections } from './benchmark.js';
import { deliverySearchBenchmark } from './delivery-search.bench.js';
import { enqueueBenchmark } from './enqueue.bench.js';
import { historyBenchmark } from './history.bench.js';
import { parseBenchmark } from './parse.bench.js';
import { pipelineBenchmark } from './pipeline.bench.js';
import { printTable } from './print-table.js';
import { replicasBenchmark } from './replicas.bench.js';
import { saturationBenchmark } from './saturation.bench.js';
import { scaleBenchmark } from './scale.bench.js';
import { serverBenchmark } from './server.bench.js';
import type { Target } from './target.js';
import { tracingBenchmark } from './tracing.bench.js';
import { writeReport } from './write-report.js';

const BENCHMARKS: BenchmarkPart[] = [
  serverBenchmark,
  saturationBenchmark,
  historyBenchmark,
  deliverySearchBenchmark,
  ackBenchmark,
  scaleBenchmark,
  pipelineBenchmark,
  enqueueBenchmark,
  parseBenchmark,
  replicasBenchmark,
  tracingBenchmark,
];

const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = option('only');
const options: RunOptions = {
  smoke: process.argv.includes('--smoke'),
  beforeServer: option('before-server'),
  baselineDir: process.env.ACADLE_BENCH_BASELINE,
};

async function main() {
  const startedAt = Date.now();
  const names = BENCHMARKS.flatMap((benchmark) => [`--only=${benchmark.id}`, ...benchmark.sections]);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated) throw new Error(`two benchmarks share ${repeated}: each needs its own id and sections`);
  const selected = BENCHMARKS.filter((benchmark) => only === undefined || benchmark.id === only);
  if (selected.length === 0) {
    throw new Error(`--only=${only}: no such benchmark (${BENCHMARKS.map((benchmark) => benchmark.id).join(', ')})`);
  }
  const redisServer = await startRedis();
  const postgresServer = await startPostgres();
  const redis = { redis: redisServer.url };
  const postgres = { postgres: { ...postgresServer.connection, migrate: true } };
  const ackServers = createAckServerPool(redis, postgres);
  // Every section is written, empty for the parts that did not run.
  const sections: Sections = Object.fromEntries(
    BENCHMARKS.flatMap((benchmark) => benchmark.sections.map((name) => [name, []])),
  );
  const settings: Record<string, unknown> = {};
  const targets: Target[] = [];
  try {
    for (const [index, benchmark] of selected.entries()) {
      const result = await benchmark.run({ redis, postgres, ackServers }, options);
      settings[benchmark.id] = result.settings;
      Object.assign(sections, result.sections);
      targets.push(...result.targets);
      // The ack servers stay up only into the next part that measures them too (ack, then scale).
      if (!selected[index + 1]?.usesAckServers) ackServers.stop();
    }
    printTable(
      'Targets',
      targets.map((entry) => ({ ...entry, met: entry.met ? 'met' : 'MISSED' })),
    );
    const name = options.smoke ? 'smoke.json' : only ? `only-${only}.json` : 'latest.json';
    const { file, durationSeconds } = writeReport(name, {
      smoke: options.smoke,
      settings,
      sections,
      targets,
      startedAt,
    });
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
