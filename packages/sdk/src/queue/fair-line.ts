/**
 * Deliveries waiting in line, one line per academy, taken in turn (round robin): one academy's
 * backlog delays another's deliveries by at most one delivery per academy with a backlog. A paused
 * academy's line is skipped, and kept, until it is resumed.
 */
export class FairLine<T> {
  readonly #lines = new Map<string, T[]>();
  readonly #paused = new Set<string>();
  /** The academies with a line, in the order they are served; the next one is first. */
  #turn: string[] = [];
  #size = 0;

  /** Waiting, paused academies' deliveries included. */
  get size(): number {
    return this.#size;
  }

  push(academy: string, item: T): void {
    const line = this.#lines.get(academy);
    if (line) line.push(item);
    else {
      this.#lines.set(academy, [item]);
      this.#turn.push(academy);
    }
    this.#size += 1;
  }

  /** The next delivery of the next academy in turn that is not paused; `undefined` when there is none. */
  next(): T | undefined {
    for (let tried = 0; tried < this.#turn.length; tried += 1) {
      const academy = this.#turn.shift() as string;
      const line = this.#lines.get(academy) as T[];
      if (this.#paused.has(academy)) {
        this.#turn.push(academy);
        continue;
      }
      const item = line.shift() as T;
      this.#size -= 1;
      if (line.length > 0) this.#turn.push(academy);
      else this.#lines.delete(academy);
      return item;
    }
    return undefined;
  }

  pause(academy: string): void {
    this.#paused.add(academy);
  }

  resume(academy: string): void {
    this.#paused.delete(academy);
  }

  isPaused(academy: string): boolean {
    return this.#paused.has(academy);
  }

  /** The paused academies, by name. */
  paused(): string[] {
    return [...this.#paused].sort();
  }
}
