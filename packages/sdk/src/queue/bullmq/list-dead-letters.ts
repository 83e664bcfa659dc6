import type { Delivery } from 'acadle-webhooks';
import type { Job, Queue } from 'bullmq';
import type { BullMQQueue } from './bullmq-queue.js';
import { fromStoredDelivery } from './stored-delivery.js';

/** Which dead letters to pick; all when empty. */
export interface DeadLetterFilter {
  /** Only deliveries of this event type. */
  type?: string;
  /** Only deliveries that failed at or after this time. */
  since?: Date | string;
  /** Only these event ids. */
  ids?: readonly string[];
}

/** A delivery in BullMQ's failed set: it gave up after its attempts, or at once on a `NonRetryableError`. */
export interface BullMQDeadLetter {
  /** The BullMQ job id (a replay keeps it). */
  jobId: string;
  /** Acadle's event id. */
  eventId: string;
  /** The event type. */
  eventType: string;
  /** Attempts made before it failed. */
  attemptsMade: number;
  /** Why the job failed: the last error's message. */
  failedReason: string;
  /** When it failed, as an ISO 8601 string. */
  failedAt: string | undefined;
  /** The delivery as stored: body exactly as received, receipt time and request metadata. */
  delivery: Delivery;
}

/** The queue whose failed set is read: a `BullMQQueue`, or a BullMQ queue of the same name. */
export type DeadLetterSource = BullMQQueue | Queue;

const PAGE_SIZE = 200;

function bullmqQueueOf(source: DeadLetterSource): Queue {
  return 'queue' in source && !('add' in source) ? source.queue : (source as Queue);
}

/** The failed jobs `filter` picks, newest failure first: the one paging and filtering path of list, show and replay. */
export async function findDeadLetterJobs(
  source: DeadLetterSource,
  filter: DeadLetterFilter = {},
): Promise<Job<Delivery>[]> {
  const queue = bullmqQueueOf(source);
  const since = filter.since === undefined ? undefined : new Date(filter.since).getTime();
  // An invalid time would filter nothing out, and replay everything.
  if (Number.isNaN(since)) throw new TypeError(`filter.since: not a date: ${String(filter.since)}`);
  const wanted = filter.ids === undefined ? undefined : new Set(filter.ids);
  // Keyed by job id: a job failing while we page shifts the pages, and would otherwise come twice.
  const matches = new Map<string, Job<Delivery>>();
  for (let start = 0; ; start += PAGE_SIZE) {
    const page = (await queue.getFailed(start, start + PAGE_SIZE - 1)) as Job<Delivery>[];
    for (const job of page) {
      if (!job) continue;
      if (filter.type !== undefined && job.data.type !== filter.type) continue;
      if (wanted !== undefined && !wanted.has(job.data.id)) continue;
      if (since !== undefined && (job.finishedOn ?? 0) < since) continue;
      matches.set(String(job.id), job);
    }
    if (page.length < PAGE_SIZE) break;
  }
  return [...matches.values()];
}

/** A failed job, read into a dead letter. */
export function toDeadLetter(job: Job<Delivery>): BullMQDeadLetter {
  return {
    jobId: String(job.id),
    eventId: job.data.id,
    eventType: job.data.type,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason,
    failedAt: job.finishedOn === undefined ? undefined : new Date(job.finishedOn).toISOString(),
    delivery: fromStoredDelivery(job.data).delivery,
  };
}

/**
 * The dead letters (jobs in BullMQ's failed set) that `filter` picks, newest failure first, with
 * their stored deliveries; changes nothing.
 *
 * @example
 * ```ts
 * import { listDeadLetters } from 'acadle-webhooks/bullmq';
 *
 * for (const deadLetter of await listDeadLetters({ queue, filter: { type: 'user_course_completed' } }))
 *   console.log(deadLetter.eventId, deadLetter.failedReason);
 * ```
 */
export async function listDeadLetters(options: {
  /** The queue whose failed set to read: a `BullMQQueue`, or a BullMQ queue of the same name. */
  queue: DeadLetterSource;
  /** Which dead letters to list; all when unset. */
  filter?: DeadLetterFilter;
}): Promise<BullMQDeadLetter[]> {
  return (await findDeadLetterJobs(options.queue, options.filter)).map(toDeadLetter);
}
