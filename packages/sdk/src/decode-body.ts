import { AcadleParseError } from './acadle-parse-error.js';

/** What `parseEvent` accepts: the body as a string, Buffer, Uint8Array or ArrayBuffer, or a value middleware already parsed. */
export type EventInput = unknown;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Turns a delivery body into a JSON value, or an `invalid_json` error. */
export function decodeBody(input: EventInput): { ok: true; value: unknown } | { ok: false; error: AcadleParseError } {
  let text: string;
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    try {
      // The decoder drops a leading UTF-8 byte-order mark itself.
      text = utf8.decode(input);
    } catch (cause) {
      return {
        ok: false,
        error: new AcadleParseError('invalid_json', [{ path: [], message: 'Body is not valid UTF-8' }], { cause }),
      };
    }
  } else {
    return { ok: true, value: input };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return {
      ok: false,
      error: new AcadleParseError('invalid_json', [{ path: [], message: message.slice(0, 200) }], { cause }),
    };
  }
}
