import type { ServerResponse } from 'node:http';

/**
 * Lets processing yield to acknowledgements in a process that does both (ROLE=all): while requests
 * are being answered, each delivery waits up to `maxWaitMs` before its handler runs, and goes at
 * once when the last answer is written. Acadle waits on the answers, nobody waits on the handlers:
 * in a burst the CPU goes to storing and answering, and the backlog drains after it. Each delivery
 * waits at most `maxWaitMs`, so processing never stops (with 4 workers and 100 ms, at least 40 a second).
 *
 * @example
 * ```ts
 * const gate = createAcknowledgementsFirst(100);
 * createServer((request, response) => { gate.track(response); handle(request, response); });
 * const processor = async (delivery, context) => { await gate.beforeProcessing(context.signal); ... };
 * ```
 */
export function createAcknowledgementsFirst(maxWaitMs: number) {
  let answering = 0;
  const waiting = new Set<() => void>();
  const releaseAll = () => {
    for (const release of waiting) release();
  };
  return {
    /** Counts a request as being answered until its response is closed. */
    track(response: ServerResponse): void {
      // Nothing waits on the count without a yield (ROLE=web, or PROCESSING_YIELD_MS=0): no listener per request.
      if (maxWaitMs <= 0) return;
      answering += 1;
      response.once('close', () => {
        answering -= 1;
        if (answering === 0) releaseAll();
      });
    },
    /** Resolves at once when nothing is being answered, else when it is done or after `maxWaitMs`. */
    beforeProcessing(signal?: AbortSignal): Promise<void> {
      if (answering === 0 || signal?.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, maxWaitMs);
        function done() {
          waiting.delete(done);
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
        waiting.add(done);
      });
    },
  };
}

export type AcknowledgementsFirst = ReturnType<typeof createAcknowledgementsFirst>;
