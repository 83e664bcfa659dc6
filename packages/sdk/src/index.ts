export type {
  AcadleEvent,
  KnownEvent,
  UnknownEvent,
  UserBadgeUpdatedEvent,
  UserCertificateIssuedEvent,
  UserCourseCompletedEvent,
  UserLessonsCompletedEvent,
  UserRegisteredEvent,
} from './acadle-event.js';
export { AcadleParseError, type ParsedEnvelope, type ParseErrorCode, type ParseIssue } from './acadle-parse-error.js';
export type { EventInput } from './decode-body.js';
export { type AcadleUser, type EventDataMap, eventDataSchemas } from './event-schemas.js';
export { EVENT_TYPES, type EventType, isEventType } from './event-types.js';
export { isKnownEvent } from './is-known-event.js';
export { type ParseResult, parseEvent } from './parse-event.js';
