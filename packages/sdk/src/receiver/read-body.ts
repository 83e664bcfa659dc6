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

/**
 * Reads a request body up to `maxBytes`. Past the limit it stops reading and rejects with a
 * `payload_too_large` error: the rest is never buffered, so an endless body costs nothing.
 */
export function readBody(stream: BodyStream, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: Error | undefined) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Uint8Array | string) => {
      const bytes =
        typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
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
