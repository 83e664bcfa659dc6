import type { Delivery } from 'acadle-webhooks';
import { captureTraceContext, type TraceContext } from '../trace-context.js';

/**
 * A job's data: the delivery, and the trace context of the request that stored it, when tracing was
 * on. Jobs stored without one (tracing off, or stored by an older version) process all the same.
 */
export interface StoredDelivery extends Delivery {
  traceContext?: TraceContext;
}

/** The job data for `delivery`: the delivery itself, plus the active trace context if there is one. */
export function toStoredDelivery(delivery: Delivery): StoredDelivery {
  const traceContext = captureTraceContext();
  return traceContext === undefined ? delivery : { ...delivery, traceContext };
}

/** A job's data split into the delivery handlers see and the trace context it was stored with. */
export function fromStoredDelivery(data: StoredDelivery): {
  delivery: Delivery;
  traceContext: TraceContext | undefined;
} {
  if (data.traceContext === undefined) return { delivery: data, traceContext: undefined };
  const { traceContext, ...delivery } = data;
  return { delivery, traceContext };
}
