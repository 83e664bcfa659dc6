import { DEFAULT_ACADEMY } from '../shared/academy.js';
import type { LogPosition, NormalizedFilter } from './delivery-filter.js';
import { isAfter } from './delivery-filter.js';
import {
  applyChange,
  type EntryChange,
  type LogStore,
  matchesFilter,
  type RepeatResult,
  type StoredEntry,
  type StoredPage,
} from './log-store.js';

const newestFirst = (a: StoredEntry, b: StoredEntry) =>
  b.receivedAtMs - a.receivedAtMs || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0);

/**
 * The log of a `MemoryQueue`, in the process: a map by delivery key, searched by a scan (the log of one
 * process is bounded by `maxEntries`). Lost with the process, as the queue is.
 */
export class MemoryLogStore implements LogStore {
  readonly #entries = new Map<string, StoredEntry>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** The entries, oldest stored first. */
  entries(): IterableIterator<StoredEntry> {
    return this.#entries.values();
  }

  async received(entry: StoredEntry): Promise<void> {
    const logged = this.#entries.get(entry.key);
    if (logged) {
      // The same job logged already (a worker got to it before the queue's own write): kept as it is.
      if (entry.jobId !== null && logged.jobId === entry.jobId) return;
      applyChange(logged, { status: 'waiting', nextRetryAt: null, expiresAtMs: null, jobId: entry.jobId ?? undefined });
      return;
    }
    this.#entries.set(entry.key, structuredClone(entry));
    if (this.#entries.size > this.#maxEntries) this.#evictOne();
  }

  /** Past `maxEntries`: the oldest finished entry goes (an unfinished one is never forgotten while it runs). */
  #evictOne(): void {
    for (const [id, entry] of this.#entries) {
      if (entry.status === 'processed' || entry.status === 'dead') {
        this.#entries.delete(id);
        return;
      }
    }
  }

  async repeated(id: string, body: string): Promise<RepeatResult> {
    const logged = this.#entries.get(id);
    if (!logged) return 'missing';
    logged.duplicates += 1;
    if (logged.body === body) return 'same';
    logged.conflicts += 1;
    return 'conflict';
  }

  async update(id: string, change: EntryChange): Promise<boolean> {
    const logged = this.#entries.get(id);
    return logged !== undefined && applyChange(logged, change);
  }

  async find(filter: NormalizedFilter, limit: number, after: LogPosition | undefined): Promise<StoredPage> {
    await this.removeExpired(Date.now(), Number.POSITIVE_INFINITY);
    const matching = [...this.#entries.values()]
      .filter((entry) => matchesFilter(entry, filter) && isAfter(entry, after))
      .sort(newestFirst);
    const entries = matching.slice(0, limit).map((entry) => structuredClone(entry));
    const last = entries.at(-1);
    return {
      entries,
      next: matching.length > limit && last ? { receivedAtMs: last.receivedAtMs, key: last.key } : undefined,
    };
  }

  async get(id: string): Promise<StoredEntry | undefined> {
    const logged = this.#entries.get(id);
    return logged && structuredClone(logged);
  }

  readonly #academies = new Set<string>();

  async noteAcademy(academy: string): Promise<void> {
    if (academy !== DEFAULT_ACADEMY) this.#academies.add(academy);
  }

  async academies(): Promise<string[]> {
    return [...this.#academies].sort();
  }

  async removeExpired(nowMs: number, limit: number): Promise<number> {
    let removed = 0;
    for (const [id, entry] of this.#entries) {
      if (removed >= limit) break;
      if (entry.expiresAtMs !== null && entry.expiresAtMs <= nowMs) {
        this.#entries.delete(id);
        removed += 1;
      }
    }
    return removed;
  }
}
