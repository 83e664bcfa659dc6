import { z } from 'zod';
import type { EventType } from './event-types.js';
import { FIELD_TABLE, type FieldKind, type ObjectSpec } from './field-table.js';
import { acadleIssue } from './parse-issue.js';
import { fixCompletedAtTypo } from './quirks.js';
import { timestampSchema, withDates } from './timestamp.js';

const DIGITS = /^\d{1,16}$/;
const MESSAGE = 'Invalid id: expected a whole number, or a string of digits';

/** An id Acadle documents as a number, which may also arrive as a numeric string: always a number after parsing. */
const numericIdSchema = z.union([z.number(), z.string()]).transform((id, ctx): number => {
  const value = typeof id === 'number' ? id : DIGITS.test(id) ? Number(id) : Number.NaN;
  if (Number.isSafeInteger(value) && value >= 0) return value;
  ctx.issues.push({ code: 'custom', input: id, message: MESSAGE, params: acadleIssue('invalid_id') });
  return z.NEVER;
});

const fieldSchemas: Record<FieldKind, z.ZodType> = {
  id: numericIdSchema,
  text: z.string(),
  optionalText: z.string().nullish(),
  timestamp: timestampSchema,
  optionalTimestamp: timestampSchema.nullish(),
};

/** What each kind of field becomes after parsing. */
interface FieldOutput {
  id: number;
  text: string;
  optionalText: string | null | undefined;
  timestamp: Date;
  optionalTimestamp: Date | null | undefined;
}

type OptionalKeys<F> = { [K in keyof F]: F[K] extends 'optionalText' | 'optionalTimestamp' ? K : never }[keyof F];
type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** The normalized form of an object described by `fields`: documented fields typed, others kept as `unknown`. */
export type ObjectOutput<F extends Readonly<Record<string, FieldKind>>> = Flatten<
  { -readonly [K in Exclude<keyof F, OptionalKeys<F>>]: FieldOutput[F[K]] } & {
    -readonly [K in OptionalKeys<F>]?: FieldOutput[F[K]];
  } & { [key: string]: unknown }
>;

type DataOutput<S extends Record<string, ObjectSpec>> = Flatten<
  { -readonly [K in keyof S]: ObjectOutput<S[K]['fields']> } & { [key: string]: unknown }
>;

// Every object is loose: Acadle may add fields at any time, and they reach handlers untouched.
function objectSchema<S extends ObjectSpec>(spec: S): z.ZodType<ObjectOutput<S['fields']>> {
  const kinds = Object.entries(spec.fields);
  const shape = Object.fromEntries(kinds.map(([key, kind]) => [key, fieldSchemas[kind]]));
  const dateKeys = kinds.filter(([, kind]) => kind === 'timestamp' || kind === 'optionalTimestamp').map(([key]) => key);
  const schema = z.looseObject(shape).transform(withDates(dateKeys));
  return (spec.completedAtTypo ? z.preprocess(fixCompletedAtTypo, schema) : schema) as unknown as z.ZodType<
    ObjectOutput<S['fields']>
  >;
}

function dataSchema<S extends Record<string, ObjectSpec>>(specs: S): z.ZodType<DataOutput<S>> {
  const shape = Object.fromEntries(Object.entries(specs).map(([key, spec]) => [key, objectSchema(spec)]));
  return z.looseObject(shape) as unknown as z.ZodType<DataOutput<S>>;
}

/** The normalized `data` of each event type. */
export type EventDataMap = { [K in EventType]: DataOutput<(typeof FIELD_TABLE)[K]> };

// Declared rather than inferred: the inferred type spells out every field of every event in the
// declaration files and the API reference.
/** The zod schema of `data` for each event type: the authority on what a valid delivery is. */
export const eventDataSchemas: { [K in EventType]: z.ZodType<EventDataMap[K]> } = {
  user_registered: dataSchema(FIELD_TABLE.user_registered),
  user_course_completed: dataSchema(FIELD_TABLE.user_course_completed),
  user_lessons_completed: dataSchema(FIELD_TABLE.user_lessons_completed),
  user_certificate_issued: dataSchema(FIELD_TABLE.user_certificate_issued),
  user_badge_updated: dataSchema(FIELD_TABLE.user_badge_updated),
};

/** A normalized Acadle user, as found in every event's `data.user`. */
export type AcadleUser = EventDataMap['user_registered']['user'];
