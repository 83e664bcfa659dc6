/**
 * Parse, receive and process Acadle webhook deliveries, with no framework or datastore attached.
 *
 * @packageDocumentation
 * @module acadle-webhooks
 */

export {
  DELIVERY_STATUSES,
  type DeliveryAttempt,
  type DeliveryFilter,
  type DeliveryLog,
  type DeliveryLogEntry,
  type DeliveryPage,
  type DeliveryQuery,
  type DeliveryStatus,
  type DeliverySummary,
  type ReplayResult,
  type ReplaySelection,
} from './deliveries/delivery-log.js';
export {
  type AcadleEvent,
  isKnownEvent,
  type KnownEvent,
  type UnknownEvent,
  type UserBadgeUpdatedEvent,
  type UserCertificateIssuedEvent,
  type UserCourseCompletedEvent,
  type UserLessonsCompletedEvent,
  type UserRegisteredEvent,
} from './events/acadle-event.js';
export { AcadleParseError, type ParsedEnvelope, type ParseErrorCode } from './events/acadle-parse-error.js';
export { type AcadleUser, type EventDataMap, eventDataSchemas } from './events/event-data-schemas.js';
export { EVENT_TYPES, type EventType, isEventType } from './events/event-types.js';
export { type EnvelopeResult, parseEnvelope } from './events/parse-envelope.js';
export { type EventInput, type ParseResult, parseEvent } from './events/parse-event.js';
export type { AcadleIssueCode, ParseIssue, ParseIssueCode } from './events/parse-issue.js';
export { createProcessor, type Processor, type ProcessorOptions } from './processor/create-processor.js';
export type { EventHandler, EventHandlers, HandlerContext } from './processor/event-handler.js';
export type { ProcessOutcome, ProcessResult } from './processor/process-outcome.js';
export type { AcademyPausing } from './queue/academy-pausing.js';
export type {
  Delivery,
  DeliveryProcessor,
  DeliveryRequest,
  EnqueueResult,
  EventQueue,
  ProcessContext,
} from './queue/event-queue.js';
export { MemoryQueue, type MemoryQueueOptions } from './queue/memory-queue.js';
export { NonRetryableError } from './queue/non-retryable-error.js';
export type { QueueStats } from './queue/queue-stats.js';
export {
  DEFAULT_RETENTION_DEAD_LETTERS_MS,
  DEFAULT_RETENTION_PROCESSED_MS,
  type RetentionOptions,
} from './queue/retention.js';
export { DEFAULT_RETRY, type RetryOptions } from './queue/retry-policy.js';
export { type BasicCredentials, createBasicAuthCheck } from './receiver/basic-auth.js';
export type { AcademyOptions, AuthOptions, NetworkOptions } from './receiver/create-authenticator.js';
export { createReceiver, type ReceiverOptions } from './receiver/create-receiver.js';
export type { ByteTransform, ContentCoding, Decompress, DecompressFormat } from './receiver/decompress.js';
export type { Receiver, ReceiverRequest } from './receiver/receiver.js';
export { ReceiverError, type ReceiverErrorCode } from './receiver/receiver-error.js';
export { type AdapterOptions, type ReceiverSource, receiverFrom } from './receiver/receiver-from.js';
export type { ReceiverOutcome, ReceiverResult } from './receiver/receiver-outcome.js';
export type { ReceiverResponse } from './receiver/receiver-response.js';
export { redactUrl } from './receiver/redact-url.js';
export { consoleLogger, type Logger, silentLogger } from './shared/logger.js';
export { type OpenTelemetryApi, useOpenTelemetry } from './shared/open-telemetry.js';
