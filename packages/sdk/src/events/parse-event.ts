import type { AcadleEvent } from './acadle-event.js';
import { AcadleParseError } from './acadle-parse-error.js';
import { eventDataSchemas } from './event-data-schemas.js';
import { isEventType } from './event-types.js';
import { normalizeData } from './normalize-data.js';
import { parseEnvelope } from './parse-envelope.js';
import { issueCode } from './parse-issue.js';
import { pathAsSent } from './quirks.js';

/** What `parseEvent` accepts: the body as a string, Buffer, Uint8Array or ArrayBuffer, or a value middleware already parsed. */
export type EventInput = unknown;

/** The outcome of `parseEvent`: an event, or the reason there is none. */
export type ParseResult =
  | {
      /** Always `true`: the body is an event. */
      ok: true;
      /** The event, known or not. */
      event: AcadleEvent;
    }
  | {
      /** Always `false`: the body is not a valid event. */
      ok: false;
      /** Why; its `code` tells a body that is not an event from data that fails its schema. */
      error: AcadleParseError;
    };

/**
 * Turns a delivery body into a typed, normalized Acadle event. Never throws.
 *
 * Accepts the body as a string, a Buffer/Uint8Array, or an object already parsed by middleware.
 * Documented types are validated and normalized (timestamps become `Date`s, numeric ids numbers,
 * `competed_at` becomes `completed_at`); unknown types come back with `known: false`.
 *
 * @example
 * ```ts
 * const result = parseEvent(request.body);
 * if (!result.ok) return console.error(result.error.code, result.error.issues);
 * const { event } = result;
 * if (event.known && event.type === 'user_course_completed') {
 *   console.log(event.data.user.email, event.data.course.completed_at.toISOString());
 * }
 * ```
 */
export function parseEvent(input: EventInput): ParseResult {
  try {
    return parseDecoded(input);
  } catch (cause) {
    // Only an input object with throwing getters or proxies can get here; JSON bodies cannot.
    const message = cause instanceof Error ? cause.message : 'Unreadable input';
    return {
      ok: false,
      error: new AcadleParseError('invalid_envelope', [{ code: 'unreadable_input', path: [], message }], { cause }),
    };
  }
}

function parseDecoded(input: EventInput): ParseResult {
  const parsed = parseEnvelope(input);
  if (!parsed.ok) return parsed;
  const { envelope, value: raw } = parsed;
  const { id, type, version } = envelope;
  if (!isEventType(type)) return { ok: true, event: { id, type, version, known: false, data: raw.data, raw } };
  // Object spread here cost more than the whole fast path (V8 11), hence the fields one by one.
  const fast = normalizeData(type, raw.data);
  if (fast !== undefined)
    return { ok: true, event: { id, type, version, known: true, data: fast, raw } as AcadleEvent };
  const result = eventDataSchemas[type].safeParse(raw.data);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => {
      const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
      return { code: issueCode(issue), path: ['data', ...pathAsSent(raw.data, path)], message: issue.message };
    });
    return { ok: false, error: new AcadleParseError('invalid_payload', issues, { envelope }) };
  }
  // The cast pairs `type` with its `data`, which the lookup by `type` above guarantees.
  return { ok: true, event: { id, type, version, known: true, data: result.data, raw } as AcadleEvent };
}
