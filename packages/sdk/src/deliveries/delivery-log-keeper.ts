import type { Delivery } from '../queue/event-queue.js';
import { academyOf, deliveryKey } from '../shared/academy.js';
import type { Logger } from '../shared/logger.js';
import { encodeCursor, normalizeFilter, normalizeQuery } from './delivery-filter.js';
import type {
  DeliveryAttempt,
  DeliveryLogEntry,
  DeliveryPage,
  DeliveryQuery,
  ReplayResult,
  ReplaySelection,
} from './delivery-log.js';
import { type LogStore, newEntry, publicEntry, type StoredEntry, summaryOf } from './log-store.js';

/** How an attempt ended. */
export type AttemptOutcome = { status: 'processed' } | { status: 'retrying'; nextRetryAt: Date } | { status: 'dead' };

/** Puts a delivery back in the queue for a replay; resolves with the new job's id (or `null`). */
export type Requeue = (entry: StoredEntry) => Promise<string | null>;

/** How long the log keeps what is finished, in milliseconds. */
export interface LogRetention {
  processedMs: number;
  deadLettersMs: number;
}

const REPLAY_PAGE = 500;
const REMOVAL_BATCH = 100;
const REMOVAL_INTERVAL_MS = 1000;
const FINISHED = ['processed', 'dead'] as const;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The delivery log on top of a store, the same for every queue: records what the queue and its
 * workers do, searches, and replays. Writes after processing never fail it (a failed write is
 * logged); the write on receipt is awaited, so that an acknowledged delivery is in the log.
 */
export class DeliveryLogKeeper {
  readonly #store: LogStore;
  readonly #logger: Logger;
  readonly #retention: LogRetention;
  #lastRemovalAt = 0;
  /** Whether the last removal found a full batch due: more may be waiting. */
  #behind = false;
  #lastWriteErrorAt = 0;

  constructor(store: LogStore, options: { logger: Logger; retention: LogRetention }) {
    this.#store = store;
    this.#logger = options.logger;
    this.#retention = options.retention;
  }

  /** After the queue stored a delivery (or found it a duplicate): logs it, or counts the repeat. */
  async stored(delivery: Delivery, jobId: string | null, duplicate: boolean): Promise<void> {
    if (!duplicate) {
      await this.#store.received(newEntry(delivery, jobId));
      return;
    }
    const repeat = await this.#store.repeated(deliveryKey(delivery), delivery.body);
    if (repeat === 'conflict') {
      this.#logger.warn(
        {
          eventId: delivery.id,
          eventType: delivery.type,
          academy: academyOf(delivery),
          remoteAddress: delivery.request.remoteAddress,
        },
        'A repeat of a stored event id came with a different body: kept the first, counted as a conflict (a sender bug, or a spoofed request)',
      );
    }
  }

  /** An attempt starts: the entry is `active` (logged first if it was not, e.g. a job stored before the log). */
  async attemptStarted(delivery: Delivery, jobId: string | null): Promise<void> {
    await this.#write(async () => {
      const change = { status: 'active', onlyFrom: ['waiting', 'retrying'], jobId: jobId ?? undefined } as const;
      const key = deliveryKey(delivery);
      if (await this.#store.update(key, change)) return;
      if ((await this.#store.get(key)) !== undefined) return;
      await this.#store.received(newEntry(delivery, jobId));
      await this.#store.update(key, change);
    });
  }

  /** An attempt ended: appends it, and sets the status (and, when finished, when the entry goes). */
  async attemptFinished(
    delivery: Delivery,
    attempt: DeliveryAttempt,
    outcome: AttemptOutcome,
    retention: LogRetention = this.#retention,
  ): Promise<void> {
    await this.#write(async () => {
      const now = Date.now();
      const change = {
        status: outcome.status,
        attempt,
        nextRetryAt: outcome.status === 'retrying' ? outcome.nextRetryAt.toISOString() : null,
        expiresAtMs:
          outcome.status === 'processed'
            ? now + retention.processedMs
            : outcome.status === 'dead'
              ? now + retention.deadLettersMs
              : null,
      };
      const key = deliveryKey(delivery);
      if (!(await this.#store.update(key, change))) {
        await this.#store.received(newEntry(delivery, null));
        await this.#store.update(key, change);
      }
      await this.#removeExpired(now);
    });
  }

  /**
   * Removes expired entries a batch at a time (never an unbounded delete): once a second while it
   * keeps up, and after every finished attempt while the last batch was full, so that removal keeps
   * pace with any rate of deliveries (as BullMQ removes expired jobs as it finishes others).
   */
  /** Records that `academy` has a queue of its own (see `LogStore.noteAcademy`). */
  noteAcademy(academy: string): Promise<void> {
    return this.#store.noteAcademy(academy);
  }

  /** The academies with a queue of their own (the `default` one aside). */
  academies(): Promise<string[]> {
    return this.#store.academies();
  }

  async #removeExpired(now: number): Promise<void> {
    if (!this.#behind && now - this.#lastRemovalAt < REMOVAL_INTERVAL_MS) return;
    this.#lastRemovalAt = now;
    this.#behind = (await this.#store.removeExpired(now, REMOVAL_BATCH)) === REMOVAL_BATCH;
  }

  async #write(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      // At most one warning a minute: a store that is down fails every write.
      if (Date.now() - this.#lastWriteErrorAt < 60_000) return;
      this.#lastWriteErrorAt = Date.now();
      this.#logger.warn({ err: error }, `The delivery log could not record an attempt: ${messageOf(error)}`);
    }
  }

  /** Closes the store. */
  async close(): Promise<void> {
    await this.#store.close?.();
  }

  async find(query?: DeliveryQuery): Promise<DeliveryPage> {
    const { filter, limit, after } = normalizeQuery(query);
    const page = await this.#store.find(filter, limit, after);
    return { deliveries: page.entries.map(summaryOf), next: page.next ? encodeCursor(page.next) : null };
  }

  /** The dead letters: `find` with `status: 'dead'`. */
  deadLetters(query?: Omit<DeliveryQuery, 'status'>): Promise<DeliveryPage> {
    return this.find({ ...query, status: 'dead' });
  }

  /**
   * The delivery of event `id` from `academy`; without one, from `default`, else the newest of
   * that id from any academy (the same id from two academies is two deliveries).
   */
  async get(id: string, academy?: string): Promise<DeliveryLogEntry | undefined> {
    if (typeof id !== 'string' || id === '') return undefined;
    let entry = await this.#store.get(deliveryKey({ id, academy }));
    if (entry === undefined && academy === undefined) {
      const [newest] = (await this.#store.find(normalizeFilter({ ids: [id] }), 1, undefined)).entries;
      entry = newest && (await this.#store.get(newest.key));
    }
    return entry && publicEntry(entry);
  }

  /** The finished entries a selection picks (all pages of a filter). */
  async #selected(selection: ReplaySelection): Promise<StoredEntry[]> {
    // Ids pick the deliveries of those event ids in every academy (narrow with a filter's academy).
    const filter = normalizeFilter('ids' in selection ? { ids: selection.ids } : selection.filter);
    const selected: StoredEntry[] = [];
    // Collected first, then replayed: replaying while paging would move entries under the pages.
    for (let position = undefined as Parameters<LogStore['find']>[2]; ; ) {
      const page = await this.#store.find(filter, REPLAY_PAGE, position);
      for (const entry of page.entries) if (FINISHED.includes(entry.status as never)) selected.push(entry);
      if (page.next === undefined) return selected;
      position = page.next;
    }
  }

  /**
   * Replays what `selection` picks among the processed and dead deliveries: each is marked `waiting`
   * (so that a second replay running at the same time skips it) and then put back with `requeue`.
   * The mark applies only while the entry is as it was selected (same status, same number of
   * replays): one replayed and finished by another replay meanwhile is not replayed twice.
   */
  async replay(selection: ReplaySelection, requeue: Requeue): Promise<ReplayResult> {
    const entries = await this.#selected(selection);
    if (selection.dryRun) return { matched: entries.length, replayed: 0 };
    let replayed = 0;
    for (const entry of entries) {
      // A page holds no bodies (Redis): the whole entry is read, before it is marked, for the one being replayed.
      const full = (await this.#store.get(entry.key)) ?? entry;
      const marked = await this.#store.update(entry.key, {
        status: 'waiting',
        onlyFrom: [entry.status],
        onlyIfReplays: entry.replays.length,
        replayedAt: new Date().toISOString(),
        nextRetryAt: null,
        expiresAtMs: null,
      });
      if (!marked) continue;
      try {
        const jobId = await requeue(full);
        if (jobId !== null) await this.#store.update(entry.key, { status: 'waiting', onlyFrom: ['waiting'], jobId });
      } catch (error) {
        await this.#store.update(entry.key, { status: full.status, expiresAtMs: full.expiresAtMs });
        throw new Error(`Replay stopped at ${entry.id} after ${replayed} replayed: ${messageOf(error)}`, {
          cause: error,
        });
      }
      replayed += 1;
    }
    return { matched: entries.length, replayed };
  }
}
