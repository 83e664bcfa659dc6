import type { Delivery } from 'acadle-webhooks';
import type { RetentionOptions } from '../retention.js';
import { captureTraceContext, type TraceContext } from '../trace-context.js';

/**
 * A job's data: the delivery, and the trace context of the request that stored it, when tracing was
 * on. Jobs stored without one (tracing off, or stored by an older version) process all the same.
 */
export interface StoredDelivery extends Delivery {
  traceContext?: TraceContext;
  /** How long the job is kept once finished, when the worker removes it (PostgreSQL: see `ExpiredJobRemover`). */
  retention?: Required<RetentionOptions>;
}

/** The job data for `delivery`: the delivery itself, plus the active trace context if there is one. */
export function toStoredDelivery(delivery: Delivery, retention?: Required<RetentionOptions>): StoredDelivery {
  const traceContext = captureTraceContext();
  if (traceContext === undefined && retention === undefined) return delivery;
  return {
    ...delivery,
    ...(traceContext === undefined ? {} : { traceContext }),
    ...(retention === undefined ? {} : { retention }),
  };
}

/** A job's data split into the delivery handlers see and the trace context it was stored with. */
export function fromStoredDelivery(data: StoredDelivery): {
  delivery: Delivery;
  traceContext: TraceContext | undefined;
} {
  if (data.traceContext === undefined && data.retention === undefined)
    return { delivery: data, traceContext: undefined };
  const { traceContext, retention: _retention, ...delivery } = data;
  return { delivery, traceContext };
}
