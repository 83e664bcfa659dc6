// pnpm bench --only=ack — acknowledgements per second, p50, p99 and memory of the nine ack servers
// (bare node:http and Express, a hand-written handler, the SDK's adapters on each queue), alternating rounds.
import { ACK_SERVER_LABELS, type AckServerKind } from './ack-server-kinds.js';
import { type AlternatingRounds, alternatingRounds } from './bench-settings.js';
import { defineBenchmark } from './benchmark.js';
import { load } from './load.js';
import { median } from './measure.js';
import { printTable } from './print-table.js';
import type { AckServer } from './start-ack-server.js';
import { rowById, type Target } from './target.js';

async function measureAcknowledgement(servers: AckServer[], settings: AlternatingRounds) {
  for (const server of servers) await load(server, settings.warmupSeconds, 50, 1024);
  const results = new Map<AckServerKind, { requestsPerSecond: number[]; p50: number[]; p99: number[] }>(
    servers.map((server) => [server.kind, { requestsPerSecond: [], p50: [], p99: [] }]),
  );
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const server of servers) {
      const result = await load(server, settings.seconds, 50, 1024);
      const entry = results.get(server.kind) as { requestsPerSecond: number[]; p50: number[]; p99: number[] };
      entry.requestsPerSecond.push(result.requestsPerSecond);
      entry.p50.push(result.p50);
      entry.p99.push(result.p99);
    }
  }
  const rows = [];
  const at = (kind: AckServerKind) => median(results.get(kind)?.requestsPerSecond ?? [0]);
  for (const server of servers) {
    const entry = results.get(server.kind) as { requestsPerSecond: number[]; p50: number[]; p99: number[] };
    rows.push({
      server: ACK_SERVER_LABELS[server.kind],
      'requests/s': Math.round(median(entry.requestsPerSecond)),
      'p50 ms': median(entry.p50),
      'p99 ms': median(entry.p99),
      'vs bare Express': Number((median(entry.requestsPerSecond) / at('express')).toFixed(2)),
      'vs hand-written': Number((median(entry.requestsPerSecond) / at('hand-written')).toFixed(2)),
      'RSS MiB': Math.round((await server.stats()).rss / 1048576),
      id: server.kind,
    });
  }
  return rows;
}

type AckRow = Awaited<ReturnType<typeof measureAcknowledgement>>[number];

function ackTargets(acknowledgement: AckRow[]): Target[] {
  const memory = rowById(acknowledgement, 'sdk-memory');
  const express = rowById(acknowledgement, 'express');
  const adapters = [
    ['Express', 'express', rowById(acknowledgement, 'sdk-redis')],
    ['node:http', 'node', rowById(acknowledgement, 'sdk-node-redis')],
  ] as const;
  return [
    {
      target: 'SDK + MemoryQueue >= 0.90 of bare Express req/s',
      value: memory?.['vs bare Express'],
      met: (memory?.['vs bare Express'] ?? 0) >= 0.9,
      id: 'ack-memory-throughput',
    },
    {
      target: 'SDK + MemoryQueue p99 <= 1.5x bare Express',
      value: Number(((memory?.['p99 ms'] ?? 0) / (express?.['p99 ms'] || 1)).toFixed(2)),
      met: (memory?.['p99 ms'] ?? 0) <= 1.5 * (express?.['p99 ms'] ?? 0),
      id: 'ack-memory-p99',
    },
    ...adapters.flatMap(([adapter, adapterId, entry]) => [
      {
        target: `SDK ${adapter} adapter + Redis >= 0.75 of bare Express req/s`,
        value: entry?.['vs bare Express'],
        met: (entry?.['vs bare Express'] ?? 0) >= 0.75,
        id: `ack-${adapterId}-redis-throughput`,
      },
      {
        target: `SDK ${adapter} adapter + Redis >= hand-written req/s`,
        value: entry?.['vs hand-written'],
        met: (entry?.['vs hand-written'] ?? 0) >= 1,
        id: `ack-${adapterId}-redis-vs-hand-written`,
      },
    ]),
  ];
}

export const ackBenchmark = defineBenchmark({
  id: 'ack',
  sections: ['acknowledgement'],
  usesAckServers: true,
  settings: ({ smoke }) => alternatingRounds(smoke),
  async run(context, settings) {
    const acknowledgement = await measureAcknowledgement(await context.ackServers.servers(), settings);
    printTable(
      `Acknowledgement: autocannon, 50 connections, 1 KiB deliveries with unique ids, ${settings.rounds} alternating rounds of ${settings.seconds} s, medians`,
      acknowledgement,
    );
    return { acknowledgement };
  },
  targets: ({ acknowledgement }) => ackTargets(acknowledgement),
});
