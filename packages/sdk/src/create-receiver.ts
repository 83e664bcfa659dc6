import { type AuthOptions, createAuthenticator, type NetworkOptions } from './create-authenticator.js';
import type { Delivery, EventQueue } from './event-queue.js';
import { type Logger, silentLogger } from './logger.js';
import { parseEnvelope } from './parse-envelope.js';
import { type BodyStream, readBody } from './read-body.js';
import { ReceiverError } from './receiver-errors.js';
import { redactUrl } from './redact-url.js';

/** How to build a receiver. */
export interface ReceiverOptions extends NetworkOptions {
  /** Where deliveries are stored before they are acknowledged. */
  queue: EventQueue;
  /** The URL token(s) Acadle must present, or `'none'` to accept anyone (logged as a warning). */
  auth: AuthOptions | 'none';
  /**
   * Largest body read, in bytes; larger ones are answered 413 without being buffered.
   * @defaultValue 1 MiB
   */
  maxBodyBytes?: number;
  /**
   * How long storing a delivery may take before the answer is 503 (Acadle then retries).
   * @defaultValue 2000
   */
  enqueueTimeoutMs?: number;
  /**
   * The `Retry-After` of a 503, in seconds. Acadle keeps its own schedule; other senders may honour it.
   * @defaultValue 30
   */
  retryAfterSeconds?: number;
  /** Where the receiver logs; pino fits. @defaultValue {@link silentLogger} */
  logger?: Logger;
  /** Called after each answer, e.g. to count requests in metrics. Must not throw. */
  onResponse?: (outcome: ReceiverOutcome) => void;
}

/** A request as an adapter hands it over. */
export interface ReceiverRequest {
  /** The HTTP method; anything but `POST` is answered 405. */
  method: string;
  /** The URL relative to where the receiver is mounted, query included (`/<token>` or `/?token=…`). */
  url: string;
  /** The request headers, names in lower case (as Node.js gives them). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as a Buffer or string, an object middleware already parsed, or the request stream itself. */
  body: unknown;
  /** The peer's address, checked against `allowedIps` (after `trustedProxies`). */
  remoteAddress?: string | undefined;
}

/** The answer an adapter writes back. */
export interface ReceiverResponse {
  /** 200 once stored (or a duplicate), 4xx for a request no retry can fix, 503 to make Acadle retry. */
  status: number;
  /** The response headers, names in lower case. */
  headers: Record<string, string>;
  /** A JSON body. */
  body: string;
}

/** What happened to one request, for metrics. */
export interface ReceiverOutcome {
  /** The HTTP status answered. */
  status: number;
  /** `stored`, `duplicate`, or the `error` code of the answer. */
  result: string;
  /** The event id, once the envelope was read. */
  eventId: string | undefined;
  /** The event type, once the envelope was read. */
  eventType: string | undefined;
  /** Time spent storing the delivery, when it was attempted. */
  enqueueMs: number | undefined;
}

/** A framework-neutral webhook receiver; adapters (`acadle-webhooks/express`) translate to and from it. */
export interface Receiver {
  /** Answers one request; never rejects, since every failure has an answer (503 when in doubt). */
  handle(request: ReceiverRequest): Promise<ReceiverResponse>;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function answer(status: number, body: object, headers: Record<string, string> = {}): ReceiverResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

const DEFAULT_RETRY_AFTER_SECONDS = 30;

/** The answer to a failure of our own: the delivery was not stored, so 503 (retry later), never 500 nor 200. */
const unavailable = (retryAfter: string) => answer(503, { error: 'unavailable' }, { 'retry-after': retryAfter });

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function isStream(body: unknown): body is BodyStream {
  return (
    typeof body === 'object' && body !== null && typeof (body as BodyStream).on === 'function' && !Buffer.isBuffer(body)
  );
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ReceiverError('enqueue_timeout', `Storing took longer than ${timeoutMs} ms`, { status: 503 })),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Creates the receiver: authenticates, reads and checks the envelope, stores the delivery, and
 * answers 200 only once it is stored. `data` is validated later, by the processor, so that a
 * delivery that fails its schema is kept (and dead-lettered) instead of being retried for days.
 *
 * @example
 * ```ts
 * const receiver = createReceiver({ queue: new MemoryQueue({ processor }), auth: { tokens: [token] } });
 * const { status, headers, body } = await receiver.handle({
 *   method: 'POST',
 *   url: `/${token}`,
 *   headers: request.headers,
 *   body: request, // or the body as a Buffer or string
 *   remoteAddress: request.socket.remoteAddress,
 * });
 * ```
 */
export function createReceiver(options: ReceiverOptions): Receiver {
  const { queue } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const enqueueTimeoutMs = options.enqueueTimeoutMs ?? 2000;
  const retryAfter = String(options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
  const logger = options.logger ?? silentLogger;
  const onResponse = options.onResponse;
  const authenticator = createAuthenticator(options.auth, options);
  if (authenticator.open) {
    logger.warn({ auth: 'none' }, 'Acadle webhook receiver accepts unauthenticated deliveries (auth: none)');
  }
  const unauthorizedHeaders: Record<string, string> =
    options.auth !== 'none' && options.auth.basic ? { 'www-authenticate': 'Basic realm="acadle-webhooks"' } : {};

  async function respond(request: ReceiverRequest, outcome: ReceiverOutcome): Promise<ReceiverResponse> {
    if (request.method !== 'POST') {
      return answer(405, { error: (outcome.result = 'method_not_allowed') }, { allow: 'POST' });
    }
    const { headers } = request;
    const facts = {
      url: request.url,
      authorization: header(headers.authorization),
      forwardedFor: header(headers['x-forwarded-for']),
      remoteAddress: request.remoteAddress,
    };
    const refused = authenticator.check(facts);
    if (refused !== undefined) {
      logger.debug({ url: redactUrl(request.url), remoteAddress: request.remoteAddress }, `Refused: ${refused}`);
      outcome.result = refused;
      return refused === 'forbidden'
        ? answer(403, { error: refused })
        : answer(401, { error: refused }, unauthorizedHeaders);
    }

    let body = request.body;
    if (isStream(body)) {
      const declared = Number(header(headers['content-length']));
      if (declared > maxBodyBytes) return tooLarge(outcome);
      try {
        body = await readBody(body, maxBodyBytes);
      } catch (error) {
        if (error instanceof ReceiverError && error.code === 'payload_too_large') return tooLarge(outcome);
        throw error;
      }
    }

    const parsed = parseEnvelope(body);
    if (!parsed.ok) {
      outcome.result = parsed.error.code;
      return answer(400, { error: parsed.error.code, message: parsed.error.message });
    }
    const { id, type } = parsed.envelope;
    outcome.eventId = id;
    outcome.eventType = type;
    const delivery: Delivery = {
      id,
      type,
      body: parsed.text ?? JSON.stringify(parsed.value),
      receivedAt: new Date().toISOString(),
      request: {
        remoteAddress: authenticator.clientAddress(facts),
        userAgent: header(headers['user-agent']),
        contentType: header(headers['content-type']),
      },
    };

    const started = performance.now();
    try {
      const { duplicate } = await withTimeout(queue.enqueue(delivery), enqueueTimeoutMs);
      outcome.enqueueMs = performance.now() - started;
      outcome.result = duplicate ? 'duplicate' : 'stored';
      return answer(200, { received: true, id, duplicate });
    } catch (error) {
      outcome.enqueueMs = performance.now() - started;
      outcome.result = 'queue_unavailable';
      logger.warn(
        { err: error, eventId: id, eventType: type },
        'Could not store delivery: answered 503, Acadle will retry',
      );
      return answer(503, { error: 'queue_unavailable' }, { 'retry-after': retryAfter });
    }
  }

  function tooLarge(outcome: ReceiverOutcome): ReceiverResponse {
    outcome.result = 'payload_too_large';
    // The rest of the body is left unread: closing the connection is the only way to stop it.
    return answer(413, { error: 'payload_too_large' }, { connection: 'close' });
  }

  return {
    async handle(request) {
      const outcome: ReceiverOutcome = {
        status: 0,
        result: '',
        eventId: undefined,
        eventType: undefined,
        enqueueMs: undefined,
      };
      let response: ReceiverResponse;
      try {
        response = await respond(request, outcome);
      } catch (error) {
        // Nothing a client sends should get here; if something does, the delivery was not stored,
        // and 503 (retry later) is the only honest answer: never 500, never 200.
        logger.error({ err: error, url: redactUrl(request.url) }, 'Unexpected receiver failure: answered 503');
        outcome.result = 'internal_error';
        response = unavailable(retryAfter);
      }
      outcome.status = response.status;
      try {
        onResponse?.(outcome);
      } catch (error) {
        logger.error({ err: error }, 'onResponse hook threw; the answer is unchanged');
      }
      return response;
    },
  };
}

/** What an adapter is built from: a receiver's options, or a receiver already built. */
export type ReceiverSource =
  | ReceiverOptions
  | {
      /** A receiver from `createReceiver`, for instance one shared with another adapter. */
      receiver: Receiver;
    };

/**
 * The receiver an adapter uses: a new one from `createReceiver(options)`, or the one given. A given
 * receiver that breaks the contract (throws or rejects) is answered as `createReceiver` answers its
 * own failures, `503 {"error":"unavailable"}` with `Retry-After: 30`, never 500.
 *
 * @example
 * ```ts
 * import { receiverFrom, type ReceiverSource } from 'acadle-webhooks';
 *
 * export function myFrameworkAdapter(options: ReceiverSource) {
 *   const receiver = receiverFrom(options);
 *   return async (request: MyRequest) => toMyResponse(await receiver.handle(fromMyRequest(request)));
 * }
 * ```
 */
export function receiverFrom(source: ReceiverSource): Receiver {
  if (!('receiver' in source)) return createReceiver(source);
  const { receiver } = source;
  const fallback = String(DEFAULT_RETRY_AFTER_SECONDS);
  return {
    handle: (request) =>
      Promise.resolve()
        .then(() => receiver.handle(request))
        .catch(() => unavailable(fallback)),
  };
}
