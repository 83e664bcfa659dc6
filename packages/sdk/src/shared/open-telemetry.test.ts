import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createProcessor } from '../processor/create-processor.js';
import { MemoryQueue } from '../queue/memory-queue.js';
import { createReceiver } from '../receiver/create-receiver.js';
import { createEvent } from '../testing/create-event.js';
import { silentLogger } from './logger.js';
import { useOpenTelemetry } from './open-telemetry.js';

const TOKEN = 'tok_tracing_0123456789';
const exporter = new InMemorySpanExporter();

beforeAll(() => {
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  useOpenTelemetry(api);
});
afterEach(() => exporter.reset());

/** A MemoryQueue and a receiver in front of it, whose `user_registered` handler runs `handle`. */
function pipeline(handle: () => void = () => {}) {
  const processor = createProcessor({ handlers: { user_registered: handle }, logger: silentLogger });
  const queue = new MemoryQueue({ processor, backoffMs: 1, logger: silentLogger });
  const receiver = createReceiver({ queue, auth: { tokens: [TOKEN] }, logger: silentLogger });
  const post = (body: unknown, token = TOKEN) =>
    receiver.handle({ method: 'POST', url: `/${token}`, headers: {}, body: JSON.stringify(body) });
  return { queue, post };
}

const spansNamed = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name === name);

describe('tracing with OpenTelemetry', () => {
  it('joins receive, enqueue and process of a delivery in one trace', async () => {
    const { queue, post } = pipeline();
    const event = createEvent('user_registered');
    expect((await post(event)).status).toBe(200);
    await queue.idle();

    const [receive] = spansNamed('acadle.receive');
    const [enqueue] = spansNamed('acadle.enqueue');
    const [processing] = spansNamed('acadle.process');
    expect(receive?.kind).toBe(api.SpanKind.SERVER);
    expect(receive?.attributes).toEqual({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'acadle.result': 'stored',
      'acadle.event.id': event.id,
      'acadle.event.type': 'user_registered',
      'acadle.academy': 'default',
      'acadle.duplicate': false,
    });
    expect(enqueue?.kind).toBe(api.SpanKind.PRODUCER);
    expect(enqueue?.parentSpanContext?.spanId).toBe(receive?.spanContext().spanId);
    expect(processing?.kind).toBe(api.SpanKind.CONSUMER);
    expect(processing?.parentSpanContext?.spanId).toBe(enqueue?.spanContext().spanId);
    expect(processing?.attributes).toMatchObject({
      'acadle.attempt': 1,
      'acadle.outcome': 'handled',
      'acadle.academy': 'default',
    });
    expect(enqueue?.attributes).toMatchObject({ 'acadle.academy': 'default' });
    const traceIds = new Set([receive, enqueue, processing].map((span) => span?.spanContext().traceId));
    expect(traceIds.size).toBe(1);
  });

  it('makes each retry a span of the same trace, with the handler error recorded on the failed ones', async () => {
    let calls = 0;
    const { queue, post } = pipeline(() => {
      calls += 1;
      if (calls < 3) throw new Error(`CRM down (${calls})`);
    });
    await post(createEvent('user_registered'));
    await queue.idle();

    const attempts = spansNamed('acadle.process');
    expect(attempts.map((span) => [span.attributes['acadle.attempt'], span.attributes['acadle.outcome']])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'handled'],
    ]);
    expect(new Set(attempts.map((span) => span.spanContext().traceId)).size).toBe(1);
    expect(attempts[0]?.spanContext().traceId).toBe(spansNamed('acadle.receive')[0]?.spanContext().traceId);
    expect(attempts[0]?.status).toEqual({ code: api.SpanStatusCode.ERROR, message: 'CRM down (1)' });
    expect(attempts[0]?.events.map((event) => event.name)).toEqual(['exception']);
    expect(attempts[2]?.status.code).toBe(api.SpanStatusCode.UNSET);
  });

  it('marks a duplicate, and never puts the URL or the token on a span', async () => {
    const { queue, post } = pipeline();
    const event = createEvent('user_registered');
    await post(event);
    await post(event);
    expect((await post(event, 'tok_wrong_0123456789xx')).status).toBe(401);
    await queue.idle();

    const receives = spansNamed('acadle.receive');
    expect(receives.map((span) => span.attributes['acadle.result'])).toEqual(['stored', 'duplicate', 'unauthorized']);
    expect(receives[1]?.attributes['acadle.duplicate']).toBe(true);
    const everything = JSON.stringify(exporter.getFinishedSpans().map((span) => span.attributes));
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('tok_wrong');
    expect(everything).not.toContain('url');
  });

  it('records nothing when unsampled, and still processes', async () => {
    api.trace.disable();
    api.trace.setGlobalTracerProvider(
      new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const handled: string[] = [];
    const { queue, post } = pipeline(() => void handled.push('yes'));
    expect((await post(createEvent('user_registered'))).status).toBe(200);
    await queue.idle();
    expect(handled).toEqual(['yes']);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
