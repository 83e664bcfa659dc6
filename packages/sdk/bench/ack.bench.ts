// pnpm bench --only=ack — acknowledgements per second, p50, p99 and memory of the nine ack servers
// (bare node:http and Express, a hand-written handler, the SDK's adapters on each queue), alternating rounds.
import { ACK_SERVER_LABELS, type AckServerKind } from './ack-server-kinds.js';
import type { Benchmark } from './benchmark.js';
import { load } from './load.js';
import { median } from './measure.js';
import { printTable } from './print-table.js';
import type { AckServer } from './start-ack-server.js';

export interface AckSettings {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
}

async function measureAcknowledgement(servers: AckServer[], settings: AckSettings) {
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

export type AckRow = Awaited<ReturnType<typeof measureAcknowledgement>>[number];

export const ackBenchmark: Benchmark<AckSettings, { acknowledgement: AckRow[] }> = {
  id: 'ack',
  usesAckServers: true,
  async run(context, settings) {
    const acknowledgement = await measureAcknowledgement(await context.ackServers.servers(), settings);
    printTable(
      `Acknowledgement: autocannon, 50 connections, 1 KiB deliveries with unique ids, ${settings.rounds} alternating rounds of ${settings.seconds} s, medians`,
      acknowledgement,
    );
    return { acknowledgement };
  },
};
