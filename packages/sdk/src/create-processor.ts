import type { KnownEvent, UnknownEvent } from './acadle-event.js';
import type { AcadleParseError } from './acadle-parse-error.js';
import type { Delivery, DeliveryProcessor, ProcessContext } from './event-queue.js';
import type { EventType } from './event-types.js';
import { childLogger, type Logger, silentLogger } from './logger.js';
import { parseEvent } from './parse-event.js';
import { NonRetryableError } from './receiver-errors.js';

/** What a handler knows besides the event. */
export interface HandlerContext extends ProcessContext {
  /** The stored delivery: received time, remote address, user agent, raw body. */
  delivery: Delivery;
  /** A logger bound to this event's id and type. */
  logger: Logger;
}

/** A handler for one event type; it receives the event narrowed to that type. Throwing retries it. */
export type EventHandler<T extends EventType> = (event: KnownEvent<T>, context: HandlerContext) => Promise<void> | void;

/** Handlers keyed by event type; a type without a handler is completed and logged. */
export type EventHandlers = { [T in EventType]?: EventHandler<T> };

/** How to process stored deliveries. */
export interface ProcessorOptions {
  /** What to run for each documented event type. */
  handlers: EventHandlers;
  /** Runs for event types this SDK does not know. @defaultValue logs at info level and completes */
  onUnknown?: (event: UnknownEvent, context: HandlerContext) => Promise<void> | void;
  /** Runs before a delivery that fails its schema becomes a dead letter (it is never retried). @defaultValue logs the issues at warn level */
  onInvalid?: (error: AcadleParseError, context: HandlerContext) => Promise<void> | void;
  /** Runs when a handler throws, before the queue retries or gives up. */
  onError?: (error: unknown, event: KnownEvent, context: HandlerContext) => Promise<void> | void;
  /** Where the processor logs, and the parent of each handler's `logger`; pino fits. @defaultValue {@link silentLogger} */
  logger?: Logger;
}

/**
 * Builds the function queues run for each stored delivery: parses the stored body with
 * `parseEvent` (so a schema fix plus a replay heals old deliveries) and calls the handler of its
 * type with the narrowed event. Invalid payloads throw `NonRetryableError` (dead letter, no retries).
 *
 * @example
 * ```ts
 * const processor = createProcessor({
 *   handlers: {
 *     user_course_completed: async (event, { logger }) => {
 *       logger.info({ completedAt: event.data.course.completed_at }, 'course completed');
 *     },
 *   },
 * });
 * const queue = new MemoryQueue({ processor });
 * ```
 */
export function createProcessor(options: ProcessorOptions): DeliveryProcessor {
  const logger = options.logger ?? silentLogger;
  return async (delivery, processContext) => {
    const context: HandlerContext = {
      ...processContext,
      delivery,
      logger: childLogger(logger, { eventId: delivery.id, eventType: delivery.type, attempt: processContext.attempt }),
    };
    const result = parseEvent(delivery.body);
    if (!result.ok) {
      if (options.onInvalid) {
        await options.onInvalid(result.error, context);
      } else {
        const { code, issues } = result.error;
        context.logger.warn({ code, issues }, 'Invalid delivery: moved to dead letters');
      }
      throw new NonRetryableError(result.error.message, { cause: result.error });
    }
    const { event } = result;
    if (!event.known) {
      if (options.onUnknown) await options.onUnknown(event, context);
      else context.logger.info({}, `No handler for unknown event type "${event.type}": completed`);
      return;
    }
    // Indexing by the event's own type pairs handler and event; TypeScript cannot follow that link.
    const handler = options.handlers[event.type] as EventHandler<EventType> | undefined;
    if (handler === undefined) {
      context.logger.debug({}, `No handler for ${event.type}: completed`);
      return;
    }
    try {
      await handler(event, context);
    } catch (error) {
      await options.onError?.(error, event, context);
      throw error;
    }
  };
}
