import {
  AcadleParseError,
  createProcessor,
  type DeliveryProcessor,
  type EventHandlers,
  isEventType,
  NonRetryableError,
} from 'acadle-webhooks';
import type { Logger } from 'pino';
import type { Metrics, ProcessedOutcome } from './metrics.js';

/**
 * The processor the worker runs: the SDK's `createProcessor` with your handlers, plus exactly one
 * log line per processed event ("event processed") or per failed attempt ("event failed"), and metrics.
 */
export function createWorkerProcessor(handlers: EventHandlers, logger: Logger, metrics: Metrics): DeliveryProcessor {
  // The lines below are the only ones per event: the processor's own default lines are silenced.
  const processDelivery = createProcessor({ handlers, logger, onUnknown: () => {}, onInvalid: () => {} });
  return async (delivery, context) => {
    const started = performance.now();
    const fields = { eventId: delivery.id, type: delivery.type, attempt: context.attempt };
    try {
      await processDelivery(delivery, context);
      const outcome: ProcessedOutcome = isEventType(delivery.type) ? 'ok' : 'unknown';
      metrics.observeProcessed(delivery.type, outcome);
      logger.info({ ...fields, outcome, durationMs: Math.round(performance.now() - started) }, 'event processed');
    } catch (error) {
      const invalid = error instanceof NonRetryableError && error.cause instanceof AcadleParseError;
      metrics.observeProcessed(delivery.type, invalid ? 'invalid' : 'failed');
      logger.warn({ ...fields, err: error, durationMs: Math.round(performance.now() - started) }, 'event failed');
      throw error;
    }
  };
}
