/**
 * What became of one attempt at a delivery:
 * - `handled`: its handler and `onEvent` (or `onUnknown`), those that exist, ran and returned;
 * - `no_handler`: a documented type with neither a handler nor `onEvent`: completed;
 * - `unknown`: a type this SDK does not know, with no `onUnknown`: completed;
 * - `invalid`: the payload fails its schema: a dead letter at once (`NonRetryableError`), never retried;
 * - `failed`: a handler (or `onEvent`, or `onUnknown`) threw: the queue retries, or gives up after its attempts.
 */
export type ProcessResult = 'handled' | 'no_handler' | 'unknown' | 'invalid' | 'failed';

/** What happened to one attempt at a delivery, for metrics and logs. */
export interface ProcessOutcome {
  /** How the attempt ended. */
  result: ProcessResult;
  /** Acadle's event id. */
  eventId: string;
  /** The event type as sent. */
  eventType: string;
  /** The academy that delivered it. */
  academy: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Time spent parsing and handling, in milliseconds. */
  durationMs: number;
  /** For `invalid`, the `AcadleParseError` (with its `issues`); for `failed`, what the handler threw. */
  error?: unknown;
}
