import type { EventType } from '../events/event-types.js';

// Acadle's documentation examples (../shared/acadle/webhooks-doc.txt), with its typographic quotes
// made straight so that they are valid JSON, as real deliveries are. Everything else is kept as
// documented, including the `competed_at` typo and the lower-case "john Doe".

const user = (name: string) => `"user": {
      "id": 17,
      "name": "${name}",
      "email": "johndoe@email.com",
      "created_at": "2020-12-04 10:43:17",
      "timezone": "UTC"
    }`;

/**
 * The documented example delivery of each event type, as valid JSON text.
 *
 * @example
 * ```ts
 * import { fixtures } from 'acadle-webhooks/testing';
 *
 * const result = parseEvent(fixtures.user_course_completed);
 * ```
 */
export const fixtures: Readonly<Record<EventType, string>> = {
  user_registered: `{
  "id": "a3MwZHNVWDNSczZuVXVTMTQy",
  "version": "2020-12-04",
  "type": "user_registered",
  "data": {
    ${user('john Doe')}
  }
}`,
  user_course_completed: `{
  "id": "bDJOU0M0MQ==",
  "version": "2020-12-04",
  "type": "user_course_completed",
  "data": {
    ${user('John Doe')},
    "course": {
      "id": 1,
      "name": "Sample Course",
      "description": "Sample Course Description",
      "duration": "01:00",
      "competed_at": "2020-12-04T11:19:19.385163Z",
      "timezone": "UTC"
    }
  }
}`,
  user_lessons_completed: `{
  "id": "bTVHMUtLWU91OEM5SjZMNzE1Mg==",
  "version": "2020-12-04",
  "type": "user_lessons_completed",
  "data": {
    ${user('John Doe')},
    "course": {
      "id": 1,
      "name": "Sample Course",
      "description": "Sample Course Description",
      "duration": "01:00"
    },
    "lesson": {
      "id": 2,
      "name": "Sample Lesson",
      "competed_at": "2020-12-04T11:19:19.340004Z",
      "timezone": "UTC"
    }
  }
}`,
  user_certificate_issued: `{
  "id": "bnljZmc0MQ==",
  "version": "2020-12-04",
  "type": "user_certificate_issued",
  "data": {
    ${user('John Doe')},
    "certificate": {
      "id": 1,
      "name": "Sample Certificate",
      "issued_at": "2020-12-04T11:53:56.327213Z",
      "timezone": "UTC"
    }
  }
}`,
  user_badge_updated: `{
  "id": "b2c2eUgzU2lWcTkx",
  "version": "2020-12-04",
  "type": "user_badge_updated",
  "data": {
    ${user('John Doe')},
    "badge": {
      "id": 21,
      "name": "Certification Badge 5",
      "category": "Certification Badge"
    }
  }
}`,
};
