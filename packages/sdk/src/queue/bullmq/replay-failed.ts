import type { Delivery } from 'acadle-webhooks';
import type { Job, Queue } from 'bullmq';
import type { BullMQQueue } from './bullmq-queue.js';

/** Which dead letters to replay; all when empty. */
export interface ReplayFilter {
  /** Only deliveries of this event type. */
  type?: string;
  /** Only deliveries that failed at or after this time. */
  since?: Date | string;
  /** Only these event ids. */
  ids?: readonly string[];
}

/** A dead letter put back in the queue. */
export interface ReplayedDelivery {
  /** The BullMQ job id, unchanged by the replay. */
  jobId: string;
  /** Acadle's event id. */
  eventId: string;
  /** The event type. */
  eventType: string;
  /** Why the job had failed. */
  failedReason: string;
}

const PAGE_SIZE = 200;

/**
 * Puts dead letters (jobs in BullMQ's failed set) back in the queue with their attempts reset,
 * keeping their job and event ids; returns what it replayed (or, with `dryRun`, would replay).
 *
 * @example
 * ```ts
 * import { replayFailed } from 'acadle-webhooks/bullmq';
 *
 * const replayed = await replayFailed({ queue, filter: { type: 'user_course_completed', since: '2026-11-28T00:00:00Z' } });
 * console.log(`${replayed.length} deliveries replayed`);
 * ```
 */
export async function replayFailed(options: {
  /** The queue whose failed set to replay: a `BullMQQueue`, or a BullMQ queue of the same name. */
  queue: BullMQQueue | Queue;
  /** Which dead letters to replay; all when unset. */
  filter?: ReplayFilter;
  /** Only list what would be replayed. @defaultValue false */
  dryRun?: boolean;
}): Promise<ReplayedDelivery[]> {
  const queue = 'queue' in options.queue && !('add' in options.queue) ? options.queue.queue : (options.queue as Queue);
  const { type, ids } = options.filter ?? {};
  const since = options.filter?.since === undefined ? undefined : new Date(options.filter.since).getTime();
  const wanted = ids === undefined ? undefined : new Set(ids);
  const matches: Job<Delivery>[] = [];
  // Collect first, then retry: retrying while paging would shift the pages under us.
  for (let start = 0; ; start += PAGE_SIZE) {
    const page = (await queue.getFailed(start, start + PAGE_SIZE - 1)) as Job<Delivery>[];
    for (const job of page) {
      if (!job) continue;
      if (type !== undefined && job.data.type !== type) continue;
      if (wanted !== undefined && !wanted.has(job.data.id)) continue;
      if (since !== undefined && (job.finishedOn ?? 0) < since) continue;
      matches.push(job);
    }
    if (page.length < PAGE_SIZE) break;
  }
  const replayed: ReplayedDelivery[] = [];
  for (const job of matches) {
    // Read before retrying: `retry` clears the reason on the job object.
    const entry = {
      jobId: String(job.id),
      eventId: job.data.id,
      eventType: job.data.type,
      failedReason: job.failedReason,
    };
    if (!options.dryRun) await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    replayed.push(entry);
  }
  return replayed;
}
