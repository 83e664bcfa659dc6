import type { ByteTransform, Decompress } from './decompress.js';

type DecompressionStreamClass = new (format: string) => ByteTransform;

// Looked up when called, not when loaded: a test or a polyfill may install it later.
const decompressionStream = () =>
  (globalThis as { DecompressionStream?: DecompressionStreamClass }).DecompressionStream;

/**
 * Decodes with the runtime's `DecompressionStream` (Bun, Deno, workerd, browsers, Node.js): `gzip`,
 * `deflate` and `deflate-raw` everywhere it exists, `br` only where the runtime knows the `brotli` format.
 */
export const webDecompress: Decompress = (format) => {
  const DecompressionStream = decompressionStream();
  if (DecompressionStream === undefined) return undefined;
  try {
    return new DecompressionStream(format === 'br' ? 'brotli' : format);
  } catch {
    // A format this runtime does not have is a TypeError, not a missing property.
    return undefined;
  }
};
