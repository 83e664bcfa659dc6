import { Duplex } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import type { ByteTransform, Decompress, DecompressFormat } from 'acadle-webhooks';

const DECODERS = {
  gzip: createGunzip,
  deflate: createInflate,
  'deflate-raw': createInflateRaw,
  br: createBrotliDecompress,
} satisfies Record<DecompressFormat, () => Duplex>;

/**
 * The decoders of the Node.js adapters: `node:zlib`'s streaming ones, `br` included (Node.js 20's
 * `DecompressionStream` has no brotli), as the Web streams the receiver reads.
 */
export const nodeDecompress: Decompress = (format) => Duplex.toWeb(DECODERS[format]()) as ByteTransform;
