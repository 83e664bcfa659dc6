import { unsupportedEncoding } from './content-codings.js';
import type { ByteTransform, ContentCoding, Decompress } from './decompress.js';
import { type BodyStream, payloadTooLarge, readWebStream } from './read-body.js';
import { ReceiverError } from './receiver-error.js';

// Deflate inflates at most about 1032:1, so a decoder fed pieces of 1 KiB produces at most about 1 MiB
// before it waits to be read. Fed a whole socket read (64 KiB), one write could inflate 66 MiB at once.
const PIECE_BYTES = 1024;

/** A failure outside the decoders (the source, a limit, a missing decoder): only a decoder's own is a 400. */
interface Failure {
  cause?: unknown;
}

const encoder = new TextEncoder();
const ON_THIS_RUNTIME = 'is not supported on this runtime';

/** A Node.js stream as a Web stream, errored with `payload_too_large` as soon as more than `maxBytes` arrived. */
function fromBodyStream(stream: BodyStream, maxBytes: number, failure: Failure): ReadableStream<Uint8Array> {
  let detach = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let size = 0;
      const fail = (error: unknown) => {
        detach();
        failure.cause ??= error;
        controller.error(error);
      };
      const onData = (chunk: Uint8Array | string) => {
        const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
        size += bytes.byteLength;
        if (size > maxBytes) {
          stream.pause();
          fail(payloadTooLarge(maxBytes));
          return;
        }
        controller.enqueue(bytes);
      };
      const onEnd = () => {
        detach();
        controller.close();
      };
      const onError = (error: Error) => fail(error);
      const onClose = () => fail(new Error('Request closed before its body was complete'));
      detach = () => {
        stream.off('data', onData);
        stream.off('end', onEnd);
        stream.off('error', onError);
        stream.off('close', onClose);
      };
      stream.on('data', onData);
      stream.on('end', onEnd);
      stream.on('error', onError);
      stream.on('close', onClose);
    },
    cancel() {
      detach();
      stream.pause();
    },
  });
}

/** The body as a Web stream of its bytes on the wire. */
function source(body: BodyStream | ReadableStream<Uint8Array> | ArrayBufferView, maxBytes: number, failure: Failure) {
  if (ArrayBuffer.isView(body)) {
    const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    return new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
  }
  return 'getReader' in body ? body : fromBodyStream(body, maxBytes, failure);
}

/**
 * `input` in pieces of at most `PIECE_BYTES`, errored with `payload_too_large` past `maxBytes`. Read
 * only when its reader pulls, so that a decoder behind it inflates only as fast as it is read.
 */
function bounded(input: ReadableStream<Uint8Array>, maxBytes: number, failure: Failure, isSource: boolean) {
  const reader = input.getReader();
  let size = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read().catch((error: unknown) => {
          // The client went away, or the source failed: not the decoder's failure, so not a 400.
          if (isSource) failure.cause ??= error;
          throw error;
        });
        if (done) {
          controller.close();
          return;
        }
        size += value.byteLength;
        if (size > maxBytes) {
          const error = payloadTooLarge(maxBytes);
          failure.cause ??= error;
          reader.cancel(error).catch(() => {});
          throw error;
        }
        for (let offset = 0; offset < value.byteLength; offset += PIECE_BYTES) {
          controller.enqueue(value.subarray(offset, offset + PIECE_BYTES));
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

// A zlib stream starts with CMF (compression method 8, a window of at most 2^15) and FLG, together a
// multiple of 31 (RFC 1950); raw deflate, which some senders label deflate, rarely does.
function isZlibHeader(bytes: Uint8Array): boolean {
  const [cmf, flg] = bytes;
  if (cmf === undefined || (cmf & 0x0f) !== 8 || cmf >> 4 > 7) return false;
  return flg === undefined || (cmf * 256 + flg) % 31 === 0;
}

/** `input` through the decoder for `deflate`, zlib-wrapped or raw as its first bytes say. */
function inflated(input: ReadableStream<Uint8Array>, decompress: Decompress, failure: Failure) {
  const reader = input.getReader();
  let output: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (output === undefined) {
          const first = await reader.read();
          const decoder = decompress(first.done || isZlibHeader(first.value) ? 'deflate' : 'deflate-raw');
          if (decoder === undefined) {
            const error = unsupportedEncoding('deflate', ON_THIS_RUNTIME, 'identity');
            failure.cause ??= error;
            reader.cancel(error).catch(() => {});
            throw error;
          }
          const rest = new ReadableStream<Uint8Array>(
            {
              start(restController) {
                if (first.done) restController.close();
                else restController.enqueue(first.value);
              },
              async pull(restController) {
                const next = await reader.read();
                if (next.done) restController.close();
                else restController.enqueue(next.value);
              },
              cancel: (reason) => reader.cancel(reason),
            },
            { highWaterMark: 0 },
          );
          output = rest.pipeThrough(decoder).getReader();
        }
        const { done, value } = await output.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => (output ?? reader).cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

const detail = (error: unknown) => {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? ` (${message})` : '';
};

/**
 * Reads a body sent with a `Content-Encoding` and decodes it, streaming, with `decompress`'s
 * decoders. `maxBytes` bounds the bytes on the wire and the bytes each decoding produces: past it
 * (a zip bomb) the read stops, the rest is neither read nor inflated, and it rejects with
 * `payload_too_large`. A decoder the runtime lacks is `unsupported_encoding`; a body its decoder
 * cannot read (corrupt, truncated) is `invalid_encoding`.
 *
 * @param codings - in the order they are undone, as `contentCodings` lists them
 */
export async function readEncodedBody(
  body: BodyStream | ReadableStream<Uint8Array> | ArrayBufferView,
  codings: readonly ContentCoding[],
  decompress: Decompress,
  maxBytes: number,
): Promise<Uint8Array> {
  // Every decoder is made before anything is read, so that a missing one leaves the body unread.
  const decoders = codings.map((coding): ByteTransform | 'deflate' => {
    if (coding === 'deflate') return 'deflate';
    const decoder = decompress(coding);
    if (decoder === undefined) throw unsupportedEncoding(coding, ON_THIS_RUNTIME, 'gzip, deflate or identity');
    return decoder;
  });
  const failure: Failure = {};
  let stream = bounded(source(body, maxBytes, failure), maxBytes, failure, true);
  decoders.forEach((decoder, index) => {
    if (index > 0) stream = bounded(stream, maxBytes, failure, false);
    stream = decoder === 'deflate' ? inflated(stream, decompress, failure) : stream.pipeThrough(decoder);
  });
  try {
    return await readWebStream(stream, maxBytes);
  } catch (error) {
    if (failure.cause !== undefined) throw failure.cause;
    if (error instanceof ReceiverError) throw error;
    const listed = [...codings].reverse().join(', ');
    // The rest of the body is left unread, as for a body too large: the connection closes.
    throw new ReceiverError('invalid_encoding', `Body is not valid ${listed}${detail(error)}`, {
      cause: error,
      headers: { connection: 'close' },
    });
  }
}
