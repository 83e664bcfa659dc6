import type { ServerResponse } from 'node:http';

/** How a process that both answers and processes (ROLE=all) shares itself between the two. */
export interface AcknowledgementsFirstOptions {
  /**
   * Processing's share of its unhindered rate while requests are being answered, above 0 and at most
   * 1 (1 never holds a delivery back).
   */
  share: number;
  /** Deliveries processed at once (the worker's concurrency). */
  concurrency: number;
}

// Until a delivery has been processed unhindered, its time is guessed: about what the embedded default
// takes (a few milliseconds); the first measurements replace the guess within a few deliveries.
const GUESSED_DURATION_MS = 5;
// The weight of each new measurement in the moving average of processing times.
const SMOOTHING = 0.1;

/**
 * Lets processing yield to acknowledgements in a process that does both (ROLE=all), without starving:
 * Acadle waits on the answers and nobody waits on the handlers, so while requests are being answered
 * deliveries go one at a time, at `share` of the rate processing reaches unhindered (its concurrency
 * over the average time of a delivery processed while nothing was being answered, measured as it
 * runs). The rest of the CPU goes to storing and answering; when the last answer is written, every
 * delivery held goes at once. A fixed wait per delivery would instead cap processing at
 * concurrency / wait whatever the machine (40 a second with 4 workers and 100 ms), and a burst would
 * leave a backlog that takes minutes to drain.
 *
 * @example
 * ```ts
 * const gate = createAcknowledgementsFirst({ share: 0.3, concurrency: 4 });
 * createServer((request, response) => { gate.track(response); handle(request, response); });
 * const processor = (delivery, context) => gate.process(context.signal, () => handle(delivery));
 * ```
 */
export function createAcknowledgementsFirst({ share, concurrency }: AcknowledgementsFirstOptions) {
  if (!(share > 0 && share <= 1)) throw new RangeError('share: above 0, at most 1');
  let answering = 0;
  let durationMs = GUESSED_DURATION_MS;
  /** When the next held delivery may go (performance.now() time). */
  let nextReleaseAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const held: (() => void)[] = [];

  const intervalMs = () => durationMs / concurrency / share;
  const releaseAll = () => {
    clearTimeout(timer);
    timer = undefined;
    for (const release of held.splice(0)) release();
  };
  function releaseDue(): void {
    timer = undefined;
    const now = performance.now();
    while (held.length > 0 && nextReleaseAt <= now) {
      nextReleaseAt += intervalMs();
      held.shift()?.();
    }
    if (held.length > 0) timer = setTimeout(releaseDue, Math.max(1, nextReleaseAt - now));
  }

  /** Resolves at once when nothing is being answered (`true`), else when its turn comes (`false`). */
  function turn(signal?: AbortSignal): Promise<boolean> {
    if (share === 1 || answering === 0 || signal?.aborted) return Promise.resolve(answering === 0);
    const now = performance.now();
    if (held.length === 0 && nextReleaseAt <= now) {
      nextReleaseAt = now + intervalMs();
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const release = () => {
        signal?.removeEventListener('abort', abort);
        resolve(false);
      };
      const abort = () => {
        const index = held.indexOf(release);
        if (index !== -1) held.splice(index, 1);
        resolve(false);
      };
      signal?.addEventListener('abort', abort, { once: true });
      held.push(release);
      timer ??= setTimeout(releaseDue, Math.max(1, nextReleaseAt - now));
    });
  }

  return {
    /** Counts a request as being answered until its response is closed. */
    track(response: ServerResponse): void {
      // Nothing is ever held with a share of 1 (ROLE=web too): no listener per request.
      if (share === 1) return;
      answering += 1;
      response.once('close', () => {
        answering -= 1;
        if (answering === 0) releaseAll();
      });
    },
    /** Runs `run` when its turn comes (at once when nothing is being answered); its time is measured when it ran unhindered. */
    async process<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
      const unhindered = await turn(signal);
      const started = performance.now();
      try {
        return await run();
      } finally {
        if (unhindered && answering === 0) {
          durationMs += SMOOTHING * (performance.now() - started - durationMs);
        }
      }
    },
    /** The average time of a delivery processed unhindered, in milliseconds (for tests and metrics). */
    get durationMs(): number {
      return durationMs;
    },
  };
}

export type AcknowledgementsFirst = ReturnType<typeof createAcknowledgementsFirst>;
