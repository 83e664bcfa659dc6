import { createReceiver, DEFAULT_RETRY_AFTER_SECONDS, type ReceiverOptions } from './create-receiver.js';
import type { Receiver } from './receiver.js';
import { ReceiverError, respond } from './receiver-error.js';

/** What an adapter is built from: a receiver's options, or a receiver already built. */
export type ReceiverSource =
  | ReceiverOptions
  | {
      /** A receiver from `createReceiver`, for instance one shared with another adapter. */
      receiver: Receiver;
    };

/** The options every adapter takes: a receiver's options (or a receiver already built) and where it listens. */
export type AdapterOptions = ReceiverSource & {
  /**
   * The path Acadle posts to, without the token; the token follows as one more segment or as `?token=`.
   * @defaultValue '/webhooks/acadle'
   */
  path?: string;
};

/**
 * The receiver an adapter uses: a new one from `createReceiver(options)`, or the one given. A given
 * receiver that breaks the contract (throws or rejects) is answered as `createReceiver` answers its
 * own failures, `503 {"error":"internal_error"}` with `Retry-After: 30`, never 500.
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
  return {
    handle: (request) =>
      Promise.resolve()
        .then(() => receiver.handle(request))
        .catch((error: unknown) =>
          respond(
            new ReceiverError('internal_error', 'The receiver failed unexpectedly', { cause: error }),
            DEFAULT_RETRY_AFTER_SECONDS,
          ),
        ),
  };
}
