/**
 * How a queue retries a failed delivery, the same for `MemoryQueue` and the BullMQ worker: up to
 * `attempts`, waiting `backoffMs` doubled at each further retry, at most `maxBackoffMs`, with jitter
 * (a random half of the delay) so that many deliveries failing together are not retried together.
 */
export interface RetryOptions {
  /**
   * Attempts before a delivery becomes a dead letter.
   * @defaultValue 8
   */
  attempts?: number;
  /**
   * Delay before the first retry, doubled at each further one.
   * @defaultValue 1000
   */
  backoffMs?: number;
  /**
   * Longest delay between two attempts.
   * @defaultValue 1 hour
   */
  maxBackoffMs?: number;
}

/** The retry policy's defaults: 8 attempts, from 1 second, doubling, at most an hour apart. */
export const DEFAULT_RETRY: Readonly<Required<RetryOptions>> = {
  attempts: 8,
  backoffMs: 1000,
  maxBackoffMs: 3_600_000,
};

/** `options` with the defaults, checked: a `TypeError` names the bad field. */
export function resolveRetry(options: RetryOptions = {}): Required<RetryOptions> {
  const resolved = {
    attempts: options.attempts ?? DEFAULT_RETRY.attempts,
    backoffMs: options.backoffMs ?? DEFAULT_RETRY.backoffMs,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULT_RETRY.maxBackoffMs,
  };
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1)
    throw new TypeError('attempts: a whole number of at least 1');
  for (const key of ['backoffMs', 'maxBackoffMs'] as const)
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 0)
      throw new TypeError(`${key}: a whole number of milliseconds, 0 or more`);
  return resolved;
}

/** The delay before the attempt after `attemptsMade` failed ones (1 after the first failure). */
export function retryDelayMs(attemptsMade: number, policy: Required<RetryOptions>, random = Math.random): number {
  const exponential = Math.min(policy.backoffMs * 2 ** Math.max(0, attemptsMade - 1), policy.maxBackoffMs);
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
