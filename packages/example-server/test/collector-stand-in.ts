// A stand-in for an OpenTelemetry collector: an HTTP server that takes OTLP/HTTP exports and keeps the spans.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as OTLP/JSON carries it, with its attributes read into an object and its service. */
export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP's numbering: 2 server, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
  events: { name: string }[];
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
type OtlpAttributes = { key: string; value: OtlpValue }[] | undefined;

const read = (value: OtlpValue) =>
  value.intValue !== undefined ? Number(value.intValue) : (value.stringValue ?? value.boolValue ?? value.doubleValue);
const attributesOf = (attributes: OtlpAttributes) =>
  Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, read(value)]));

/** Starts the stand-in on a free port; `spans` has every span of every JSON export, `contentTypes` each export's. */
export async function startCollector() {
  const spans: CollectedSpan[] = [];
  const contentTypes: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request
      .on('data', (chunk: Buffer) => chunks.push(chunk))
      .on('end', () => {
        contentTypes.push(`${request.method} ${request.url} ${request.headers['content-type']}`);
        if (request.headers['content-type'] === 'application/json') {
          const { resourceSpans } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          for (const { resource, scopeSpans } of resourceSpans) {
            const service = String(attributesOf(resource.attributes)['service.name']);
            for (const { spans: exported } of scopeSpans) {
              for (const span of exported) {
                spans.push({
                  service,
                  traceId: span.traceId,
                  spanId: span.spanId,
                  parentSpanId: span.parentSpanId || undefined,
                  name: span.name,
                  kind: span.kind,
                  attributes: attributesOf(span.attributes),
                  status: span.status ?? {},
                  events: span.events ?? [],
                });
              }
            }
          }
        }
        response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/json' }).end('{}');
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
