import type { Logger } from 'acadle-webhooks';

/**
 * A listener for a worker's `error` events that logs each distinct message at most once per
 * `intervalMs`, saying how many repeats it left out: a worker that cannot use its store emits an
 * error per attempt, thousands a second (seen with a PostgreSQL schema not migrated).
 */
export function throttledErrorLog(logger: Logger, message: string, intervalMs = 10_000): (error: Error) => void {
  const seen = new Map<string, { loggedAt: number; leftOut: number }>();
  return (error) => {
    const key = `${error.name}: ${error.message}`;
    const now = Date.now();
    const entry = seen.get(key);
    if (entry !== undefined && now - entry.loggedAt < intervalMs) {
      entry.leftOut += 1;
      return;
    }
    logger.warn({ err: error, ...(entry?.leftOut ? { repeatsLeftOut: entry.leftOut } : {}) }, message);
    seen.delete(key);
    seen.set(key, { loggedAt: now, leftOut: 0 });
    // Bounded: error messages can carry ids, making each one new.
    if (seen.size > 100) seen.delete(seen.keys().next().value as string);
  };
}
