import {
  type BullMQDeadLetter,
  type DeadLetterFilter,
  type DeadLetterSource,
  findDeadLetterJobs,
  toDeadLetter,
} from './list-dead-letters.js';

/** Which dead letters to replay; all when empty. */
export type ReplayFilter = DeadLetterFilter;

/** A dead letter put back in the queue, as it was before the replay (its reason and attempts made). */
export type ReplayedDelivery = BullMQDeadLetter;

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
  queue: DeadLetterSource;
  /** Which dead letters to replay; all when unset. */
  filter?: ReplayFilter;
  /** Only list what would be replayed. @defaultValue false */
  dryRun?: boolean;
}): Promise<ReplayedDelivery[]> {
  // Collect first, then retry: retrying while paging would shift the pages under us.
  const jobs = await findDeadLetterJobs(options.queue, options.filter);
  const replayed: ReplayedDelivery[] = [];
  for (const job of jobs) {
    // Read before retrying: `retry` clears the reason on the job object.
    const deadLetter = toDeadLetter(job);
    if (!options.dryRun) await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    replayed.push(deadLetter);
  }
  return replayed;
}
