// pnpm bench --only=scale — four of the ack servers under other loads: payload sizes (1, 16, 256 KiB)
// and connection counts (1, 10, 50, 200), one run per cell.
import { ACK_SERVER_LABELS } from './ack-server-kinds.js';
import { defineBenchmark } from './benchmark.js';
import { load } from './load.js';
import { printTable } from './print-table.js';
import type { AckServer } from './start-ack-server.js';

interface ScaleSettings {
  seconds: number;
  /** Two cells only: the smoke run only checks that every part still runs. */
  smoke: boolean;
}

const CELLS = [
  ...[1024, 16 * 1024, 256 * 1024].map(
    (bytes) => [`size-${bytes / 1024}kib`, `${bytes / 1024} KiB, 50 connections`, 50, bytes] as const,
  ),
  ...[1, 10, 50, 200].map(
    (connections) => [`connections-${connections}`, `1 KiB, ${connections} connections`, connections, 1024] as const,
  ),
];
const SMOKE_CELLS = [CELLS[1], CELLS[3]].filter((cell) => cell !== undefined);
const SCALED_KINDS: readonly string[] = ['express', 'sdk-memory', 'sdk-redis', 'sdk-node-redis'];

async function measureScale(servers: AckServer[], settings: ScaleSettings) {
  const rows = [];
  for (const [id, label, connections, bytes] of settings.smoke ? SMOKE_CELLS : CELLS) {
    const row: Record<string, string | number> = { load: label };
    for (const server of servers) {
      const result = await load(server, settings.seconds, connections, bytes);
      row[`${ACK_SERVER_LABELS[server.kind]} req/s`] = Math.round(result.requestsPerSecond);
      row[`${server.kind} p99 ms`] = result.p99;
    }
    row.id = id;
    rows.push(row as Record<string, string | number> & { id: string });
  }
  return rows;
}

export const scaleBenchmark = defineBenchmark({
  id: 'scale',
  sections: ['scale'],
  usesAckServers: true,
  settings: ({ smoke }): ScaleSettings => ({ seconds: smoke ? 1 : 3, smoke }),
  async run(context, settings) {
    const servers = (await context.ackServers.servers()).filter((server) => SCALED_KINDS.includes(server.kind));
    const scale = await measureScale(servers, settings);
    printTable(`Scale: one ${settings.seconds} s run per cell`, scale);
    return { scale };
  },
});
