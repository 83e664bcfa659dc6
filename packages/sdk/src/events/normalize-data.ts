import type { EventType } from './event-types.js';
import { FIELD_TABLE, type FieldKind, type ObjectSpec } from './field-table.js';
import { completedAtTypoKey, takeMisspelledCompletedAt } from './quirks.js';
import { parseTimestamp, resolveTimestamp } from './timestamp.js';

// The fast path of `parseEvent`. zod costs more than JSON.parse itself on these small bodies, so
// valid deliveries are normalized here from the same table as the zod schemas, and anything this
// code is unsure of returns `undefined` and goes to zod, which stays the authority: it either
// accepts with the same result (normalize-data.test.ts checks they agree) or explains the error.

const DIGITS = /^\d{1,16}$/;

interface CompiledObjectSpec {
  fields: [string, FieldKind][];
  timestampFields: [string, FieldKind][];
  completedAtTypo: boolean;
}

function compile(spec: ObjectSpec): CompiledObjectSpec {
  const fields = Object.entries(spec.fields);
  return {
    fields,
    timestampFields: fields.filter(([, kind]) => kind === 'timestamp' || kind === 'optionalTimestamp'),
    completedAtTypo: spec.completedAtTypo,
  };
}

const compiledSpecs = Object.fromEntries(
  Object.entries(FIELD_TABLE).map(([type, objects]) => [
    type,
    Object.entries(objects).map(([key, spec]): [string, CompiledObjectSpec] => [key, compile(spec)]),
  ]),
) as Record<EventType, [string, CompiledObjectSpec][]>;

/** A shallow copy of a JSON object, or `undefined` for anything a JSON body could not hold. */
function copyObject(value: unknown, skipKey?: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const field = source[key];
    if (key === '__proto__' || field === undefined) return undefined;
    if (key !== skipKey) copy[key] = field;
  }
  return copy;
}

function normalizeObject(spec: CompiledObjectSpec, value: unknown): Record<string, unknown> | undefined {
  const output = copyObject(value, completedAtTypoKey(spec.completedAtTypo));
  if (output === undefined) return undefined;
  if (spec.completedAtTypo) takeMisspelledCompletedAt(output, value as Record<string, unknown>);
  for (const [key, kind] of spec.fields) {
    const field = output[key];
    if (kind === 'id') {
      const id =
        typeof field === 'number' ? field : typeof field === 'string' && DIGITS.test(field) ? Number(field) : -1;
      if (!Number.isSafeInteger(id) || id < 0) return undefined;
      output[key] = id;
    } else if (kind === 'text') {
      if (typeof field !== 'string') return undefined;
    } else if (kind === 'timestamp') {
      if (typeof field !== 'string') return undefined;
    } else if (field != null && typeof field !== 'string') {
      return undefined;
    }
  }
  const timeZone = output.timezone as string | null | undefined;
  for (const [key] of spec.timestampFields) {
    const field = output[key];
    if (field == null) continue;
    const written = parseTimestamp(field as string);
    const epochMs = written && resolveTimestamp(written, timeZone);
    if (epochMs === undefined) return undefined;
    output[key] = new Date(epochMs);
  }
  return output;
}

/**
 * The normalized `data` of a delivery of `type`, or `undefined` when zod must decide.
 * Never throws on JSON input.
 */
export function normalizeData(type: EventType, data: unknown): Record<string, unknown> | undefined {
  const output = copyObject(data);
  if (output === undefined) return undefined;
  for (const [key, spec] of compiledSpecs[type]) {
    const normalized = normalizeObject(spec, output[key]);
    if (normalized === undefined) return undefined;
    output[key] = normalized;
  }
  return output;
}
