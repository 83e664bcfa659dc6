import type { AcadleEvent } from './acadle-event.js';
import { AcadleParseError, type ParsedEnvelope, type ParseIssue } from './acadle-parse-error.js';
import { decodeBody, type EventInput } from './decode-body.js';
import { eventDataSchemas, pathAsSent } from './event-schemas.js';
import { isEventType } from './event-types.js';
import { normalizeData } from './normalize-data.js';

/** The outcome of `parseEvent`: an event, or the reason there is none. */
export type ParseResult = { ok: true; event: AcadleEvent } | { ok: false; error: AcadleParseError };

/**
 * Turns a delivery body into a typed, normalized Acadle event. Never throws.
 *
 * Accepts the body as a string, a Buffer/Uint8Array, or an object already parsed by middleware.
 * Documented types are validated and normalized (timestamps become `Date`s, numeric ids numbers,
 * `competed_at` becomes `completed_at`); unknown types come back with `known: false`.
 *
 * @example
 * const result = parseEvent(request.body);
 * if (!result.ok) return console.error(result.error.code, result.error.issues);
 * const { event } = result;
 * if (event.known && event.type === 'user_course_completed') {
 *   console.log(event.data.user.email, event.data.course.completed_at.toISOString());
 * }
 */
export function parseEvent(input: EventInput): ParseResult {
  try {
    return parseDecoded(input);
  } catch (cause) {
    // Only an input object with throwing getters or proxies can get here; JSON bodies cannot.
    const message = cause instanceof Error ? cause.message : 'Unreadable input';
    return { ok: false, error: new AcadleParseError('invalid_envelope', [{ path: [], message }], { cause }) };
  }
}

function parseDecoded(input: EventInput): ParseResult {
  const decoded = decodeBody(input);
  if (!decoded.ok) return decoded;
  const raw = decoded.value;
  const envelope = readEnvelope(raw);
  if (!('id' in envelope)) return { ok: false, error: new AcadleParseError('invalid_envelope', envelope.issues) };
  const body = raw as Record<string, unknown>;
  const { id, type, version } = envelope;
  if (!isEventType(type)) return { ok: true, event: { id, type, version, known: false, data: body.data, raw } };
  // Object spread here cost more than the whole fast path (V8 11), hence the fields one by one.
  const fast = normalizeData(type, body.data);
  if (fast !== undefined)
    return { ok: true, event: { id, type, version, known: true, data: fast, raw } as AcadleEvent };
  const result = eventDataSchemas[type].safeParse(body.data);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => {
      const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
      return { path: ['data', ...pathAsSent(body.data, path)], message: issue.message };
    });
    return { ok: false, error: new AcadleParseError('invalid_payload', issues, { envelope }) };
  }
  // The cast pairs `type` with its `data`, which the lookup by `envelope.type` above guarantees.
  return { ok: true, event: { id, type, version, known: true, data: result.data, raw } as AcadleEvent };
}

function readEnvelope(raw: unknown): ParsedEnvelope | { issues: ParseIssue[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { issues: [{ path: [], message: `Expected a JSON object, received ${describeValue(raw)}` }] };
  }
  const { id, type, version } = raw as Record<string, unknown>;
  const issues: ParseIssue[] = [];
  let eventId = '';
  if (typeof id === 'string' && id.length > 0) eventId = id;
  else if (typeof id === 'number' && Number.isFinite(id)) eventId = String(id);
  else issues.push({ path: ['id'], message: `Expected a non-empty string or a number, received ${describeValue(id)}` });
  if (typeof type !== 'string' || type.length === 0) {
    issues.push({ path: ['type'], message: `Expected a non-empty string, received ${describeValue(type)}` });
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
