import type { KnownEvent, UnknownEvent } from '../events/acadle-event.js';
import type { AcadleParseError } from '../events/acadle-parse-error.js';
import type { EventType } from '../events/event-types.js';
import { parseEvent } from '../events/parse-event.js';
import type { Delivery, ProcessContext } from '../queue/event-queue.js';
import { NonRetryableError } from '../queue/non-retryable-error.js';
import { academyOf } from '../shared/academy.js';
import { childLogger, consoleLogger, type Logger } from '../shared/logger.js';
import { traced } from '../shared/traced.js';
import type { EventHandler, EventHandlers, HandlerContext } from './event-handler.js';
import { logOutcome } from './log-outcome.js';
import type { ProcessOutcome, ProcessResult } from './process-outcome.js';
import { processAttributes, recordProcessOutcome } from './record-process-outcome.js';

/** How to process stored deliveries. */
export interface ProcessorOptions {
  /** What to run for each documented event type. */
  handlers: EventHandlers;
  /**
   * Runs for every documented event, after the handler of its type (if any), e.g. to copy each event to
   * an audit log. If that handler throws, `onEvent` does not run and the attempt is `failed`; if
   * `onEvent` throws, the attempt is `failed` too, and a retry runs both again.
   *
   * @example
   * ```ts
   * const processor = createProcessor({
   *   handlers: { user_registered: (event) => crm.addContact(event.data.user) },
   *   onEvent: (event) => audit.insert({ id: event.id, type: event.type, email: event.data.user.email }),
   * });
   * ```
   */
  onEvent?: (event: KnownEvent, context: HandlerContext) => Promise<void> | void;
  /** Runs for event types this SDK does not know; without it they are completed as `unknown`. */
  onUnknown?: (event: UnknownEvent, context: HandlerContext) => Promise<void> | void;
  /**
   * Called once per attempt with what happened, e.g. to count outcomes in metrics or to log them your
   * way; it replaces the default log lines. Must not throw (a throw is logged and ignored).
   * @defaultValue logs each outcome: `handled` and `no_handler` at debug, `unknown` at info,
   * `invalid` and `failed` at warn (with the issues or the error)
   */
  onOutcome?: (outcome: ProcessOutcome) => void;
  /** Where the processor logs, and the parent of each handler's `logger`; pino fits. @defaultValue {@link consoleLogger} (warnings and errors on stderr) */
  logger?: Logger;
}

/**
 * What `createProcessor` returns: the `DeliveryProcessor` queues call, which throws so that they retry
 * or dead-letter, plus `run`, which resolves with the outcome instead.
 */
export interface Processor {
  /**
   * Processes one attempt as queues need it: throws `NonRetryableError` (its `cause` the parse error)
   * for `invalid`, and what the handler threw for `failed`.
   */
  (delivery: Delivery, context: ProcessContext): Promise<void>;
  /**
   * Processes one attempt and resolves with its outcome, which carries the error for `invalid` and
   * `failed`; never rejects for a handler's error or an invalid payload. `onOutcome` still gets it.
   *
   * @param context - the attempt and its signal; by default attempt 1 and a signal that is never aborted
   * @example
   * ```ts
   * const { result, error } = await processor.run(delivery);
   * if (result === 'failed') console.error(error);
   * ```
   */
  run(delivery: Delivery, context?: ProcessContext): Promise<ProcessOutcome>;
}

/** The outcome of an attempt at `delivery` that began at `started` (`performance.now()`). */
export function outcomeOf(
  delivery: Delivery,
  attempt: number,
  started: number,
  result: ProcessResult,
  error?: unknown,
): ProcessOutcome {
  return {
    result,
    eventId: delivery.id,
    eventType: delivery.type,
    academy: academyOf(delivery),
    attempt,
    durationMs: performance.now() - started,
    ...(error === undefined ? {} : { error }),
  };
}

/**
 * Builds the function queues run for each stored delivery: parses the stored body with
 * `parseEvent` (so a schema fix plus a replay heals old deliveries) and calls the handler of its
 * type with the narrowed event, then `onEvent`. Invalid payloads throw `NonRetryableError` (dead
 * letter, no retries). Each attempt's outcome goes to `onOutcome` (by default, to the logger);
 * `processor.run(delivery)` resolves with it instead of throwing.
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
export function createProcessor(options: ProcessorOptions): Processor {
  const logger = options.logger ?? consoleLogger;
  const { handlers, onEvent, onUnknown } = options;
  const report = (outcome: ProcessOutcome): ProcessOutcome => {
    if (options.onOutcome === undefined) logOutcome(logger, outcome);
    else {
      try {
        options.onOutcome(outcome);
      } catch (error) {
        logger.error({ err: error }, 'onOutcome hook threw; the outcome is unchanged');
      }
    }
    return outcome;
  };

  const run = (
    delivery: Delivery,
    processContext: ProcessContext = { attempt: 1, signal: new AbortController().signal },
  ): Promise<ProcessOutcome> =>
    traced('acadle.process', 'CONSUMER', processAttributes(delivery, processContext), async (span) => {
      const outcome = await processAttempt(delivery, processContext);
      if (span !== undefined) recordProcessOutcome(span, outcome);
      return outcome;
    });

  const processAttempt = async (delivery: Delivery, processContext: ProcessContext): Promise<ProcessOutcome> => {
    const started = performance.now();
    const outcome = (result: ProcessResult, error?: unknown): ProcessOutcome =>
      report(outcomeOf(delivery, processContext.attempt, started, result, error));
    const parsed = parseEvent(delivery.body);
    if (!parsed.ok) return outcome('invalid', parsed.error);
    const { event } = parsed;
    let result: ProcessResult;
    try {
      const { attempt } = processContext;
      const academy = academyOf(delivery);
      const context: HandlerContext = {
        ...processContext,
        academy,
        delivery,
        logger: childLogger(logger, { eventId: delivery.id, eventType: delivery.type, academy, attempt }),
      };
      if (event.known) {
        // Indexing by the event's own type pairs handler and event; TypeScript cannot follow that link.
        const handler = handlers[event.type] as EventHandler<EventType> | undefined;
        if (handler !== undefined) await handler(event, context);
        if (onEvent !== undefined) await onEvent(event, context);
        result = handler === undefined && onEvent === undefined ? 'no_handler' : 'handled';
      } else {
        if (onUnknown !== undefined) await onUnknown(event, context);
        result = onUnknown === undefined ? 'unknown' : 'handled';
      }
    } catch (error) {
      return outcome('failed', error);
    }
    return outcome(result);
  };

  const processor = async (delivery: Delivery, context: ProcessContext): Promise<void> => {
    const { result, error } = await run(delivery, context);
    if (result === 'invalid') {
      const parseError = error as AcadleParseError;
      throw new NonRetryableError(parseError.message, { cause: parseError });
    }
    if (result === 'failed') throw error;
  };
  return Object.assign(processor, { run });
}
