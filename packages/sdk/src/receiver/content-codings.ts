import type { ContentCoding } from './decompress.js';
import { ReceiverError } from './receiver-error.js';

const CODINGS = new Map<string, ContentCoding>([
  ['gzip', 'gzip'],
  ['x-gzip', 'gzip'],
  ['deflate', 'deflate'],
  ['br', 'br'],
]);

// RFC 9110 lets a sender apply several codings; no real sender applies more than one, and each
// layer costs a decoder, so a longer list is refused rather than built.
const MAX_CODINGS = 3;

/** The error for a content coding the receiver cannot decode (the header is the sender's: quoted, and cut short). */
export function unsupportedEncoding(
  coding: string,
  reason = 'is not supported',
  accepted = 'gzip, deflate, br or identity',
): ReceiverError {
  return new ReceiverError(
    'unsupported_encoding',
    `Content-Encoding ${JSON.stringify(coding.slice(0, 100))} ${reason}: send ${accepted}`,
  );
}

/**
 * The content codings of a `Content-Encoding` header in the order they are to be undone (the
 * reverse of the order listed), `identity` left out; throws `unsupported_encoding` for any other.
 *
 * @example
 * ```ts
 * contentCodings('x-gzip'); // ['gzip']
 * contentCodings(undefined); // []
 * ```
 */
export function contentCodings(header: string | undefined): ContentCoding[] {
  if (header === undefined) return [];
  const names = header
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'identity');
  if (names.length > MAX_CODINGS) {
    throw unsupportedEncoding(names.join(', '), `applies more than ${MAX_CODINGS} codings`);
  }
  return names
    .map((name) => {
      const coding = CODINGS.get(name);
      if (coding === undefined) throw unsupportedEncoding(name);
      return coding;
    })
    .reverse();
}
