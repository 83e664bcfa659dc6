import type { EventType } from './event-types.js';

/**
 * What a field of an Acadle object holds: `id` (a number, or a string of digits), `text`,
 * `optionalText` (may be missing or null), `timestamp` or `optionalTimestamp`.
 */
export type FieldKind = 'id' | 'text' | 'optionalText' | 'timestamp' | 'optionalTimestamp';

/** The documented fields of one object in `data`; any other field is kept as sent. */
export interface ObjectSpec {
  fields: Readonly<Record<string, FieldKind>>;
  /** Whether the object may carry `completed_at` misspelled as `competed_at`, as Acadle documents it (quirks.ts). */
  completedAtTypo: boolean;
}

// This table is the event model: the zod schemas (event-data-schemas.ts) and the fast path that
// normalizes valid deliveries without zod (normalize-data.ts) are both built from it.

const user = {
  fields: { id: 'id', name: 'text', email: 'text', created_at: 'timestamp', timezone: 'optionalText' },
  completedAtTypo: false,
} as const satisfies ObjectSpec;

const courseFields = { id: 'id', name: 'text', description: 'optionalText', duration: 'optionalText' } as const;

const completedCourse = {
  fields: { ...courseFields, completed_at: 'timestamp', timezone: 'optionalText' },
  completedAtTypo: true,
} as const satisfies ObjectSpec;

// In `user_lessons_completed` the course carries no completion time.
const course = {
  fields: { ...courseFields, completed_at: 'optionalTimestamp', timezone: 'optionalText' },
  completedAtTypo: true,
} as const satisfies ObjectSpec;

const lesson = {
  fields: { id: 'id', name: 'text', completed_at: 'timestamp', timezone: 'optionalText' },
  completedAtTypo: true,
} as const satisfies ObjectSpec;

const certificate = {
  fields: { id: 'id', name: 'text', issued_at: 'timestamp', timezone: 'optionalText' },
  completedAtTypo: false,
} as const satisfies ObjectSpec;

const badge = {
  fields: { id: 'id', name: 'text', category: 'optionalText' },
  completedAtTypo: false,
} as const satisfies ObjectSpec;

/** The objects in `data` for each event type. */
export const FIELD_TABLE = {
  user_registered: { user },
  user_course_completed: { user, course: completedCourse },
  user_lessons_completed: { user, course, lesson },
  user_certificate_issued: { user, certificate },
  user_badge_updated: { user, badge },
} as const satisfies Record<EventType, Record<string, ObjectSpec>>;
