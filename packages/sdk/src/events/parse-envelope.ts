import { AcadleParseError, type ParsedEnvelope } from './acadle-parse-error.js';
import type { ParseIssue } from './parse-issue.js';

/** A body whose envelope is valid: the envelope, the body as text, and its parsed JSON. */
export interface EnvelopeResult {
  /** Always `true`: the envelope is valid. */
  ok: true;
  /** The event id, type and version. */
  envelope: ParsedEnvelope;
  /** The body as UTF-8 text; `undefined` when the input was an already-parsed object. */
  text: string | undefined;
  /** The parsed JSON body. */
  value: Record<string, unknown>;
}

/**
 * Reads only what acknowledging a delivery needs: valid JSON, and an object with an `id` and a
 * `type`. `data` is left for `parseEvent` in the worker.
 *
 * @example
 * ```ts
 * const result = parseEnvelope(body);
 * if (result.ok) console.log(result.envelope.id, result.envelope.type);
 * else console.error(result.error.code, result.error.issues);
 * ```
 */
export function parseEnvelope(input: unknown):
  | EnvelopeResult
  | {
      /** Always `false`: the body is not JSON, or not an event envelope. */
      ok: false;
      /** Why, with code `invalid_json` or `invalid_envelope`. */
      error: AcadleParseError;
    } {
  let text: string | undefined;
  let value: unknown;
  if (typeof input === 'string' || input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const decoded = decodeText(input);
    if (!decoded.ok) return decoded;
    text = decoded.text;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      return {
        ok: false,
        error: new AcadleParseError(
          'invalid_json',
          [{ code: 'invalid_json', path: [], message: message.slice(0, 200) }],
          {
            cause,
          },
        ),
      };
    }
  } else {
    value = input;
  }
  const envelope = readEnvelope(value);
  if (!('id' in envelope)) return { ok: false, error: new AcadleParseError('invalid_envelope', envelope.issues) };
  return { ok: true, envelope, text, value: value as Record<string, unknown> };
}

function readEnvelope(raw: unknown): ParsedEnvelope | { issues: ParseIssue[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      issues: [{ code: 'invalid_type', path: [], message: `Expected a JSON object, received ${describeValue(raw)}` }],
    };
  }
  const { id, type, version } = raw as Record<string, unknown>;
  const issues: ParseIssue[] = [];
  let eventId = '';
  if (typeof id === 'string' && id.length > 0) eventId = id;
  else if (typeof id === 'number' && Number.isFinite(id)) eventId = String(id);
  else
    issues.push({
      code: 'invalid_id',
      path: ['id'],
      message: `Expected a non-empty string or a number, received ${describeValue(id)}`,
    });
  if (typeof type !== 'string' || type.length === 0) {
    issues.push({
      code: 'invalid_event_type',
      path: ['type'],
      message: `Expected a non-empty string, received ${describeValue(type)}`,
    });
  }
  if (issues.length > 0) return { issues };
  // Any version is accepted: Acadle has only ever sent `2020-12-04`, and a newer one should not be refused.
  const eventVersion =
    typeof version === 'string' ? version : typeof version === 'number' ? String(version) : undefined;
  return { id: eventId, type: type as string, version: eventVersion };
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : 'a string';
  return `a ${typeof value}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A body's text without its byte-order mark, or an `invalid_json` error for bytes that are not UTF-8. */
function decodeText(
  input: string | Uint8Array | ArrayBuffer,
): { ok: true; text: string } | { ok: false; error: AcadleParseError } {
  if (typeof input === 'string') return { ok: true, text: input.charCodeAt(0) === 0xfeff ? input.slice(1) : input };
  try {
    // The decoder drops a leading UTF-8 byte-order mark itself.
    return { ok: true, text: utf8.decode(input) };
  } catch (cause) {
    return {
      ok: false,
      error: new AcadleParseError(
        'invalid_json',
        [{ code: 'invalid_utf8', path: [], message: 'Body is not valid UTF-8' }],
        {
          cause,
        },
      ),
    };
  }
}
