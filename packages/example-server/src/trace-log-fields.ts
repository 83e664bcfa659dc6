import { trace } from '@opentelemetry/api';

/**
 * The `traceId` and `spanId` of the active span, for pino's `mixin`: a log line written while a
 * delivery is received or processed then points to its trace. Empty outside a span, or when unsampled.
 */
export function traceLogFields(): { traceId?: string; spanId?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || (spanContext.traceFlags & 1) === 0) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
