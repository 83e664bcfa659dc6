import type { Delivery } from './event-queue.js';

/**
 * The deliveries a `MemoryQueue` holds and has not finished with (waiting, retrying or active), with
 * when each was stored, oldest first: what its `getStats` reads the oldest age from, in O(1).
 */
export class UnfinishedDeliveries {
  // A Map keeps insertion order, and deliveries are added as they are stored: the first is the oldest.
  readonly #storedAt = new Map<Delivery, number>();

  /** Records `delivery` as stored now (again, for a replayed dead letter). */
  add(delivery: Delivery): void {
    this.#storedAt.delete(delivery);
    this.#storedAt.set(delivery, Date.now());
  }

  /** Forgets `delivery`: it was processed, or became a dead letter. */
  finish(delivery: Delivery): void {
    this.#storedAt.delete(delivery);
  }

  /** When the oldest unfinished delivery was stored, in milliseconds since the epoch; `undefined` when none is. */
  get oldestStoredAt(): number | undefined {
    return this.#storedAt.values().next().value;
  }
}
