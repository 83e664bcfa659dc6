/** Codes of the errors the receiver and queues raise. */
export type ReceiverErrorCode = 'queue_unavailable' | 'enqueue_timeout' | 'payload_too_large' | 'non_retryable';

/** A failure of the receiver or a queue, with the HTTP status it answers with where it has one. */
export class ReceiverError extends Error {
  /** `'ReceiverError'`, or the name of the subclass. */
  override readonly name: string = 'ReceiverError';
  /** What failed; stable, for programs to branch on. */
  readonly code: ReceiverErrorCode;
  /** The HTTP status to answer with, for errors that have one. */
  readonly status: number | undefined;

  constructor(code: ReceiverErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}

/**
 * Thrown by a processor for a delivery that no retry can fix (e.g. a payload that fails its
 * schema): the queue moves it to the dead letters at once instead of retrying.
 */
export class NonRetryableError extends ReceiverError {
  /** Always `'NonRetryableError'`. */
  override readonly name = 'NonRetryableError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('non_retryable', message, options);
  }
}
