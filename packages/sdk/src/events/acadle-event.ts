import type { EventDataMap } from './event-data-schemas.js';
import type { EventType } from './event-types.js';

/**
 * The fields every event has, whatever its type.
 *
 * @inline
 */
interface EventEnvelope {
  /** Acadle's event id, always a string (a numeric id is turned into one). */
  id: string;
  /** The payload version Acadle sent (e.g. `2020-12-04`), if any. */
  version: string | undefined;
  /** The parsed JSON body exactly as received, before normalization. */
  raw: unknown;
}

/** A documented event, with normalized `data` typed by its `type`. */
export type KnownEvent<T extends EventType = EventType> = {
  [K in T]: EventEnvelope & {
    /** One of the documented types; checking it narrows `data`. */
    type: K;
    /** Always `true`: tells a known event from an `UnknownEvent`. */
    known: true;
    /** The event's data, validated and normalized. */
    data: EventDataMap[K];
  };
}[T];

/** An event of a type this version of the SDK does not know; `data` is as sent. */
export interface UnknownEvent extends EventEnvelope {
  /** The type as sent. */
  type: string;
  /** Always `false`: tells an unknown event from a `KnownEvent`. */
  known: false;
  /** The `data` as sent, neither validated nor normalized. */
  data: unknown;
}

/** Any event `parseEvent` returns: check `known` (or use `isKnownEvent`), then `type`, to narrow `data`. */
export type AcadleEvent = KnownEvent | UnknownEvent;

/** A new member signed up. */
export type UserRegisteredEvent = KnownEvent<'user_registered'>;
/** A member completed a course. */
export type UserCourseCompletedEvent = KnownEvent<'user_course_completed'>;
/** A member completed a lesson. */
export type UserLessonsCompletedEvent = KnownEvent<'user_lessons_completed'>;
/** A member was issued a certificate. */
export type UserCertificateIssuedEvent = KnownEvent<'user_certificate_issued'>;
/** A member's badge changed. */
export type UserBadgeUpdatedEvent = KnownEvent<'user_badge_updated'>;

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
