import type { Logger } from 'acadle-webhooks';
import type { Queue, RedisConnectionClient } from 'bullmq';
import { DEFAULT_ACADEMY } from '../../shared/academy.js';
import { GroupCommit } from './group-commit.js';
import { ReplicaWaiter } from './replica-waiter.js';
import type { StoredDelivery } from './stored-delivery.js';

/**
 * The BullMQ queue of one academy's deliveries: the queue name itself for `default` (so that a
 * single-academy setup, and the jobs stored before academies, are where they were), and
 * `<queueName>.<academy>` for the others. A queue per academy is what lets workers take academies
 * in turn, rate-limit one (BullMQ's limiter is per queue) and pause one (BullMQ's pause, kept in
 * the store): BullMQ's own groups are in BullMQ Pro only.
 */
export function laneName(queueName: string, academy: string): string {
  return academy === DEFAULT_ACADEMY ? queueName : `${queueName}.${academy}`;
}

/** How long a process trusts what it last read of an academy's pause (another process may change it). */
const PAUSED_CACHE_MS = 1000;

/** One BullMQ job as `addBulk` takes it. */
export type BulkJob = { name: string; data: StoredDelivery; opts: Record<string, unknown> & { jobId: string } };

/** A BullMQ queue just made, and what else was made for it. */
export interface BuiltQueue {
  queue: Queue;
  /** A Redis Cluster connection made for it, which BullMQ leaves open. */
  ownCluster?: RedisConnectionClient;
}

export interface LaneOptions {
  academy: string;
  build: () => BuiltQueue;
  /** PostgreSQL: a queue that never stored anything is built again when it fails (see `recover`). */
  rebuildable: boolean;
  maxBatchSize: number;
  maxConcurrentWrites: number;
  replicas?: { minReplicas: number; timeoutMs: number };
  logger: Logger;
  /** Called with the new queue when a failing one was replaced. */
  onReplaced: (queue: Queue) => void;
}

/** One academy's queue, with its group commit and its replica check. */
export class Lane {
  readonly academy: string;
  #built: BuiltQueue;
  readonly #options: LaneOptions;
  #everStored = false;
  #lastRebuildAt = 0;
  readonly #groupCommit: GroupCommit<BulkJob, { id?: string | undefined }> | undefined;
  readonly replicas: ReplicaWaiter | undefined;
  /** Whether the academy is paused, as last read from the store, and when. */
  #paused: { paused: boolean; readAt: number } | undefined;

  constructor(options: LaneOptions) {
    this.academy = options.academy;
    this.#options = options;
    this.#built = options.build();
    this.#listen(this.#built.queue);
    if (options.maxBatchSize > 1) {
      this.#groupCommit = new GroupCommit({
        write: (jobs) => this.queue.addBulk(jobs),
        maxBatchSize: options.maxBatchSize,
        maxConcurrentWrites: options.maxConcurrentWrites,
      });
    }
    if (options.replicas) this.replicas = this.replicaWaiter(options.replicas.minReplicas, options.replicas.timeoutMs);
  }

  get queue(): Queue {
    return this.#built.queue;
  }

  /** Stores `job`; resolves with the id BullMQ answered (another job's for a duplicate). */
  async add(job: BulkJob): Promise<{ id?: string | undefined }> {
    try {
      const added = this.#groupCommit
        ? await this.#groupCommit.submit(job)
        : await this.queue.add(job.name, job.data, job.opts);
      this.#everStored = true;
      return added;
    } catch (error) {
      this.#recover();
      throw error;
    }
  }

  /** Whether the academy is paused, read from the store at most once a second (another process may pause it). */
  async isPaused(): Promise<boolean> {
    if (this.#paused && Date.now() - this.#paused.readAt < PAUSED_CACHE_MS) return this.#paused.paused;
    try {
      const paused = await this.queue.isPaused();
      this.#paused = { paused, readAt: Date.now() };
      return paused;
    } catch (error) {
      this.#recover();
      throw error;
    }
  }

  /** Pauses (or resumes) the academy's BullMQ queue: kept in the store, it outlives a restart, and workers hold its jobs. */
  async setPaused(paused: boolean): Promise<void> {
    await (paused ? this.queue.pause() : this.queue.resume());
    this.#paused = { paused, readAt: Date.now() };
  }

  replicaWaiter(minReplicas: number, timeoutMs: number): ReplicaWaiter {
    const queueKey = `${this.queue.opts.prefix ?? 'bull'}:${this.queue.name}`;
    return new ReplicaWaiter({ client: () => this.queue.backend.client, queueKey, minReplicas, timeoutMs });
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.#built.ownCluster?.quit().catch(() => {});
  }

  #listen(queue: Queue): void {
    queue.on('error', (error) => this.#options.logger.debug({ err: error }, 'BullMQ queue error'));
  }

  // BullMQ 6.7's Postgres connection keeps the failure of its first connection forever, so a
  // queue created while PostgreSQL was down never recovers. Until it has stored something, a
  // failing queue is replaced (at most once a second). Redis queues recover by themselves.
  #recover(): void {
    if (!this.#options.rebuildable || this.#everStored || Date.now() - this.#lastRebuildAt < 1000) return;
    this.#lastRebuildAt = Date.now();
    const broken = this.#built.queue;
    this.#built = this.#options.build();
    this.#listen(this.#built.queue);
    void broken.close().catch(() => {});
    this.#options.onReplaced(this.#built.queue);
  }
}
