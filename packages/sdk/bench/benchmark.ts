// What every part of `pnpm bench` is: an id (`--only=<id>`), and a run that measures, prints its
// tables and returns its sections of the report.
import type { PostgresConnection } from '../src/queue/bullmq/index.js';
import type { AckServer } from './start-ack-server.js';

export type BenchmarkId = 'server' | 'ack' | 'scale' | 'pipeline' | 'enqueue' | 'parse' | 'replicas' | 'tracing';

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

export interface Benchmark<Settings, Sections> {
  id: BenchmarkId;
  /** Measures the shared ack servers: the runner keeps them running into the next part that does too. */
  usesAckServers?: boolean;
  run(context: BenchContext, settings: Settings): Promise<Sections>;
}
