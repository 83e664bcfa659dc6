import type * as OpenTelemetry from '@opentelemetry/api';

/**
 * The `@opentelemetry/api` module (`import * as api from '@opentelemetry/api'`), typed loosely so that
 * this package's types do not need it installed.
 */
export interface OpenTelemetryApi {
  /** `trace`: the tracer provider the spans come from. */
  trace: object;
  /** `context`: the active span, while the receiver and the processor run. */
  context: object;
  /** `propagation`: the W3C trace context stored with each delivery. */
  propagation: object;
}

/** The API in use: what `traced` and the trace context helpers read. */
export interface Tracing {
  api: typeof OpenTelemetry;
}

// On `globalThis`, like OpenTelemetry's own registry: the ES module and CommonJS builds, and the entries
// that bundle this file, must all see the one API the application uses.
const REGISTRY = Symbol.for('acadle-webhooks.open-telemetry');
type Registry = { [REGISTRY]?: Tracing };

/** The tracing in use, or `undefined` (no spans, no trace context: the SDK's cost is this read). */
export function tracing(): Tracing | undefined {
  return (globalThis as Registry)[REGISTRY];
}

/**
 * Makes the SDK trace with this `@opentelemetry/api`: spans `acadle.receive`, `acadle.enqueue` and
 * `acadle.process`, and the trace context stored with each delivery. The Node.js entries
 * (`acadle-webhooks/express`, `/node`, `/bullmq`) load `@opentelemetry/api` themselves when it is
 * installed; call this on other runtimes, or when you use only the core. Spans are recorded only once
 * an OpenTelemetry SDK is registered.
 *
 * @example
 * ```ts
 * import * as api from '@opentelemetry/api';
 * import { useOpenTelemetry } from 'acadle-webhooks';
 *
 * useOpenTelemetry(api);
 * ```
 */
export function useOpenTelemetry(api: OpenTelemetryApi): void {
  const module = api as typeof OpenTelemetry;
  if (typeof module?.trace?.getTracer !== 'function' || typeof module.propagation?.inject !== 'function') {
    throw new TypeError(
      "useOpenTelemetry: give the @opentelemetry/api module (import * as api from '@opentelemetry/api')",
    );
  }
  (globalThis as Registry)[REGISTRY] = { api: module };
}
