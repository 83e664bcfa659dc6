import { AcadleParseError } from './acadle-parse-error.js';

/** What `parseEvent` accepts: the body as a string, Buffer, Uint8Array or ArrayBuffer, or a value middleware already parsed. */
export type EventInput = unknown;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A body's text without its byte-order mark, or an `invalid_json` error for bytes that are not UTF-8. */
export function decodeText(
  input: string | Uint8Array | ArrayBuffer,
): { ok: true; text: string } | { ok: false; error: AcadleParseError } {
  if (typeof input === 'string') return { ok: true, text: input.charCodeAt(0) === 0xfeff ? input.slice(1) : input };
  try {
    // The decoder drops a leading UTF-8 byte-order mark itself.
    return { ok: true, text: utf8.decode(input) };
  } catch (cause) {
    return {
      ok: false,
      error: new AcadleParseError('invalid_json', [{ path: [], message: 'Body is not valid UTF-8' }], { cause }),
    };
  }
}
