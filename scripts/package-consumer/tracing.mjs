// Traces from the packed package (check-package.mjs). With `spans` as argument, an OpenTelemetry SDK is
// registered first and the Express adapter's delivery must give acadle.receive, acadle.enqueue and
// acadle.process in one trace; without, @opentelemetry/api is not installed and the delivery must
// simply be processed.
import { once } from 'node:events';
import { createProcessor, MemoryQueue, silentLogger } from 'acadle-webhooks';
import { createExpressMiddleware } from 'acadle-webhooks/express';
import { createEvent } from 'acadle-webhooks/testing';
import express from 'express';

const TOKEN = 'check-package-token-0123456789';
const traced = process.argv[2] === 'spans';
let exporter;
if (traced) {
  const api = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import(
    '@opentelemetry/sdk-trace-base'
  );
  exporter = new InMemorySpanExporter();
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
}

const handled = [];
const processor = createProcessor({
  handlers: { user_registered: (event) => void handled.push(event.id) },
  logger: silentLogger,
});
const queue = new MemoryQueue({ processor, logger: silentLogger });
const app = express().use(createExpressMiddleware({ queue, auth: { tokens: [TOKEN] }, logger: silentLogger }));
const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
try {
  const response = await fetch(`http://127.0.0.1:${server.address().port}/webhooks/acadle/${TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(createEvent('user_registered')),
  });
  await queue.idle();
  if (response.status !== 200 || handled.length !== 1)
    throw new Error(`answered ${response.status}, handled ${handled.length}`);
  if (!traced) {
    console.log('answered 200 and processed, without @opentelemetry/api');
  } else {
    const spans = exporter.getFinishedSpans();
    const names = spans.map((span) => span.name).sort();
    const traces = new Set(spans.map((span) => span.spanContext().traceId));
    if (names.join() !== 'acadle.enqueue,acadle.process,acadle.receive' || traces.size !== 1) {
      throw new Error(`spans ${names.join(', ')} in ${traces.size} traces`);
    }
    console.log(`answered 200 and processed; spans ${names.join(', ')} in one trace`);
  }
} finally {
  server.close();
}
