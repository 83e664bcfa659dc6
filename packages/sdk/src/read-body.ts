import { ReceiverError } from './receiver-errors.js';

/** The parts of a Node.js readable stream (such as an `http.IncomingMessage`) that `readBody` uses. */
export interface BodyStream {
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  pause(): unknown;
}

/**
 * Reads a request body up to `maxBytes`. Past the limit it stops reading and rejects with a
 * `payload_too_large` error: the rest is never buffered, so an endless body costs nothing.
 */
export function readBody(stream: BodyStream, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      stream.removeAllListeners('data');
      stream.removeAllListeners('end');
    };
    stream.on('data', (chunk) => {
      const bytes =
        typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      size += bytes.byteLength;
      if (size > maxBytes) {
        stop();
        stream.pause();
        reject(new ReceiverError('payload_too_large', `Body is larger than ${maxBytes} bytes`, { status: 413 }));
        return;
      }
      chunks.push(bytes);
    });
    stream.on('end', () => {
      stop();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    stream.on('error', (error) => {
      stop();
      reject(error);
    });
    // A client that disconnects mid-body leaves a promise nobody will answer: settle it.
    stream.on('close', () => reject(new Error('Request closed before its body was complete')));
  });
}
