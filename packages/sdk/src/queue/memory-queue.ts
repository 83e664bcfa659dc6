import type {
  DeliveryLog,
  DeliveryLogEntry,
  DeliveryPage,
  DeliveryQuery,
  ReplayResult,
  ReplaySelection,
} from '../deliveries/delivery-log.js';
import { DeliveryLogKeeper } from '../deliveries/delivery-log-keeper.js';
import { deliveryOf } from '../deliveries/log-store.js';
import { MemoryLogStore } from '../deliveries/memory-log-store.js';
import { academyOf, deliveryKey } from '../shared/academy.js';
import { consoleLogger, type Logger } from '../shared/logger.js';
import { withTimeout } from '../shared/with-timeout.js';
import { type AcademyPausing, pausedError } from './academy-pausing.js';
import type { Delivery, DeliveryProcessor, EnqueueResult, EventQueue } from './event-queue.js';
import { FairLine } from './fair-line.js';
import { NonRetryableError } from './non-retryable-error.js';
import { type QueueStats, toQueueStats } from './queue-stats.js';
import { type RetentionOptions, resolveRetention } from './retention.js';
import { type RetryOptions, resolveRetry, retryDelayMs } from './retry-policy.js';
import { captureTraceContext, continueTrace, type TraceContext } from './trace-context.js';
import { UnfinishedDeliveries } from './unfinished-deliveries.js';

/** How a `MemoryQueue` processes what it holds; retries follow the one policy of every queue (`RetryOptions`). */
export interface MemoryQueueOptions extends RetryOptions {
  /** Runs for each stored delivery (`createProcessor(...)`); required, since a queue that runs nothing would acknowledge deliveries no one processes. */
  processor: DeliveryProcessor;
  /**
   * Deliveries processed at once.
   * @defaultValue 1
   */
  concurrency?: number;
  /**
   * How long an event id is remembered, to answer a repeat as a duplicate.
   * @defaultValue 7 days (Acadle retries for 3)
   */
  dedupeTtlMs?: number;
  /**
   * Most event ids remembered at once; past it the oldest are forgotten (a repeat of one of them would
   * be processed again), so that a long-running process keeps bounded memory. The delivery log keeps
   * as many entries at most (the oldest finished ones go first).
   * @defaultValue 100000
   */
  maxDedupeIds?: number;
  /**
   * How long the delivery log keeps processed deliveries (`processedMs`, 7 days by default) and dead
   * letters (`deadLettersMs`, 30 days by default).
   */
  retention?: RetentionOptions;
  /** Where retries, dead letters and conflicting repeats are logged. @defaultValue {@link consoleLogger} (warnings and errors on stderr) */
  logger?: Logger;
}

interface Job {
  delivery: Delivery;
  attempt: number;
  /** The trace context of the request that stored it, so that every attempt joins its trace. */
  traceContext?: TraceContext | undefined;
}

/**
 * An in-process queue: not durable (a restart loses what it holds), for tests, demos and
 * single-process setups that accept that. Deduplicates by event id for the life of the process, and
 * keeps a delivery log (find, show, replay) as `BullMQQueue` does.
 *
 * @example
 * ```ts
 * const queue = new MemoryQueue({ processor: createProcessor({ handlers }) });
 * const receiver = createReceiver({ queue, auth: { tokens: [token] } });
 * // In tests: await queue.idle(); then look at queue.processed and await queue.listDeadLetters().
 * ```
 */
export class MemoryQueue implements EventQueue, DeliveryLog, AcademyPausing {
  /** Event ids seen, with when each may be forgotten, oldest first (insertion order is time order). */
  readonly #seen = new Map<string, number>();
  /** Academies are taken in turn, and a paused one waits (fair-line.ts). */
  readonly #waiting = new FairLine<Job>();
  readonly #active = new Set<Promise<void>>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #unfinished = new UnfinishedDeliveries();
  readonly #logStore: MemoryLogStore;
  readonly #log: DeliveryLogKeeper;
  // Made at the first use: Cloudflare Workers forbid creating one at global scope, where a queue often is.
  #abortController: AbortController | undefined;
  readonly #idleWaiters: (() => void)[] = [];
  readonly #options: Required<Omit<MemoryQueueOptions, 'retention' | keyof RetryOptions>>;
  readonly #retry: Required<RetryOptions>;
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
      logger: options.logger ?? consoleLogger,
    };
    this.#retry = resolveRetry(options);
    this.#logStore = new MemoryLogStore(this.#options.maxDedupeIds);
    this.#log = new DeliveryLogKeeper(this.#logStore, {
      logger: this.#options.logger,
      retention: resolveRetention(options.retention),
    });
  }

  /** Stores a delivery unless its id was seen before; rejects once closed, or while its academy is paused (the receiver answers 503). */
  async enqueue(delivery: Delivery): Promise<EnqueueResult> {
    if (this.#closed) throw new Error('MemoryQueue is closed');
    const academy = academyOf(delivery);
    if (this.#waiting.isPaused(academy)) throw pausedError(academy);
    // The same event id from two academies is two events: deduplicated by its key within its academy.
    const key = deliveryKey(delivery);
    if (this.#remembers(key)) {
      await this.#log.stored(delivery, null, true);
      return { duplicate: true };
    }
    this.#seen.set(key, Date.now() + this.#options.dedupeTtlMs);
    if (this.#seen.size > this.#options.maxDedupeIds) this.#seen.delete(this.#seen.keys().next().value as string);
    await this.#log.stored(delivery, null, false);
    this.#push({ delivery, attempt: 1, traceContext: captureTraceContext() });
    return { duplicate: false };
  }

  #push(job: Job): void {
    this.#waiting.push(academyOf(job.delivery), job);
    this.#unfinished.add(job.delivery);
    this.#drain();
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

  /** Refuses the academy's new deliveries (503) and holds its stored ones, until `resumeAcademy` (for the life of the process). */
  async pauseAcademy(academy: string): Promise<void> {
    this.#waiting.pause(academy);
  }

  /** Takes the academy's deliveries again, and processes those it held. */
  async resumeAcademy(academy: string): Promise<void> {
    this.#waiting.resume(academy);
    this.#drain();
  }

  async pausedAcademies(): Promise<string[]> {
    return this.#waiting.paused();
  }

  /** How many event ids are remembered for deduplication (at most `maxDedupeIds`). */
  get rememberedIds(): number {
    return this.#seen.size;
  }

  /** Deliveries stored and not yet processed (waiting, retrying or running). */
  get pending(): number {
    return this.#waiting.size + this.#active.size + this.#timers.size;
  }

  /** How many deliveries were processed successfully since the queue was made. */
  get processed(): number {
    return this.#processed;
  }

  /** What the queue holds and how far behind it is, in the shape `BullMQQueue.getStats` also answers. */
  async getStats(): Promise<QueueStats> {
    await this.#logStore.removeExpired(Date.now(), Number.POSITIVE_INFINITY);
    let deadLetters = 0;
    let oldestDeadLetterAt: number | undefined;
    let newestDeadLetterAt: number | undefined;
    for (const entry of this.#logStore.entries()) {
      if (entry.status !== 'dead') continue;
      deadLetters += 1;
      const last = entry.attempts.at(-1);
      const failedAt = last ? Date.parse(last.startedAt) + last.durationMs : entry.receivedAtMs;
      oldestDeadLetterAt = Math.min(oldestDeadLetterAt ?? failedAt, failedAt);
      newestDeadLetterAt = Math.max(newestDeadLetterAt ?? failedAt, failedAt);
    }
    return toQueueStats({
      waiting: this.#waiting.size,
      active: this.#active.size,
      retrying: this.#timers.size,
      processed: this.#processed,
      deadLetters,
      unprocessedSince: [this.#unfinished.oldestStoredAt],
      oldestDeadLetterAt,
      newestDeadLetterAt,
    });
  }

  findDeliveries(query?: DeliveryQuery): Promise<DeliveryPage> {
    return this.#log.find(query);
  }

  getDelivery(id: string, academy?: string): Promise<DeliveryLogEntry | undefined> {
    return this.#log.get(id, academy);
  }

  listDeadLetters(query?: Omit<DeliveryQuery, 'status'>): Promise<DeliveryPage> {
    return this.#log.deadLetters(query);
  }

  /** Puts processed or dead deliveries back in the queue, attempts counted from 1 again (see `DeliveryLog`). */
  replayDeliveries(selection: ReplaySelection): Promise<ReplayResult> {
    if (this.#closed) return Promise.reject(new Error('MemoryQueue is closed'));
    return this.#log.replay(selection, async (entry) => {
      this.#push({ delivery: deliveryOf(entry), attempt: 1 });
      return null;
    });
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
    while (!this.#closed && this.#active.size < concurrency) {
      const job = this.#waiting.next();
      if (job === undefined) break;
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
    const { logger } = this.#options;
    const { attempts } = this.#retry;
    // Not awaited: the memory store applies it at once, and the processor starts in this same turn.
    void this.#log.attemptStarted(job.delivery, null);
    const startedAt = new Date();
    const attempt = { attempt: job.attempt, startedAt: startedAt.toISOString() };
    try {
      await continueTrace(job.traceContext, () =>
        processor(job.delivery, { attempt: job.attempt, signal: this.#abort.signal }),
      );
      this.#processed += 1;
      this.#unfinished.finish(job.delivery);
      await this.#log.attemptFinished(
        job.delivery,
        { ...attempt, durationMs: Date.now() - startedAt.getTime() },
        {
          status: 'processed',
        },
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failed = { ...attempt, durationMs: Date.now() - startedAt.getTime(), error: reason };
      if (error instanceof NonRetryableError || job.attempt >= attempts) {
        this.#unfinished.finish(job.delivery);
        await this.#log.attemptFinished(job.delivery, failed, { status: 'dead' });
        logger.error({ err: error, eventId: job.delivery.id, attempts: job.attempt }, 'Delivery moved to dead letters');
        return;
      }
      const delayMs = retryDelayMs(job.attempt, this.#retry);
      await this.#log.attemptFinished(job.delivery, failed, {
        status: 'retrying',
        nextRetryAt: new Date(Date.now() + delayMs),
      });
      logger.warn({ err: error, eventId: job.delivery.id, attempt: job.attempt }, 'Delivery failed: will retry');
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#waiting.push(academyOf(job.delivery), { ...job, attempt: job.attempt + 1 });
        this.#drain();
      }, delayMs);
      this.#timers.add(timer);
    }
  }
}
