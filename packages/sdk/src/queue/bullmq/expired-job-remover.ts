import type { Logger } from 'acadle-webhooks';
import type { Queue } from 'bullmq';
import type { LogRetention } from '../../deliveries/delivery-log-keeper.js';

/** The most expired jobs of one kind a pass removes (a catch-up takes several passes, back to back). */
export const REMOVAL_BATCH = 1000;
/** At most one pass a second while removal keeps up. */
const REMOVAL_INTERVAL_MS = 1000;
/** PostgreSQL's `deadlock_detected`. */
const DEADLOCK = '40P01';

/**
 * Removes the expired jobs of a PostgreSQL queue, a batch at a time, apart from any job's finish.
 *
 * BullMQ's own removal (`removeOnComplete: { age }`) deletes every expired job inside the
 * transaction that finishes a job. On PostgreSQL, two jobs finishing at once then delete the same
 * rows in different orders: one is aborted as a deadlock, the finished job fails and its delivery
 * runs again (seen in the retention soak). Jobs on PostgreSQL are therefore stored without it (the
 * retention travels in the job data) and removed here, one pass at a time per worker, so that a
 * deadlock can only abort a pass (retried a second later), never a finish.
 */
export class ExpiredJobRemover {
  readonly #queues: () => Queue[];
  readonly #logger: Logger;
  #retention: LogRetention | undefined;
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastPassAt = 0;
  #lastWarningAt = 0;
  #closed = false;

  /** `queues`: the queues to remove from (one per academy), read at each pass. */
  constructor(queues: () => Queue[], logger: Logger) {
    this.#queues = queues;
    this.#logger = logger;
  }

  /** A job kept for `retention` finished: a pass runs within a second (the latest retention is the one applied). */
  finished(retention: LogRetention): void {
    this.#retention = retention;
    this.#schedule(REMOVAL_INTERVAL_MS - (Date.now() - this.#lastPassAt));
  }

  /** Waits for a pass under way; none starts after. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#timer !== undefined || this.#running !== undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#running = this.#pass().then((behind) => {
          this.#running = undefined;
          // Behind (a full batch): the next pass follows at once, so that removal catches up.
          if (behind) this.#schedule(0);
        });
      },
      Math.max(0, delayMs),
    );
    this.#timer.unref();
  }

  /** One pass; true when a batch was full (more are expired). */
  async #pass(): Promise<boolean> {
    const retention = this.#retention;
    if (retention === undefined) return false;
    this.#lastPassAt = Date.now();
    try {
      let behind = false;
      for (const queue of this.#queues()) {
        const processed = await queue.clean(retention.processedMs, REMOVAL_BATCH, 'completed');
        const dead = await queue.clean(retention.deadLettersMs, REMOVAL_BATCH, 'failed');
        behind ||= processed.length === REMOVAL_BATCH || dead.length === REMOVAL_BATCH;
      }
      return behind;
    } catch (error) {
      // Two workers' passes may deadlock each other (expected: debug); the next finish runs another.
      const message = error instanceof Error ? error.message : String(error);
      if ((error as { code?: unknown }).code === DEADLOCK) {
        this.#logger.debug({ err: error }, `A removal of expired jobs was aborted: ${message}`);
      } else if (Date.now() - this.#lastWarningAt >= 60_000) {
        this.#lastWarningAt = Date.now();
        this.#logger.warn({ err: error }, `Expired jobs could not be removed (tried again later): ${message}`);
      }
      return false;
    }
  }
}
