// The tracing of one server of the tracing benchmark (TRACING=api-only|blind|unsampled|always-on), set up
// before it serves: an OpenTelemetry SDK as an application registers it, with an exporter that only counts.
import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
} from '@opentelemetry/sdk-trace-base';

let exported = 0;
/** Spans exported so far: 0 unless always on, which proves the spans were recorded. */
export const exportedSpans = () => exported;

/**
 * `api-only`: @opentelemetry/api installed, no SDK registered. `unsampled`, `always-on`: an SDK with that
 * sampler. `blind`: always on, with the context in use (as any instrumentation uses it at its first span),
 * while acadle-webhooks cannot load the API (without-open-telemetry.cjs): what OpenTelemetry costs alone.
 */
export function setUpTracing(mode) {
  if (mode === 'api-only') return;
  const exporter = {
    export(spans, done) {
      exported += spans.length;
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  const root = mode === 'unsampled' ? new AlwaysOffSampler() : new AlwaysOnSampler();
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(
    new BasicTracerProvider({
      sampler: new ParentBasedSampler({ root }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    }),
  );
  // Node.js's AsyncLocalStorage starts tracking every promise at its first `run`, for good.
  if (mode === 'blind') api.context.with(api.context.active(), () => {});
}
