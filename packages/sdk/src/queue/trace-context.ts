import { tracing } from '../shared/open-telemetry.js';

/** The W3C trace context of the request that stored a delivery (`traceparent`, `tracestate`). */
export type TraceContext = Record<string, string>;

/**
 * The active trace context, to store with a delivery; `undefined` when tracing is not in use or
 * there is no active span, so that nothing is stored then.
 */
export function captureTraceContext(): TraceContext | undefined {
  const current = tracing();
  if (current === undefined) return undefined;
  const carrier: TraceContext = {};
  current.api.propagation.inject(current.api.context.active(), carrier);
  return 'traceparent' in carrier ? carrier : undefined;
}

/** Runs `run` with `traceContext` as the active context, so that its spans join the trace that stored the delivery. */
export function continueTrace<T>(traceContext: TraceContext | undefined, run: () => T): T {
  const current = tracing();
  if (current === undefined || traceContext === undefined) return run();
  const { context, propagation } = current.api;
  return context.with(propagation.extract(context.active(), traceContext), run);
}
