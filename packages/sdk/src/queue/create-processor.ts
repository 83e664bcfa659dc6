import type { KnownEvent, UnknownEvent } from '../events/acadle-event.js';
import type { EventType } from '../events/event-types.js';
import { parseEvent } from '../events/parse-event.js';
import { childLogger, type Logger, silentLogger } from '../shared/logger.js';
import type { Delivery, DeliveryProcessor, ProcessContext } from './event-queue.js';
import { NonRetryableError } from './non-retryable-error.js';

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

/**
 * What became of one attempt at a delivery:
 * - `handled`: its handler (or `onUnknown`) ran and returned;
 * - `no_handler`: a documented type with no handler: completed;
 * - `unknown`: a type this SDK does not know, with no `onUnknown`: completed;
 * - `invalid`: the payload fails its schema: a dead letter at once (`NonRetryableError`), never retried;
 * - `failed`: the handler threw: the queue retries, or gives up after its attempts.
 */
export type ProcessResult = 'handled' | 'no_handler' | 'unknown' | 'invalid' | 'failed';

/** What happened to one attempt at a delivery, for metrics and logs. */
export interface ProcessOutcome {
  /** How the attempt ended. */
  result: ProcessResult;
  /** Acadle's event id. */
  eventId: string;
  /** The event type as sent. */
  eventType: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Time spent parsing and handling, in milliseconds. */
  durationMs: number;
  /** For `invalid`, the `AcadleParseError` (with its `issues`); for `failed`, what the handler threw. */
  error?: unknown;
}

/** How to process stored deliveries. */
export interface ProcessorOptions {
  /** What to run for each documented event type. */
  handlers: EventHandlers;
  /** Runs for event types this SDK does not know; without it they are completed as `unknown`. */
  onUnknown?: (event: UnknownEvent, context: HandlerContext) => Promise<void> | void;
  /**
   * Called once per attempt with what happened, e.g. to count outcomes in metrics or to log them your
   * way; it replaces the default log lines. Must not throw (a throw is logged and ignored).
   * @defaultValue logs each outcome: `handled` and `no_handler` at debug, `unknown` at info,
   * `invalid` and `failed` at warn (with the issues or the error)
   */
  onOutcome?: (outcome: ProcessOutcome) => void;
  /** Where the processor logs, and the parent of each handler's `logger`; pino fits. @defaultValue {@link silentLogger} */
  logger?: Logger;
}

const MESSAGES: Record<ProcessResult, string> = {
  handled: 'Delivery handled',
  no_handler: 'No handler for this event type: completed',
  unknown: 'Unknown event type: completed',
  invalid: 'Invalid delivery: moved to dead letters',
  failed: 'Handler failed: the queue will retry or give up',
};

/** The default `onOutcome`: one line per attempt, at a level that says whether anyone should look. */
function logOutcome(logger: Logger, outcome: ProcessOutcome): void {
  const { result, error, ...fields } = outcome;
  const line = { ...fields, result };
  if (result === 'invalid') {
    const { code, issues } = error as { code?: unknown; issues?: unknown };
    logger.warn({ ...line, code, issues }, MESSAGES[result]);
  } else if (result === 'failed') {
    logger.warn({ ...line, err: error }, MESSAGES[result]);
  } else if (result === 'unknown') {
    logger.info(line, MESSAGES[result]);
  } else {
    logger.debug(line, MESSAGES[result]);
  }
}

/**
 * Builds the function queues run for each stored delivery: parses the stored body with
 * `parseEvent` (so a schema fix plus a replay heals old deliveries) and calls the handler of its
 * type with the narrowed event. Invalid payloads throw `NonRetryableError` (dead letter, no retries).
 * Each attempt's outcome goes to `onOutcome` (by default, to the logger).
 *
 * @example
 * ```ts
 * const processor = createProcessor({
 *   handlers: {
 *     user_course_completed: async (event, { logger }) => {
 *       logger.info({ completedAt: event.data.course.completed_at }, 'course completed');
 *     },
 *   },
 *   onOutcome: ({ result, eventType }) => metrics.inc({ result, eventType }),
 * });
 * const queue = new MemoryQueue({ processor });
 * ```
 */
export function createProcessor(options: ProcessorOptions): DeliveryProcessor {
  const logger = options.logger ?? silentLogger;
  const { handlers, onUnknown } = options;
  const report = (outcome: ProcessOutcome) => {
    if (options.onOutcome === undefined) return logOutcome(logger, outcome);
    try {
      options.onOutcome(outcome);
    } catch (error) {
      logger.error({ err: error }, 'onOutcome hook threw; the outcome is unchanged');
    }
  };

  return async (delivery, processContext) => {
    const started = performance.now();
    const outcome = (result: ProcessResult, error?: unknown): ProcessOutcome => ({
      result,
      eventId: delivery.id,
      eventType: delivery.type,
      attempt: processContext.attempt,
      durationMs: performance.now() - started,
      ...(error === undefined ? {} : { error }),
    });
    const context: HandlerContext = {
      ...processContext,
      delivery,
      logger: childLogger(logger, { eventId: delivery.id, eventType: delivery.type, attempt: processContext.attempt }),
    };
    const parsed = parseEvent(delivery.body);
    if (!parsed.ok) {
      report(outcome('invalid', parsed.error));
      throw new NonRetryableError(parsed.error.message, { cause: parsed.error });
    }
    const { event } = parsed;
    // Indexing by the event's own type pairs handler and event; TypeScript cannot follow that link.
    const handler = event.known ? (handlers[event.type] as EventHandler<EventType> | undefined) : undefined;
    try {
      if (event.known && handler !== undefined) await handler(event, context);
      else if (!event.known && onUnknown !== undefined) await onUnknown(event, context);
    } catch (error) {
      report(outcome('failed', error));
      throw error;
    }
    report(outcome(event.known ? (handler ? 'handled' : 'no_handler') : onUnknown ? 'handled' : 'unknown'));
  };
}
