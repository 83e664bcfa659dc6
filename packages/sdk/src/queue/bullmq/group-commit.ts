/** How a {@link GroupCommit} forms its writes. */
export interface GroupCommitOptions<Item, Result> {
  /** Writes a batch atomically: resolves with one result per item, in order, or rejects for all. */
  write(items: Item[]): Promise<Result[]>;
  /** The most items one write carries. */
  maxBatchSize: number;
  /** The most writes in flight at once; items arriving meanwhile wait and form the next batch. */
  maxConcurrentWrites: number;
}

interface Pending<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Group commit, as databases do with their log: an item submitted while no write is in flight is
 * written at once (no added wait when idle); items submitted while writes are in flight wait for
 * one to finish and go together in the next write. Each submitter gets its own result; a failed
 * write fails every item in it, so nothing is reported stored that was not.
 *
 * @example
 * ```ts
 * const commits = new GroupCommit({ write: (jobs) => queue.addBulk(jobs), maxBatchSize: 100, maxConcurrentWrites: 2 });
 * const job = await commits.submit({ name, data, opts });
 * ```
 */
export class GroupCommit<Item, Result> {
  readonly #options: GroupCommitOptions<Item, Result>;
  #waiting: Pending<Item, Result>[] = [];
  #inFlight = 0;

  constructor(options: GroupCommitOptions<Item, Result>) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
      throw new TypeError('maxBatchSize: a whole number of at least 1');
    }
    if (!Number.isInteger(options.maxConcurrentWrites) || options.maxConcurrentWrites < 1) {
      throw new TypeError('maxConcurrentWrites: a whole number of at least 1');
    }
    this.#options = options;
  }

  /** Items waiting for a write slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves with the item's own result once the write that carried it succeeded. */
  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#options.maxConcurrentWrites && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#options.maxBatchSize);
      this.#inFlight += 1;
      void this.#write(batch);
    }
  }

  async #write(batch: Pending<Item, Result>[]): Promise<void> {
    try {
      const results = await this.#options.write(batch.map((pending) => pending.item));
      if (results.length !== batch.length) {
        throw new Error(`The batch write returned ${results.length} results for ${batch.length} items`);
      }
      for (const [index, pending] of batch.entries()) pending.resolve(results[index] as Result);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.#inFlight -= 1;
      this.#flush();
    }
  }
}
