/** A content coding the receiver decodes (`x-gzip` is read as `gzip`). */
export type ContentCoding = 'gzip' | 'deflate' | 'br';

/**
 * What a decoder is asked to undo: a content coding, or `deflate-raw`, the headerless deflate that
 * some senders put under `Content-Encoding: deflate` (RFC 9110 says zlib-wrapped; both are read).
 */
export type DecompressFormat = 'gzip' | 'deflate' | 'deflate-raw' | 'br';

/** A streaming decoder, shaped as a Web `TransformStream` (such as `DecompressionStream`): bytes in, bytes out. */
export interface ByteTransform {
  /** Where the decoded bytes come out. */
  readable: ReadableStream<Uint8Array>;
  /** Where the encoded bytes go in. */
  writable: WritableStream<Uint8Array>;
}

/**
 * Makes a fresh decoder for `format`, or returns `undefined` when this runtime has none (the request
 * is then answered `415 unsupported_encoding`). The Node.js adapters pass one built on `node:zlib`;
 * without one the receiver uses the runtime's `DecompressionStream`.
 */
export type Decompress = (format: DecompressFormat) => ByteTransform | undefined;
