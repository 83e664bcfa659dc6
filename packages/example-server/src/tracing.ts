// Loaded only when config.ts found an OTLP endpoint (server.ts), so that a server without tracing does
// not load the OpenTelemetry SDK at all.
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Config } from './config.js';
import type { TracingConfig } from './tracing-config.js';

/** Tracing that runs: `shutdown` exports the spans still buffered. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Registers an OpenTelemetry tracer provider exporting over OTLP/HTTP: the SDK's spans (`acadle.receive`,
 * `acadle.enqueue`, `acadle.process`) then go to the collector. The exporter and the sampler read the
 * rest of the standard `OTEL_*` variables (endpoint, headers, `OTEL_TRACES_SAMPLER`, batching) themselves.
 */
export function startTracing(tracing: TracingConfig, role: Config['role']): Tracing {
  const exporter = tracing.protocol === 'http/json' ? new JsonExporter() : new ProtobufExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': tracing.serviceName, 'acadle.role': role }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
