/**
 * How long a queue keeps what it is done with. Removal never touches deduplication: a repeat of an
 * event id within `dedupeTtlMs` is still a duplicate after its delivery was removed, so a retention
 * shorter than the dedupe window is safe.
 */
export interface RetentionOptions {
  /**
   * How long a processed delivery is kept, in milliseconds, before it is removed.
   * @defaultValue 7 days
   */
  processedMs?: number;
  /**
   * How long a dead letter is kept, in milliseconds, before it is removed (replay it before then).
   * @defaultValue 30 days
   */
  deadLettersMs?: number;
}

/** The default retention of processed deliveries: 7 days. */
export const DEFAULT_RETENTION_PROCESSED_MS = 7 * 86_400_000;
/** The default retention of dead letters: 30 days. */
export const DEFAULT_RETENTION_DEAD_LETTERS_MS = 30 * 86_400_000;

/** `retention` with its defaults, checked: throws a `TypeError` naming the bad field. */
export function resolveRetention(retention: RetentionOptions = {}): Required<RetentionOptions> {
  const resolved = {
    processedMs: retention.processedMs ?? DEFAULT_RETENTION_PROCESSED_MS,
    deadLettersMs: retention.deadLettersMs ?? DEFAULT_RETENTION_DEAD_LETTERS_MS,
  };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1000) {
      throw new TypeError(`retention.${key}: a whole number of milliseconds, at least 1000`);
    }
  }
  return resolved;
}
