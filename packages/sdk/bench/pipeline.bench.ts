// pnpm bench --only=pipeline — HTTP in -> handler ran, deliveries per second until every handler ran,
// on Redis and on embedded PostgreSQL: the SDK's adapters and a hand-written handler against raw BullMQ.
import type { PipelineKind } from './ack-server-kinds.js';
import { alternatingRounds } from './bench-settings.js';
import { defineBenchmark } from './benchmark.js';
import { post } from './load.js';
import { median, processedAtLeast, warmupCount } from './measure.js';
import { printTable } from './print-table.js';
import { rawBullMQPipeline } from './raw-bullmq-pipeline.js';
import { startAckServer } from './start-ack-server.js';
import type { Target } from './target.js';

interface PipelineSettings {
  rounds: number;
  redisDeliveries: number;
  postgresDeliveries: number;
}

/** One server end to end (the SDK or the hand-written handler): autocannon posts `count` deliveries (50 connections) to it while it also runs the worker. */
async function httpPipeline(kind: PipelineKind, connection: object, count: number): Promise<number> {
  const server = await startAckServer(kind, connection, { PIPELINE_WORKER: '1' });
  try {
    const postAll = (amount: number) => post(server, amount);
    const seen = async () => (await server.stats()).processed;
    const warmup = warmupCount(count);
    await postAll(warmup);
    await processedAtLeast(seen, warmup, `${kind} pipeline warm-up`);
    const started = performance.now();
    await postAll(count);
    await processedAtLeast(seen, warmup + count, `${kind} pipeline`);
    return count / ((performance.now() - started) / 1000);
  } finally {
    server.child.kill();
  }
}

async function measurePipeline(
  redis: Parameters<typeof rawBullMQPipeline>[0],
  postgres: Parameters<typeof rawBullMQPipeline>[0],
  settings: PipelineSettings,
) {
  const rows = [];
  for (const [id, label, viaExpress, viaNode, connection, count] of [
    ['redis', 'Redis', 'sdk-redis', 'sdk-node-redis', redis, settings.redisDeliveries],
    ['postgres', 'PostgreSQL (embedded)', 'sdk-postgres', 'sdk-node-postgres', postgres, settings.postgresDeliveries],
  ] as const) {
    const raw: number[] = [];
    const handWritten: number[] = [];
    const express: number[] = [];
    const node: number[] = [];
    for (let round = 0; round < settings.rounds; round += 1) {
      raw.push(await rawBullMQPipeline(connection, count));
      handWritten.push(await httpPipeline('hand-written', connection, count));
      express.push(await httpPipeline(viaExpress, connection, count));
      node.push(await httpPipeline(viaNode, connection, count));
    }
    rows.push({
      backend: label,
      deliveries: count,
      'raw BullMQ add + Worker /s': Math.round(median(raw)),
      'hand-written HTTP -> Worker /s': Math.round(median(handWritten)),
      'SDK Express HTTP -> handler /s': Math.round(median(express)),
      'SDK node:http HTTP -> handler /s': Math.round(median(node)),
      'ratio Express': Number((median(express) / median(raw)).toFixed(2)),
      'ratio node:http': Number((median(node) / median(raw)).toFixed(2)),
      'ratio hand-written': Number((median(handWritten) / median(raw)).toFixed(2)),
      id,
    });
  }
  return rows;
}

type PipelineRow = Awaited<ReturnType<typeof measurePipeline>>[number];

/** On each backend, each SDK adapter against raw BullMQ. */
function pipelineTargets(pipeline: PipelineRow[]): Target[] {
  return pipeline.flatMap((entry) =>
    (
      [
        ['Express', 'express'],
        ['node:http', 'node'],
      ] as const
    ).map(([adapter, adapterId]) => ({
      target: `pipeline (${adapter}) on ${entry.backend} >= 0.85 of raw BullMQ`,
      value: entry[`ratio ${adapter}`],
      met: entry[`ratio ${adapter}`] >= 0.85,
      id: `pipeline-${entry.id}-${adapterId}`,
    })),
  );
}

export const pipelineBenchmark = defineBenchmark({
  id: 'pipeline',
  sections: ['pipeline'],
  settings: ({ smoke }): PipelineSettings => ({
    rounds: alternatingRounds(smoke).rounds,
    redisDeliveries: smoke ? 200 : 3_000,
    postgresDeliveries: smoke ? 50 : 600,
  }),
  async run(context, settings) {
    const pipeline = await measurePipeline(context.redis, context.postgres, settings);
    printTable(
      `Pipeline: deliveries per second until every handler ran (after a warm-up of a fifth as many), ${settings.rounds} alternating rounds, medians`,
      pipeline,
    );
    return { pipeline };
  },
  targets: ({ pipeline }) => pipelineTargets(pipeline),
});
