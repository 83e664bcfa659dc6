import type { Attributes, Span } from '@opentelemetry/api';
import type { Delivery, ProcessContext } from '../queue/event-queue.js';
import { academyOf } from '../shared/academy.js';
import { recordError } from '../shared/traced.js';
import type { ProcessOutcome } from './process-outcome.js';

/** The attributes an `acadle.process` span starts with. */
export function processAttributes(delivery: Delivery, context: ProcessContext): Attributes {
  return {
    'acadle.event.id': delivery.id,
    'acadle.event.type': delivery.type,
    'acadle.academy': academyOf(delivery),
    'acadle.attempt': context.attempt,
  };
}

/** Puts how an attempt ended on its `acadle.process` span; a failed or invalid one is an error, with what was thrown. */
export function recordProcessOutcome(span: Span, outcome: ProcessOutcome): void {
  span.setAttribute('acadle.outcome', outcome.result);
  if (outcome.result === 'failed' || outcome.result === 'invalid') recordError(span, outcome.error);
}
