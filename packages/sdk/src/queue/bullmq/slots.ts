/**
 * A number of slots shared by several BullMQ workers of one process, handed out in the order they
 * were asked for: with one worker per academy, each holding at most `concurrency` jobs, the order of
 * asking interleaves the academies.
 */
export class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(count: number) {
    this.#free = count;
  }

  /** Resolves once a slot is this caller's. */
  async take(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Gives a slot back: to the longest waiting caller, if any. */
  give(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free += 1;
  }
}
