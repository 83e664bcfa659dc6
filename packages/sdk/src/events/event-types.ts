/**
 * The event types Acadle documents, in the order its documentation lists them.
 *
 * @see ../../../docs/events.md
 */
export const EVENT_TYPES = [
  'user_registered',
  'user_course_completed',
  'user_lessons_completed',
  'user_certificate_issued',
  'user_badge_updated',
] as const;

/** One of the documented Acadle event types. */
export type EventType = (typeof EVENT_TYPES)[number];

const eventTypeSet: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Tells whether a string is one of the documented event types.
 *
 * @example
 * ```ts
 * if (isEventType(process.argv[2])) console.log('known type');
 * ```
 */
export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && eventTypeSet.has(type);
}
