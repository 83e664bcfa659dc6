import type { Span } from '@opentelemetry/api';
import { parseEnvelope } from '../events/parse-envelope.js';
import type { Delivery, EventQueue } from '../queue/event-queue.js';
import { consoleLogger, type Logger } from '../shared/logger.js';
import { traced } from '../shared/traced.js';
import { withTimeout } from '../shared/with-timeout.js';
import { contentCodings } from './content-codings.js';
import { type AuthOptions, createAuthenticator, type NetworkOptions } from './create-authenticator.js';
import { type BodyStream, payloadTooLarge, readBody, readWebStream } from './read-body.js';
import { readEncodedBody } from './read-encoded-body.js';
import type { Receiver, ReceiverRequest } from './receiver.js';
import { answer, ReceiverError, respond } from './receiver-error.js';
import type { ReceiverOutcome } from './receiver-outcome.js';
import type { ReceiverResponse } from './receiver-response.js';
import { recordReceiveOutcome } from './record-receive-outcome.js';
import { redactUrl } from './redact-url.js';
import { webDecompress } from './web-decompress.js';

/** How to build a receiver. */
export interface ReceiverOptions extends NetworkOptions {
  /** Where deliveries are stored before they are acknowledged. */
  queue: EventQueue;
  /** The URL token(s) Acadle must present, or `'none'` to accept anyone (logged as a warning). */
  auth: AuthOptions | 'none';
  /**
   * Largest body read, in bytes, on the wire and once decoded (gzip, deflate, br); larger ones are
   * answered 413 without being buffered or inflated further.
   * @defaultValue 1 MiB
   */
  maxBodyBytes?: number;
  /**
   * How long storing a delivery may take before the answer is `503 enqueue_timeout` (Acadle then
   * retries; the delivery may have been stored meanwhile, and the retry is then a duplicate).
   * @defaultValue 2000
   */
  enqueueTimeoutMs?: number;
  /**
   * The `Retry-After` of a 503, in seconds. Acadle keeps its own schedule; other senders may honour it.
   * @defaultValue 30
   */
  retryAfterSeconds?: number;
  /** Where the receiver logs; pino fits. @defaultValue {@link consoleLogger} (warnings and errors on stderr) */
  logger?: Logger;
  /** Called after each answer, e.g. to count requests in metrics. Must not throw. */
  onResponse?: (outcome: ReceiverOutcome) => void;
}

// Says what the URL must look like, never which tokens would be right.
const UNAUTHORIZED_MESSAGE =
  'Missing or wrong token: the endpoint URL must end with /<token> (or carry ?token=<token>) with a token this endpoint accepts';

/** The `Retry-After` of a 503 unless configured, in seconds. */
export const DEFAULT_RETRY_AFTER_SECONDS = 30;

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function isStream(body: unknown): body is BodyStream {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as BodyStream).on === 'function' &&
    !ArrayBuffer.isView(body)
  );
}

// By shape rather than `instanceof ReadableStream`: a stream from another realm or polyfill still reads.
function isWebStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof body === 'object' && body !== null && typeof (body as ReadableStream).getReader === 'function';
}

/**
 * Creates the receiver: authenticates, reads and checks the envelope, stores the delivery, and
 * answers 200 only once it is stored. `data` is validated later, by the processor, so that a
 * delivery that fails its schema is kept (and dead-lettered) instead of being retried for days.
 * Every refusal is a `ReceiverError`, answered with its status and `{"error": code, "message": …}`.
 *
 * @example
 * ```ts
 * const receiver = createReceiver({ queue: new MemoryQueue({ processor }), auth: { tokens: [token] } });
 * const { status, headers, body } = await receiver.handle({
 *   method: 'POST',
 *   url: `/${token}`,
 *   headers: request.headers,
 *   body: request, // or the body as bytes or a string, or a Web ReadableStream
 *   remoteAddress: request.socket.remoteAddress,
 * });
 * ```
 */
export function createReceiver(options: ReceiverOptions): Receiver {
  const { queue } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const enqueueTimeoutMs = options.enqueueTimeoutMs ?? 2000;
  const retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  const logger = options.logger ?? consoleLogger;
  const onResponse = options.onResponse;
  const authenticator = createAuthenticator(options.auth, options);
  if (authenticator.open) {
    logger.warn({ auth: 'none' }, 'Acadle webhook receiver accepts unauthenticated deliveries (auth: none)');
  }
  const unauthorizedHeaders: Record<string, string> =
    options.auth !== 'none' && options.auth.basic ? { 'www-authenticate': 'Basic realm="acadle-webhooks"' } : {};
  const timedOut = () =>
    new ReceiverError('enqueue_timeout', `The queue did not store the delivery within ${enqueueTimeoutMs} ms`);

  /** Acknowledges a stored delivery; throws a `ReceiverError` for anything else. */
  async function receive(request: ReceiverRequest, outcome: ReceiverOutcome): Promise<ReceiverResponse> {
    if (request.method !== 'POST') {
      throw new ReceiverError('method_not_allowed', 'Acadle delivers with POST', { headers: { allow: 'POST' } });
    }
    const { headers } = request;
    const facts = {
      url: request.url,
      authorization: header(headers.authorization),
      forwardedFor: header(headers['x-forwarded-for']),
      remoteAddress: request.remoteAddress,
    };
    const { academy, failure: refused } = await authenticator.check(facts);
    if (refused !== undefined) {
      // At warn: Acadle never sends a wrong token, so a refusal means a wrong URL in its settings, or a stranger.
      logger.warn({ url: redactUrl(request.url), remoteAddress: request.remoteAddress }, `Refused: ${refused}`);
      throw refused === 'forbidden'
        ? new ReceiverError('forbidden', 'This address may not deliver webhooks')
        : new ReceiverError('unauthorized', UNAUTHORIZED_MESSAGE, { headers: unauthorizedHeaders });
    }

    outcome.academy = academy;
    let body = request.body;
    const streamed = isStream(body) || isWebStream(body);
    // A string or a parsed object was decoded by whoever read it (body-parser inflates); bytes may not be.
    const codings = streamed || ArrayBuffer.isView(body) ? contentCodings(header(headers['content-encoding'])) : [];
    if (streamed) {
      const declared = Number(header(headers['content-length']));
      if (declared > maxBodyBytes) throw payloadTooLarge(maxBodyBytes);
    }
    if (codings.length > 0) {
      const encoded = body as BodyStream | ReadableStream<Uint8Array> | ArrayBufferView;
      body = await readEncodedBody(encoded, codings, request.decompress ?? webDecompress, maxBodyBytes);
    } else if (isStream(body)) {
      body = await readBody(body, maxBodyBytes);
    } else if (isWebStream(body)) {
      body = await readWebStream(body, maxBodyBytes);
    }

    const parsed = parseEnvelope(body);
    if (!parsed.ok) {
      // parseEnvelope fails with invalid_json or invalid_envelope only; data is checked by the processor.
      const code = parsed.error.code as 'invalid_json' | 'invalid_envelope';
      throw new ReceiverError(code, parsed.error.message, { cause: parsed.error });
    }
    const { id, type } = parsed.envelope;
    outcome.eventId = id;
    outcome.eventType = type;
    const delivery: Delivery = {
      id,
      type,
      academy,
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
      const attributes = { 'acadle.event.id': id, 'acadle.event.type': type, 'acadle.academy': academy };
      const enqueued = traced('acadle.enqueue', 'PRODUCER', attributes, async (span) => {
        const result = await queue.enqueue(delivery);
        span?.setAttribute('acadle.duplicate', result.duplicate);
        return result;
      });
      const { duplicate } = await withTimeout(enqueued, enqueueTimeoutMs, timedOut);
      outcome.enqueueMs = performance.now() - started;
      outcome.result = duplicate ? 'duplicate' : 'stored';
      return answer(200, { received: true, id, duplicate });
    } catch (error) {
      outcome.enqueueMs = performance.now() - started;
      const failure =
        error instanceof ReceiverError && error.status === 503
          ? error
          : new ReceiverError('queue_unavailable', 'The queue could not store the delivery', { cause: error });
      if (failure.code === 'academy_paused') {
        // Asked for: info, not a warning for each of Acadle's retries while the pause lasts.
        logger.info({ eventId: id, eventType: type, academy }, 'Academy paused: answered 503, Acadle will retry');
      } else {
        logger.warn(
          { err: error, code: failure.code, eventId: id, eventType: type, academy },
          'Could not store delivery: answered 503, Acadle will retry',
        );
      }
      throw failure;
    }
  }

  const untraced = {
    async handle(request: ReceiverRequest, span?: Span): Promise<ReceiverResponse> {
      const outcome: ReceiverOutcome = {
        status: 0,
        result: 'stored',
        eventId: undefined,
        eventType: undefined,
        academy: undefined,
        enqueueMs: undefined,
      };
      let response: ReceiverResponse;
      try {
        response = await receive(request, outcome);
      } catch (error) {
        // Nothing a client sends should get here unconverted; if something does, the delivery was
        // not stored, and 503 (retry later) is the only honest answer: never 500, never 200.
        let failure: ReceiverError;
        if (error instanceof ReceiverError) {
          failure = error;
        } else {
          logger.error({ err: error, url: redactUrl(request.url) }, 'Unexpected receiver failure: answered 503');
          failure = new ReceiverError('internal_error', 'The receiver failed unexpectedly', { cause: error });
        }
        outcome.result = failure.code;
        response = respond(failure, retryAfterSeconds);
      }
      outcome.status = response.status;
      try {
        onResponse?.(outcome);
      } catch (error) {
        logger.error({ err: error }, 'onResponse hook threw; the answer is unchanged');
      }
      if (span !== undefined) recordReceiveOutcome(span, request.method, outcome);
      return response;
    },
  };
  return {
    handle: (request) => traced('acadle.receive', 'SERVER', {}, (span) => untraced.handle(request, span)),
  };
}
