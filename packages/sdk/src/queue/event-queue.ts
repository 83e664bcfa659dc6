/** One delivery as received, ready to be stored: what a queue keeps and a processor reads back. */
export interface Delivery {
  /** Acadle's event id: deliveries with the same id are one event (Acadle retries reuse it). */
  id: string;
  /** The event type as sent, possibly one this SDK does not know. */
  type: string;
  /**
   * The academy that delivered it (by its token); `default` for a single-academy receiver. Absent
   * on deliveries stored before academies existed, which belong to `default`. The same `id` from two
   * academies is two deliveries.
   */
  academy?: string;
  /** The body exactly as received (UTF-8 text); the processor parses it again, so a schema fix and a replay heal old deliveries. */
  body: string;
  /** When the receiver read the delivery, as an ISO 8601 string. */
  receivedAt: string;
  /** Where it came from. Never holds the token or credentials. */
  request: DeliveryRequest;
}

/** Request metadata kept with a delivery, for auditing and debugging. */
export interface DeliveryRequest {
  /** The client's address, after trusted proxies. */
  remoteAddress: string | undefined;
  /** The `User-Agent` header. */
  userAgent: string | undefined;
  /** The `Content-Type` header. */
  contentType: string | undefined;
}

/** What storing a delivery did. */
export interface EnqueueResult {
  /** `true` when a delivery with this id was already stored; it was not stored again. */
  duplicate: boolean;
}

/**
 * Where the receiver stores deliveries before acknowledging them. `enqueue` resolves only once
 * the delivery is stored (or known to be a duplicate); it rejects when the store is unreachable.
 */
export interface EventQueue {
  /** Stores a delivery, or recognizes it as a duplicate by its id. */
  enqueue(delivery: Delivery): Promise<EnqueueResult>;
  /** Stops taking deliveries and releases connections. */
  close(): Promise<void>;
}

/** Processes one stored delivery; throwing makes the queue retry it (see `NonRetryableError`). */
export type DeliveryProcessor = (delivery: Delivery, context: ProcessContext) => Promise<void> | void;

/** What a processor knows about the attempt in progress. */
export interface ProcessContext {
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the queue is closing: long handlers should stop and let the delivery be retried. */
  signal: AbortSignal;
}
