import { expectTypeOf } from 'expect-type';
import { fixtures } from '../testing/fixtures.js';
import type { AcadleEvent, UnknownEvent, UserCourseCompletedEvent } from './acadle-event.js';
import { isKnownEvent } from './acadle-event.js';
import { EVENT_TYPES } from './event-types.js';
import { parseEvent } from './parse-event.js';

// The type assertions are checked by `tsc` (pnpm typecheck); running the function checks the
// values behind them.

function completionTime(event: AcadleEvent): Date | undefined {
  // @ts-expect-error: data is unknown until the event is known and its type checked
  event.data.course;

  if (!event.known) {
    expectTypeOf(event).toEqualTypeOf<UnknownEvent>();
    expectTypeOf(event.data).toEqualTypeOf<unknown>();
    return undefined;
  }
  switch (event.type) {
    case 'user_course_completed':
      expectTypeOf(event).toEqualTypeOf<UserCourseCompletedEvent>();
      expectTypeOf(event.data.course.completed_at).toEqualTypeOf<Date>();
      expectTypeOf(event.data.user.id).toEqualTypeOf<number>();
      expectTypeOf(event.data.user.created_at).toEqualTypeOf<Date>();
      expectTypeOf(event.data.course.description).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(event.data.course.anything_else).toEqualTypeOf<unknown>();
      return event.data.course.completed_at;
    case 'user_lessons_completed':
      expectTypeOf(event.data.lesson.completed_at).toEqualTypeOf<Date>();
      expectTypeOf(event.data.course.completed_at).toEqualTypeOf<Date | null | undefined>();
      // Unknown fields are kept, so any other key reads as unknown, never as another event's object.
      expectTypeOf(event.data.certificate).toEqualTypeOf<unknown>();
      return event.data.lesson.completed_at;
    case 'user_certificate_issued':
      expectTypeOf(event.data.certificate.issued_at).toEqualTypeOf<Date>();
      return event.data.certificate.issued_at;
    case 'user_badge_updated':
      expectTypeOf(event.data.badge.category).toEqualTypeOf<string | null | undefined>();
      return undefined;
    case 'user_registered':
      expectTypeOf(event.data.user.email).toEqualTypeOf<string>();
      return undefined;
    default:
      expectTypeOf(event).toEqualTypeOf<never>();
      return undefined;
  }
}

describe('type narrowing', () => {
  it('narrows data by type once the event is known', () => {
    const times = EVENT_TYPES.map((type) => {
      const result = parseEvent(fixtures[type]);
      return result.ok ? completionTime(result.event)?.toISOString() : result.error.code;
    });
    expect(times).toEqual([
      undefined,
      '2020-12-04T11:19:19.385Z',
      '2020-12-04T11:19:19.340Z',
      '2020-12-04T11:53:56.327Z',
      undefined,
    ]);
  });

  it('tells known events from unknown ones at run time', () => {
    const known = parseEvent(fixtures.user_registered);
    const unknown = parseEvent('{"id":"u1","type":"user_quiz_passed","data":{}}');
    expect(known.ok && isKnownEvent(known.event)).toBe(true);
    expect(unknown.ok && isKnownEvent(unknown.event)).toBe(false);
    expect(unknown.ok && completionTime(unknown.event)).toBeUndefined();
  });
});
