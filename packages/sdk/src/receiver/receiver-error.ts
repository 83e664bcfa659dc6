import { brandOf, hasBrand, setBrand } from '../shared/brand.js';
import type { ReceiverResponse } from './receiver-response.js';

/**
 * Why the receiver did not acknowledge a request, one code per cause. The HTTP status of each:
 * `method_not_allowed` 405; `unauthorized` 401; `forbidden` 403; `payload_too_large` 413;
 * `unsupported_encoding` 415; `invalid_encoding`, `invalid_json` and `invalid_envelope` 400; `queue_unavailable`, `enqueue_timeout`,
 * `academy_paused` (its academy is paused) and `internal_error` 503 (the delivery was not stored: Acadle retries it).
 */
export type ReceiverErrorCode =
  | 'method_not_allowed'
  | 'unauthorized'
  | 'forbidden'
  | 'payload_too_large'
  | 'unsupported_encoding'
  | 'invalid_encoding'
  | 'invalid_json'
  | 'invalid_envelope'
  | 'queue_unavailable'
  | 'enqueue_timeout'
  | 'academy_paused'
  | 'internal_error';

// Acadle retries every non-2xx for three days: 4xx only for what no retry can fix, 503 for the rest.
const STATUS: Record<ReceiverErrorCode, number> = {
  method_not_allowed: 405,
  unauthorized: 401,
  forbidden: 403,
  payload_too_large: 413,
  unsupported_encoding: 415,
  invalid_encoding: 400,
  invalid_json: 400,
  invalid_envelope: 400,
  queue_unavailable: 503,
  enqueue_timeout: 503,
  academy_paused: 503,
  internal_error: 503,
};

const BRAND = brandOf('ReceiverError');

/**
 * A request the receiver answers with an error, carrying its HTTP status and its answer (as Hono's
 * `HTTPException` does): the receiver turns it into the response in one place. Recognized by
 * `instanceof` across the ESM and CommonJS builds.
 *
 * @example
 * ```ts
 * if (error instanceof ReceiverError) console.log(error.status, error.code, error.message);
 * ```
 */
export class ReceiverError extends Error {
  /** Always `'ReceiverError'`. */
  override readonly name = 'ReceiverError';
  /** What went wrong; stable, for programs to branch on. */
  readonly code: ReceiverErrorCode;
  /** The HTTP status answered: 4xx for a request no retry can fix, 503 for a delivery to retry. */
  readonly status: number;
  /** Headers the answer carries besides `content-type` (e.g. `allow`, `connection`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ReceiverErrorCode,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = STATUS[code];
    this.headers = options.headers ?? {};
    setBrand(this, BRAND);
  }

  /** `true` for a `ReceiverError` from either build of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, BRAND);
  }
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** A JSON answer. */
export function answer(status: number, body: object, headers: Record<string, string> = {}): ReceiverResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * The answer to a `ReceiverError`, the one place where errors become responses: its status, its
 * headers, `Retry-After` on a 503, and `{"error": code, "message": …}`.
 */
export function respond(error: ReceiverError, retryAfterSeconds: number): ReceiverResponse {
  const headers = error.status === 503 ? { 'retry-after': String(retryAfterSeconds), ...error.headers } : error.headers;
  return answer(error.status, { error: error.code, message: error.message }, headers);
}
