import type { Attributes, Span } from '@opentelemetry/api';
import { tracing } from './open-telemetry.js';

/** The kinds of span the SDK makes. */
export type TracedKind = 'SERVER' | 'PRODUCER' | 'CONSUMER';

/**
 * Runs `run` in a new span, active while it runs, when tracing is in use; otherwise just runs it,
 * with `undefined` for the span. A rejection is recorded on the span and passed on.
 */
export function traced<T>(
  name: string,
  kind: TracedKind,
  attributes: Attributes,
  run: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  const current = tracing();
  if (current === undefined) return run(undefined);
  const options = { kind: current.api.SpanKind[kind], attributes };
  // Asked for at each span rather than kept: a tracer keeps the provider registered when it was made.
  const tracer = current.api.trace.getTracer('acadle-webhooks');
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await run(span);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks `span` as failed with `error` (an exception event and an error status). */
export function recordError(span: Span, error: unknown, message?: string): void {
  const current = tracing();
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: current?.api.SpanStatusCode.ERROR ?? 2,
    message: message ?? (error instanceof Error ? error.message : String(error)),
  });
}
