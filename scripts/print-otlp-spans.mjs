// A stand-in for an OpenTelemetry collector, for trying traces out (docs/observability.md): takes
// OTLP/HTTP JSON exports on port 4318 (OTEL_EXPORTER_OTLP_PROTOCOL=http/json) and prints one line per span.
// Usage: node scripts/print-otlp-spans.mjs [port]
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 4318);
const readValue = (value) => value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
const KINDS = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    if (request.headers['content-type'] !== 'application/json') {
      console.log(`skipped a ${request.headers['content-type']} export: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json`);
    } else {
      for (const { scopeSpans } of JSON.parse(Buffer.concat(chunks).toString('utf8')).resourceSpans ?? []) {
        for (const { spans } of scopeSpans) {
          for (const span of spans) {
            const attributes = (span.attributes ?? []).map(({ key, value }) => `${key}=${readValue(value)}`);
            const ms = (Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6).toFixed(1);
            console.log(`trace ${span.traceId} ${span.name} (${KINDS[span.kind]}, ${ms} ms) ${attributes.join(' ')}`);
          }
        }
      }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(port, () => console.log(`OTLP/HTTP JSON stand-in listening on http://localhost:${port}`));
