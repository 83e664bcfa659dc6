import type { JobType, Queue } from 'bullmq';
import { type QueueStats, type QueueStatsInput, toQueueStats } from '../queue-stats.js';

/**
 * The queue whose statistics are read: a `BullMQQueue` (or anything holding a BullMQ queue as
 * `queue`), or a BullMQ queue of the same name, as a worker-only process has.
 */
export type QueueStatsSource =
  | {
      /** The BullMQ queue underneath (a `BullMQQueue`'s `queue`). */
      readonly queue: Queue;
      /** All the BullMQ queues underneath, one per academy (a `BullMQQueue`'s `queues`); read instead of `queue` when given. */
      readonly queues?: readonly Queue[];
    }
  | Queue;

/** The first job of `state` in BullMQ's order (`asc`: the oldest), read alone: never a scan. */
async function firstJob(queue: Queue, state: JobType, asc: boolean) {
  const [job] = await queue.getJobs([state], 0, 0, asc);
  return job;
}

/** One BullMQ queue's counts and times, before they are read into `QueueStats`. */
async function readInput(queue: Queue): Promise<QueueStatsInput> {
  const [counts, waiting, prioritized, active, delayed, oldestFailed, newestFailed] = await Promise.all([
    queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
    firstJob(queue, 'wait', true),
    firstJob(queue, 'prioritized', true),
    firstJob(queue, 'active', true),
    firstJob(queue, 'delayed', true),
    firstJob(queue, 'failed', true),
    firstJob(queue, 'failed', false),
  ]);
  return {
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    retrying: counts.delayed ?? 0,
    processed: counts.completed ?? 0,
    deadLetters: counts.failed ?? 0,
    unprocessedSince: [waiting, prioritized, active, delayed].map((job) => job?.timestamp),
    oldestDeadLetterAt: oldestFailed?.finishedOn,
    newestDeadLetterAt: newestFailed?.finishedOn,
  };
}

const extreme = (pick: (...values: number[]) => number, values: (number | undefined)[]) => {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : pick(...known);
};

/**
 * What a BullMQ queue holds and how far behind it is, on Redis or PostgreSQL: BullMQ's job counts
 * and the first job of each state, a few cheap requests whatever the queue's size. The oldest
 * unprocessed age reads the first job in line of `wait`, `prioritized`, `active` and `delayed`;
 * for a retrying delivery that is the next to run, which is usually but not always the oldest.
 * Several queues (a `BullMQQueue`'s academies, each in a queue of its own) are read as one.
 *
 * @example
 * ```ts
 * import { readQueueStats } from 'acadle-webhooks/bullmq';
 *
 * const { waiting, oldestUnprocessedAgeSeconds } = await readQueueStats(queue);
 * ```
 */
export async function readQueueStats(source: QueueStatsSource | readonly Queue[]): Promise<QueueStats> {
  const queues: readonly Queue[] = Array.isArray(source)
    ? source
    : 'add' in (source as Queue)
      ? [source as Queue]
      : ((source as { queues?: readonly Queue[] }).queues ?? [(source as { queue: Queue }).queue]);
  const inputs = await Promise.all(queues.map(readInput));
  const sum = (key: 'waiting' | 'active' | 'retrying' | 'processed' | 'deadLetters') =>
    inputs.reduce((total, input) => total + input[key], 0);
  return toQueueStats({
    waiting: sum('waiting'),
    active: sum('active'),
    retrying: sum('retrying'),
    processed: sum('processed'),
    deadLetters: sum('deadLetters'),
    unprocessedSince: inputs.flatMap((input) => input.unprocessedSince),
    oldestDeadLetterAt: extreme(
      Math.min,
      inputs.map((input) => input.oldestDeadLetterAt),
    ),
    newestDeadLetterAt: extreme(
      Math.max,
      inputs.map((input) => input.newestDeadLetterAt),
    ),
  });
}
