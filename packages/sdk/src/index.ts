/**
 * Parse, receive and process Acadle webhook deliveries, with no framework or datastore attached.
 *
 * @packageDocumentation
 * @module acadle-webhooks
 */
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
export {
  type AuthOptions,
  type NetworkOptions,
} from './create-authenticator.js';
export {
  createProcessor,
  type EventHandler,
  type EventHandlers,
  type HandlerContext,
  type ProcessorOptions,
} from './create-processor.js';
export {
  createReceiver,
  type Receiver,
  type ReceiverOptions,
  type ReceiverOutcome,
  type ReceiverRequest,
  type ReceiverResponse,
  type ReceiverSource,
  receiverFrom,
} from './create-receiver.js';
export type { EventInput } from './decode-text.js';
export type {
  Delivery,
  DeliveryProcessor,
  DeliveryRequest,
  EnqueueResult,
  EventQueue,
  ProcessContext,
} from './event-queue.js';
export { type AcadleUser, type EventDataMap, eventDataSchemas } from './event-schemas.js';
export { EVENT_TYPES, type EventType, isEventType } from './event-types.js';
export { isKnownEvent } from './is-known-event.js';
export { type Logger, silentLogger } from './logger.js';
export { type DeadLetter, MemoryQueue, type MemoryQueueOptions } from './memory-queue.js';
export { type EnvelopeResult, parseEnvelope } from './parse-envelope.js';
export { type ParseResult, parseEvent } from './parse-event.js';
export { NonRetryableError, ReceiverError, type ReceiverErrorCode } from './receiver-errors.js';
export { redactUrl } from './redact-url.js';
