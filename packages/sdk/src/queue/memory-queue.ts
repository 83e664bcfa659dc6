import { consoleLogger, type Logger } from '../shared/logger.js';
import { withTimeout } from '../shared/with-timeout.js';
import type { Delivery, DeliveryProcessor, EnqueueResult, EventQueue } from './event-queue.js';
import { NonRetryableError } from './non-retryable-error.js';
import { type QueueStats, toQueueStats } from './queue-stats.js';
import { type RetentionOptions, resolveRetention } from './retention.js';
import { captureTraceContext, continueTrace, type TraceContext } from './trace-context.js';
import { UnfinishedDeliveries } from './unfinished-deliveries.js';

/** How a `MemoryQueue` processes what it holds. */
export interface MemoryQueueOptions {
  /** Runs for each stored delivery (`createProcessor(...)`); required, since a queue that runs nothing would acknowledge deliveries no one processes. */
  processor: DeliveryProcessor;
  /**
   * Deliveries processed at once.
   * @defaultValue 1
   */
  concurrency?: number;
  /**
   * Attempts before a delivery becomes a dead letter.
   * @defaultValue 3
   */
  attempts?: number;
  /**
   * Delay before the first retry, doubled at each further one.
   * @defaultValue 1000
   */
  backoffMs?: number;
  /**
   * How long an event id is remembered, to answer a repeat as a duplicate.
   * @defaultValue 7 days (Acadle retries for 3)
   */
  dedupeTtlMs?: number;
  /**
   * Most event ids remembered at once; past it the oldest are forgotten (a repeat of one of them would
   * be processed again), so that a long-running process keeps bounded memory.
   * @defaultValue 100000
   */
  maxDedupeIds?: number;
  /**
   * How long dead letters are kept (`deadLettersMs`, 30 days by default); older ones are removed. A
   * `MemoryQueue` keeps no processed delivery (it counts them), so `processedMs` changes nothing here.
   */
  retention?: RetentionOptions;
  /** Where retries and dead letters are logged. @defaultValue {@link consoleLogger} (warnings and errors on stderr) */
  logger?: Logger;
}

/** A delivery whose processing gave up, with the reason. */
export interface DeadLetter {
  /** The delivery, as stored. */
  delivery: Delivery;
  /** Attempts made, the last one included. */
  attempts: number;
  /** The message of the last error. */
  reason: string;
  /** When it gave up, as an ISO 8601 string. */
  failedAt: string;
}

interface Job {
  delivery: Delivery;
  attempt: number;
  /** The trace context of the request that stored it, so that every attempt joins its trace. */
  traceContext?: TraceContext | undefined;
}

/**
 * An in-process queue: not durable (a restart loses what it holds), for tests, demos and
 * single-process setups that accept that. Deduplicates by event id for the life of the process.
 *
 * @example
 * ```ts
 * const queue = new MemoryQueue({ processor: createProcessor({ handlers }) });
 * const receiver = createReceiver({ queue, auth: { tokens: [token] } });
 * // In tests: await queue.idle(); then look at queue.processed and queue.deadLetters.
 * ```
 */
export class MemoryQueue implements EventQueue {
  /** Event ids seen, with when each may be forgotten, oldest first (insertion order is time order). */
  readonly #seen = new Map<string, number>();
  readonly #waiting: Job[] = [];
  readonly #active = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #deadLetters: DeadLetter[] = [];
  readonly #unfinished = new UnfinishedDeliveries();
  // Made at the first use: Cloudflare Workers forbid creating one at global scope, where a queue often is.
  #abortController: AbortController | undefined;
  readonly #idleWaiters: (() => void)[] = [];
  readonly #options: Required<Omit<MemoryQueueOptions, 'retention'>>;
  readonly #retention: Required<RetentionOptions>;
  #processed = 0;
  #closed = false;

  constructor(options: MemoryQueueOptions) {
    if (typeof options?.processor !== 'function') {
      throw new TypeError(
        'MemoryQueue: give a processor, e.g. new MemoryQueue({ processor: createProcessor({ handlers }) }); without one, deliveries would be acknowledged and never processed',
      );
    }
    this.#options = {
      processor: options.processor,
      dedupeTtlMs: options.dedupeTtlMs ?? 7 * 86_400_000,
      maxDedupeIds: options.maxDedupeIds ?? 100_000,
      concurrency: options.concurrency ?? 1,
      attempts: options.attempts ?? 3,
      backoffMs: options.backoffMs ?? 1000,
      logger: options.logger ?? consoleLogger,
    };
    this.#retention = resolveRetention(options.retention);
  }

  /** Stores a delivery unless its id was seen before; rejects once closed (the receiver answers 503). */
  async enqueue(delivery: Delivery): Promise<EnqueueResult> {
    if (this.#closed) throw new Error('MemoryQueue is closed');
    if (this.#remembers(delivery.id)) return { duplicate: true };
    this.#removeExpiredDeadLetters();
    this.#seen.set(delivery.id, Date.now() + this.#options.dedupeTtlMs);
    if (this.#seen.size > this.#options.maxDedupeIds) this.#seen.delete(this.#seen.keys().next().value as string);
    this.#waiting.push({ delivery, attempt: 1, traceContext: captureTraceContext() });
    this.#unfinished.add(delivery);
    this.#drain();
    return { duplicate: false };
  }

  get #abort(): AbortController {
    this.#abortController ??= new AbortController();
    return this.#abortController;
  }

  /** Whether `id` was seen within the dedupe window; forgets the ids whose window has passed. */
  #remembers(id: string): boolean {
    const now = Date.now();
    for (const [oldest, forgetAt] of this.#seen) {
      if (forgetAt > now) break;
      this.#seen.delete(oldest);
    }
    return this.#seen.has(id);
  }

  /** Removes the dead letters older than their retention (the oldest are first: O(1) when none is due). */
  #removeExpiredDeadLetters(): void {
    const oldestKept = Date.now() - this.#retention.deadLettersMs;
    let expired = 0;
    while (
      expired < this.#deadLetters.length &&
      Date.parse((this.#deadLetters[expired] as DeadLetter).failedAt) < oldestKept
    )
      expired += 1;
    if (expired > 0) this.#deadLetters.splice(0, expired);
  }

  /** How many event ids are remembered for deduplication (at most `maxDedupeIds`). */
  get rememberedIds(): number {
    return this.#seen.size;
  }

  /** Deliveries stored and not yet processed (waiting, retrying or running). */
  get pending(): number {
    return this.#waiting.length + this.#active.size + this.#timers.size;
  }

  /** How many deliveries were processed successfully. */
  get processed(): number {
    return this.#processed;
  }

  /** Deliveries whose processing gave up, oldest first, within their retention. */
  get deadLetters(): readonly DeadLetter[] {
    this.#removeExpiredDeadLetters();
    return this.#deadLetters;
  }

  /** What the queue holds and how far behind it is, in the shape `BullMQQueue.getStats` also answers. */
  async getStats(): Promise<QueueStats> {
    const deadLetters = this.deadLetters;
    return toQueueStats({
      waiting: this.#waiting.length,
      active: this.#active.size,
      retrying: this.#timers.size,
      processed: this.#processed,
      deadLetters: deadLetters.length,
      unprocessedSince: [this.#unfinished.oldestStoredAt],
      oldestDeadLetterAt: deadLetters[0] && Date.parse(deadLetters[0].failedAt),
      newestDeadLetterAt: deadLetters.at(-1) && Date.parse((deadLetters.at(-1) as DeadLetter).failedAt),
    });
  }

  /** Puts dead letters back in the queue (all, or those `filter` picks); returns what was re-enqueued. */
  replayDeadLetters(filter: (deadLetter: DeadLetter) => boolean = () => true): Delivery[] {
    const replayed: Delivery[] = [];
    for (let index = this.#deadLetters.length - 1; index >= 0; index -= 1) {
      const deadLetter = this.#deadLetters[index] as DeadLetter;
      if (!filter(deadLetter)) continue;
      this.#deadLetters.splice(index, 1);
      this.#waiting.push({ delivery: deadLetter.delivery, attempt: 1 });
      this.#unfinished.add(deadLetter.delivery);
      replayed.unshift(deadLetter.delivery);
    }
    this.#drain();
    return replayed;
  }

  /** Resolves once nothing is pending (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    if (this.pending === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops taking deliveries, aborts the processors' `signal`, and waits up to `timeoutMs` for active ones. */
  async close(timeoutMs = 5000): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#abort.abort();
    this.#notifyIdle();
    await withTimeout(Promise.allSettled([...this.#active]), timeoutMs, () => new Error('close timed out')).catch(
      () => {},
    );
  }

  #drain(): void {
    const { processor, concurrency } = this.#options;
    while (!this.#closed && this.#active.size < concurrency && this.#waiting.length > 0) {
      const job = this.#waiting.shift() as Job;
      const run = this.#run(processor, job).finally(() => {
        this.#active.delete(run);
        this.#drain();
      });
      this.#active.add(run);
    }
    this.#notifyIdle();
  }

  /** Resolves the callers of `idle()` once nothing is pending. */
  #notifyIdle(): void {
    if (this.pending === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  async #run(processor: DeliveryProcessor, job: Job): Promise<void> {
    const { attempts, backoffMs, logger } = this.#options;
    try {
      await continueTrace(job.traceContext, () =>
        processor(job.delivery, { attempt: job.attempt, signal: this.#abort.signal }),
      );
      this.#processed += 1;
      this.#unfinished.finish(job.delivery);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof NonRetryableError || job.attempt >= attempts) {
        this.#unfinished.finish(job.delivery);
        this.#deadLetters.push({
          delivery: job.delivery,
          attempts: job.attempt,
          reason,
          failedAt: new Date().toISOString(),
        });
        this.#removeExpiredDeadLetters();
        logger.error({ err: error, eventId: job.delivery.id, attempts: job.attempt }, 'Delivery moved to dead letters');
        return;
      }
      logger.warn({ err: error, eventId: job.delivery.id, attempt: job.attempt }, 'Delivery failed: will retry');
      const timer = setTimeout(
        () => {
          this.#timers.delete(timer);
          this.#waiting.push({ ...job, attempt: job.attempt + 1 });
          this.#drain();
        },
        backoffMs * 2 ** (job.attempt - 1),
      );
      this.#timers.add(timer);
    }
  }
}
