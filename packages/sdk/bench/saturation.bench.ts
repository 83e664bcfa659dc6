// pnpm bench --only=saturation — the embedded default (ROLE=all) under endless load: how much
// processing keeps while requests arrive as fast as they can be answered, against the rate at which
// the same process drains its backlog once the load stops (issue 25: at least 20 %), and its p99
// against a bare Express route measured in the same run (at most 3x). Alternating rounds.
import { type AlternatingRounds, alternatingRounds } from './bench-settings.js';
import { defineBenchmark } from './benchmark.js';
import { BENCH_TOKEN } from './deliveries.js';
import { load } from './load.js';
import { median } from './measure.js';
import { printTable } from './print-table.js';
import { startReferenceServer } from './reference-server.js';
import { startAckServer } from './start-ack-server.js';
import { rowById, type Target } from './target.js';

interface SaturationSettings extends AlternatingRounds {
  /** How long the drain rate is measured once the load stops (less if the backlog empties first). */
  drainSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measureSaturation(settings: SaturationSettings, redisUrl: string) {
  const express = await startAckServer('express', { redis: redisUrl });
  const server = await startReferenceServer('embedded default (ROLE=all)', { token: BENCH_TOKEN });
  const saturated: number[] = [];
  const idle: number[] = [];
  const p99: number[] = [];
  const bareP99: number[] = [];
  try {
    await load(server, settings.warmupSeconds, 50, 1024);
    await server.drained();
    await load(express, settings.warmupSeconds, 50, 1024);
    for (let round = 0; round < settings.rounds; round += 1) {
      const before = await server.stats();
      const started = performance.now();
      const result = await load(server, settings.seconds, 50, 1024);
      const loaded = await server.stats();
      const loadedAt = performance.now();
      saturated.push(((loaded.processed - before.processed) * 1000) / (loadedAt - started));
      p99.push(result.p99);
      // Nothing answered now: the same process drains what it stored, as fast as it can.
      const drainUntil = loadedAt + settings.drainSeconds * 1000;
      let drained = loaded;
      while (performance.now() < drainUntil && drained.backlog > 0) {
        await sleep(100);
        drained = await server.stats();
      }
      idle.push(((drained.processed - loaded.processed) * 1000) / (performance.now() - loadedAt));
      await server.drained();
      bareP99.push((await load(express, settings.seconds, 50, 1024)).p99);
    }
  } finally {
    express.child.kill('SIGKILL');
    await server.stop();
  }
  const share = median(saturated) / median(idle);
  return [
    {
      server: 'reference server, embedded default (ROLE=all)',
      'processed/s under load': Math.round(median(saturated)),
      'processed/s draining idle': Math.round(median(idle)),
      'share of idle rate': Number(share.toFixed(2)),
      'p99 ms': median(p99),
      'bare Express p99 ms': median(bareP99),
      'p99 vs bare Express': Number((median(p99) / median(bareP99)).toFixed(2)),
      id: 'embedded',
    },
  ];
}

type SaturationRow = Awaited<ReturnType<typeof measureSaturation>>[number];

function saturationTargets(saturation: SaturationRow[]): Target[] {
  const embedded = rowById(saturation, 'embedded');
  return [
    {
      target: 'embedded default under endless load: processing >= 0.2 of its idle drain rate',
      value: embedded?.['share of idle rate'],
      met: (embedded?.['share of idle rate'] ?? 0) >= 0.2,
      id: 'saturation-processing-share',
    },
    {
      target: 'embedded default under endless load: p99 <= 3x bare Express',
      value: embedded?.['p99 vs bare Express'],
      met: (embedded?.['p99 vs bare Express'] ?? Number.POSITIVE_INFINITY) <= 3,
      id: 'saturation-p99',
    },
  ];
}

export const saturationBenchmark = defineBenchmark({
  id: 'saturation',
  sections: ['saturation'],
  settings: ({ smoke }): SaturationSettings => ({ ...alternatingRounds(smoke), drainSeconds: smoke ? 1 : 3 }),
  async run(context, settings) {
    const saturation = await measureSaturation(settings, context.redis.redis);
    printTable(
      `Saturation: the embedded default (ROLE=all) under autocannon, 50 connections, ${settings.rounds} rounds of ${settings.seconds} s; processing under load against its drain rate once the load stops (${settings.drainSeconds} s), p99 against bare Express in the same run, medians`,
      saturation.map(({ id: _id, ...row }) => row),
    );
    return { saturation };
  },
  targets: ({ saturation }) => saturationTargets(saturation),
});
