import type { AcadleEvent, KnownEvent } from './acadle-event.js';

/**
 * Narrows an event to a documented type, after which `event.type` narrows `event.data`.
 *
 * @example
 * ```ts
 * if (isKnownEvent(event) && event.type === 'user_course_completed') {
 *   console.log(event.data.course.completed_at.toISOString());
 * }
 * ```
 */
export function isKnownEvent(event: AcadleEvent): event is KnownEvent {
  return event.known;
}
