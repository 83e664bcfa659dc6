import type { Span } from '@opentelemetry/api';
import { recordError } from '../shared/traced.js';
import type { ReceiverOutcome } from './receiver-outcome.js';

/**
 * Puts what became of a request on its `acadle.receive` span. Never the URL or its query: the token
 * travels there. An answer of 500 or more is an error of the span; a refusal (4xx) is the client's.
 */
export function recordReceiveOutcome(span: Span, method: string, outcome: ReceiverOutcome): void {
  span.setAttributes({
    'http.request.method': method,
    'http.response.status_code': outcome.status,
    'acadle.result': outcome.result,
  });
  if (outcome.eventId !== undefined) span.setAttribute('acadle.event.id', outcome.eventId);
  if (outcome.eventType !== undefined) span.setAttribute('acadle.event.type', outcome.eventType);
  if (outcome.academy !== undefined) span.setAttribute('acadle.academy', outcome.academy);
  if (outcome.status === 200) span.setAttribute('acadle.duplicate', outcome.result === 'duplicate');
  if (outcome.status >= 500) recordError(span, new Error(outcome.result), outcome.result);
}
