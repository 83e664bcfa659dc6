import { ReceiverError } from './receiver-error.js';

/** The parts of a Node.js readable stream (such as an `http.IncomingMessage`) that `readBody` uses. */
export interface BodyStream {
  /** Listens for each chunk of the body. */
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  /** Listens for the end of the body, or of the connection. */
  on(event: 'end' | 'close', listener: () => void): unknown;
  /** Listens for a failure of the stream. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Stops listening for chunks. */
  off(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  /** Stops listening for the end of the body or connection. */
  off(event: 'end' | 'close', listener: () => void): unknown;
  /** Stops listening for failures. */
  off(event: 'error', listener: (error: Error) => void): unknown;
  /** Stops the flow of chunks once the size limit is passed. */
  pause(): unknown;
}

/** The error for a body over `maxBytes`; the connection closes, since the rest of the body is left unread. */
export function payloadTooLarge(maxBytes: number): ReceiverError {
  return new ReceiverError('payload_too_large', `Body is larger than ${maxBytes} bytes`, {
    headers: { connection: 'close' },
  });
}

const encoder = new TextEncoder();

/** The chunks as one array of `size` bytes; a single chunk is viewed, not copied. */
function concatenate(chunks: readonly Uint8Array[], size: number): Uint8Array {
  // A view of this realm's Uint8Array even for a chunk from another (a vm context, a test sandbox),
  // which `parseEnvelope`'s `instanceof Uint8Array` would otherwise take for a parsed object.
  const [only] = chunks;
  if (chunks.length === 1 && only !== undefined) return new Uint8Array(only.buffer, only.byteOffset, only.byteLength);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads a request body up to `maxBytes`. Past the limit it stops reading and rejects with a
 * `payload_too_large` error: the rest is never buffered, so an endless body costs nothing.
 */
export function readBody(stream: BodyStream, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const settle = (error: Error | undefined) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve(concatenate(chunks, size));
    };
    const onData = (chunk: Uint8Array | string) => {
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      size += bytes.byteLength;
      if (size > maxBytes) {
        stream.pause();
        settle(payloadTooLarge(maxBytes));
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => settle(undefined);
    const onError = (error: Error) => settle(error);
    // A client that disconnects mid-body would leave the promise unanswered. (The listener is
    // removed once the body is read: every request closes, and an Error per request is costly.)
    const onClose = () => settle(new Error('Request closed before its body was complete'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Reads a Web `ReadableStream` body (a `Request`'s) up to `maxBytes`, as `readBody` reads a Node.js
 * stream: past the limit it cancels the stream and rejects with a `payload_too_large` error; a
 * stream that fails (the client went away) rejects with its error.
 */
export async function readWebStream(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return concatenate(chunks, size);
      size += value.byteLength;
      if (size > maxBytes) {
        // Not awaited: a source that never settles its cancel must not hold the answer back.
        reader.cancel().catch(() => {});
        throw payloadTooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
}
