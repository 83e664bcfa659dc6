import { z } from 'zod';

// OpenTelemetry's standard variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
// checked here so that a typo is one line at start; the OpenTelemetry SDK then reads them itself.

const protocol = z.enum(['http/json', 'http/protobuf'], {
  error: 'http/json or http/protobuf (this server does not export over grpc)',
});
const endpoint = z.url({ protocol: /^https?$/ });

/** The `OTEL_*` variables the server understands, for config.ts's schema. */
export const TRACING_ENVIRONMENT = {
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).optional(),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none'], { error: 'otlp or none' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('acadle-webhooks'),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
};

type TracingEnvironment = z.infer<z.ZodObject<typeof TRACING_ENVIRONMENT>>;

/** How the server exports traces, when it does. */
export interface TracingConfig {
  /** The OTLP encoding over HTTP; the specification's default is `http/protobuf`. */
  protocol: 'http/json' | 'http/protobuf';
  /** The `service.name` of every span. */
  serviceName: string;
}

/** Tracing is on when an OTLP endpoint is set, and neither `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none`. */
export function tracingConfig(values: TracingEnvironment): TracingConfig | undefined {
  const endpointSet = values.OTEL_EXPORTER_OTLP_ENDPOINT ?? values.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (endpointSet === undefined || values.OTEL_SDK_DISABLED === 'true' || values.OTEL_TRACES_EXPORTER === 'none') {
    return undefined;
  }
  return {
    protocol: values.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? values.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    serviceName: values.OTEL_SERVICE_NAME,
  };
}
