import { createProcessor, type DeliveryProcessor, type EventHandlers } from 'acadle-webhooks';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

/**
 * What runs for each stored delivery, in the worker: the SDK's `createProcessor` with your handlers, reporting each
 * attempt in exactly one log line ("event processed", or "event failed" for an attempt that will be
 * retried or dead-lettered) and in the metrics.
 */
export function createServerProcessor(handlers: EventHandlers, logger: Logger, metrics: Metrics): DeliveryProcessor {
  return createProcessor({
    handlers,
    logger,
    onOutcome({ result, eventId, eventType, academy, attempt, durationMs, error }) {
      metrics.observeProcessed(eventType, result, academy);
      const fields = {
        eventId,
        type: eventType,
        academy,
        attempt,
        outcome: result,
        durationMs: Math.round(durationMs),
      };
      if (result === 'failed' || result === 'invalid') logger.warn({ ...fields, err: error }, 'event failed');
      else logger.info(fields, 'event processed');
    },
  });
}
