import type { Decompress } from './decompress.js';
import type { ReceiverResponse } from './receiver-response.js';

/** A request as an adapter hands it over. */
export interface ReceiverRequest {
  /** The HTTP method; anything but `POST` is answered 405. */
  method: string;
  /** The URL relative to where the receiver is mounted, query included (`/<token>` or `/?token=…`). */
  url: string;
  /** The request headers, names in lower case (as Node.js gives them). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * The body as bytes (a `Uint8Array`, such as a Buffer) or a string, an object middleware already
   * parsed, or the request stream itself: a Node.js stream, or a Web `ReadableStream` (`request.body`).
   */
  body: unknown;
  /** The peer's address, checked against `allowedIps` (after `trustedProxies`). */
  remoteAddress?: string | undefined;
  /**
   * How to decode a body sent with a `Content-Encoding` (gzip, deflate, br). The Node.js adapters
   * pass `node:zlib`'s decoders. @defaultValue the runtime's `DecompressionStream`, where it has one
   */
  decompress?: Decompress | undefined;
}

/** A framework-neutral webhook receiver; adapters (`acadle-webhooks/express`) translate to and from it. */
export interface Receiver {
  /** Answers one request; never rejects, since every failure has an answer (503 when in doubt). */
  handle(request: ReceiverRequest): Promise<ReceiverResponse>;
}
