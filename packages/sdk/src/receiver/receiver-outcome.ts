import type { ReceiverErrorCode } from './receiver-error.js';

/** What became of one request: `stored`, `duplicate`, or the code of the error answered. */
export type ReceiverResult = 'stored' | 'duplicate' | ReceiverErrorCode;

/** What happened to one request, for metrics and logs. */
export interface ReceiverOutcome {
  /** The HTTP status answered. */
  status: number;
  /** `stored` or `duplicate` (200), or the `error` code of the answer. */
  result: ReceiverResult;
  /** The event id, once the envelope was read. */
  eventId: string | undefined;
  /** The event type, once the envelope was read. */
  eventType: string | undefined;
  /** The academy that delivered (by its token), once the request was authenticated. */
  academy: string | undefined;
  /** Time spent storing the delivery, when it was attempted. */
  enqueueMs: number | undefined;
}
