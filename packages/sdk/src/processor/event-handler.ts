import type { KnownEvent } from '../events/acadle-event.js';
import type { EventType } from '../events/event-types.js';
import type { Delivery, ProcessContext } from '../queue/event-queue.js';
import type { Logger } from '../shared/logger.js';

/** What a handler knows besides the event. */
export interface HandlerContext extends ProcessContext {
  /** The academy that delivered the event (`default` for a single-academy receiver). */
  academy: string;
  /** The stored delivery: received time, remote address, user agent, raw body. */
  delivery: Delivery;
  /** A logger bound to this event's id, type and academy. */
  logger: Logger;
}

/** A handler for one event type; it receives the event narrowed to that type. Throwing retries it. */
export type EventHandler<T extends EventType> = (event: KnownEvent<T>, context: HandlerContext) => Promise<void> | void;

/** Handlers keyed by event type; a type without a handler (nor `onEvent`) is completed and logged. */
export type EventHandlers = { [T in EventType]?: EventHandler<T> };
