/**
 * What a queue holds and how far behind it is, in one shape for every queue (`MemoryQueue`,
 * `BullMQQueue` on Redis and on PostgreSQL), so that metrics and alerts read them the same way.
 * Ages are in seconds, measured when the statistics were read.
 */
export interface QueueStats {
  /** Deliveries stored and waiting for a worker. */
  waiting: number;
  /** Deliveries a worker is processing now. */
  active: number;
  /** Deliveries waiting for their next attempt after a failed one (BullMQ's delayed jobs). */
  retrying: number;
  /**
   * Processed deliveries still stored (BullMQ's completed jobs, within their retention). A
   * `MemoryQueue` keeps none: it counts those processed since it started.
   */
  processed: number;
  /** Dead letters kept (within their retention): deliveries whose processing gave up. */
  deadLetters: number;
  /**
   * How long the oldest delivery not yet processed (waiting, retrying or active) has been stored,
   * in seconds; 0 when there is none. How far behind processing is.
   */
  oldestUnprocessedAgeSeconds: number;
  /** How long ago the oldest dead letter kept gave up, in seconds; 0 when there is none. */
  oldestDeadLetterAgeSeconds: number;
  /** How long ago the newest dead letter gave up, in seconds; `undefined` when there is none. */
  newestDeadLetterAgeSeconds: number | undefined;
}

/** What a queue knows, as counts and times (milliseconds since the epoch), before it is read into `QueueStats`. */
export interface QueueStatsInput
  extends Pick<QueueStats, 'waiting' | 'active' | 'retrying' | 'processed' | 'deadLetters'> {
  /** When each state's oldest unprocessed delivery was stored; `undefined` for an empty state. */
  unprocessedSince: readonly (number | undefined)[];
  /** When the oldest dead letter gave up. */
  oldestDeadLetterAt: number | undefined;
  /** When the newest dead letter gave up. */
  newestDeadLetterAt: number | undefined;
}

const ageSeconds = (at: number, now: number): number => Math.max(0, (now - at) / 1000);

/** Reads counts and times into `QueueStats`: the one place every queue's ages are computed. */
export function toQueueStats(input: QueueStatsInput, now = Date.now()): QueueStats {
  const since = input.unprocessedSince.filter((at): at is number => at !== undefined && Number.isFinite(at));
  return {
    waiting: input.waiting,
    active: input.active,
    retrying: input.retrying,
    processed: input.processed,
    deadLetters: input.deadLetters,
    oldestUnprocessedAgeSeconds: since.length === 0 ? 0 : ageSeconds(Math.min(...since), now),
    oldestDeadLetterAgeSeconds: input.oldestDeadLetterAt === undefined ? 0 : ageSeconds(input.oldestDeadLetterAt, now),
    newestDeadLetterAgeSeconds:
      input.newestDeadLetterAt === undefined ? undefined : ageSeconds(input.newestDeadLetterAt, now),
  };
}
