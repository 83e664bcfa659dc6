// OpenTelemetry traces of the reference server, exported over OTLP/HTTP to a collector stand-in.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent } from 'acadle-webhooks/testing';
import { waitFor } from 'acadle-webhooks-test-harness';
import { startCollector } from './collector-stand-in.js';
import { e2eResources, TOKEN } from './e2e.js';
import { post, processedIds } from './server-process.js';

const { cleanups, server, redis } = e2eResources();

/** A collector stand-in, closed after the test, and the variables that point the server at it. */
async function collector(protocol: 'http/json' | 'http/protobuf' = 'http/json') {
  const started = await startCollector();
  cleanups.push(started.close);
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: started.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_SERVICE_NAME: 'acadle-e2e',
    // Export within a tenth of a second rather than the default five.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  return { ...started, env };
}

/** An HTTP sink that answers 502 to its first `failures` requests, then 204. */
async function flakySink(failures: number) {
  let failuresLeft = failures;
  const sink = createServer((request, response) => {
    request.resume().on('end', () => response.writeHead(failuresLeft-- > 0 ? 502 : 204).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => sink.close(() => resolve())));
  return `http://127.0.0.1:${(sink.address() as AddressInfo).port}/actions`;
}

describe('tracing in the reference server', () => {
  it('ROLE=web and ROLE=worker apart on Redis: one trace joins receive, enqueue and each attempt (two failures, then success)', async () => {
    const otlp = await collector();
    const store = await redis();
    const web = await server({ ...otlp.env, REDIS_URL: store.url, WEBHOOK_TOKENS: TOKEN, ROLE: 'web' });
    const worker = await server({
      ...otlp.env,
      REDIS_URL: store.url,
      ROLE: 'worker',
      FORWARD_URL: await flakySink(2),
      WORKER_BACKOFF_MS: '50',
    });
    const event = createEvent('user_certificate_issued');
    expect((await post(web, `/webhooks/acadle/${TOKEN}`, JSON.stringify(event))).status).toBe(200);
    await waitFor('the event processed', () => processedIds(worker).length === 1, 30_000);
    await waitFor(
      'three process spans exported',
      () => otlp.spans.filter((s) => s.name === 'acadle.process').length === 3,
    );

    const receive = otlp.spans.find((span) => span.name === 'acadle.receive');
    expect(receive).toMatchObject({
      kind: 2,
      attributes: {
        'http.request.method': 'POST',
        'http.response.status_code': 200,
        'acadle.event.id': event.id,
        'acadle.event.type': 'user_certificate_issued',
        'acadle.result': 'stored',
        'acadle.duplicate': false,
      },
    });
    const trace = otlp.spans.filter((span) => span.traceId === receive?.traceId);
    const enqueue = trace.find((span) => span.name === 'acadle.enqueue');
    expect(enqueue).toMatchObject({ kind: 4, parentSpanId: receive?.spanId });
    const attempts = trace.filter((span) => span.name === 'acadle.process');
    expect(
      attempts.map((span) => [
        span.kind,
        span.parentSpanId,
        span.attributes['acadle.attempt'],
        span.attributes['acadle.outcome'],
      ]),
    ).toEqual([
      [5, enqueue?.spanId, 1, 'failed'],
      [5, enqueue?.spanId, 2, 'failed'],
      [5, enqueue?.spanId, 3, 'handled'],
    ]);
    expect(attempts[0]?.status).toMatchObject({ code: 2, message: expect.stringContaining('answered 502') });
    expect(attempts[0]?.events.map((e) => e.name)).toEqual(['exception']);
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['acadle-e2e']));
    // Neither the URL nor the token on any span.
    expect(JSON.stringify(otlp.spans)).not.toContain(TOKEN);

    // Log lines written inside a span carry its ids: the worker's for each attempt, the receiver's for a request.
    const attemptLines = worker.logs.filter((line) => line.msg === 'event processed' || line.msg === 'event failed');
    expect(attemptLines.map((line) => [line.traceId, line.spanId])).toEqual(
      attempts.map((span) => [receive?.traceId, span.spanId]),
    );
    // The web process's one line per answer is written inside the receive span.
    expect(web.logs.find((line) => line.msg === 'webhook answered' && line.eventId === event.id)).toMatchObject({
      traceId: receive?.traceId,
      spanId: receive?.spanId,
    });
    expect((await post(web, '/webhooks/acadle/wrong_token_0123456789', JSON.stringify(event))).status).toBe(401);
    const refused = await web.waitForLog('the refusal', (line) => String(line.msg).startsWith('Refused'));
    await waitFor('the refusal exported', () => otlp.spans.some((span) => span.traceId === refused.traceId));
    expect(otlp.spans.find((span) => span.traceId === refused.traceId)).toMatchObject({
      name: 'acadle.receive',
      spanId: refused.spanId,
      attributes: { 'acadle.result': 'unauthorized', 'http.response.status_code': 401 },
    });
  });

  it('exports over http/protobuf too, and logs no trace ids when tracing is off', async () => {
    const otlp = await collector('http/protobuf');
    const traced = await server({ ...otlp.env, QUEUE_BACKEND: 'memory', WEBHOOK_TOKENS: TOKEN });
    expect(
      (await post(traced, `/webhooks/acadle/${TOKEN}`, JSON.stringify(createEvent('user_registered')))).status,
    ).toBe(200);
    await waitFor('an export', () => otlp.contentTypes.length > 0);
    expect(otlp.contentTypes[0]).toBe('POST /v1/traces application/x-protobuf');

    const untraced = await server({ QUEUE_BACKEND: 'memory', WEBHOOK_TOKENS: TOKEN });
    await post(untraced, `/webhooks/acadle/${TOKEN}`, JSON.stringify(createEvent('user_registered')));
    await waitFor('the event processed', () => processedIds(untraced).length === 1);
    expect(untraced.logs.filter((line) => 'traceId' in line)).toEqual([]);
  });

  it.each([
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      /^Configuration error: OTEL_EXPORTER_OTLP_PROTOCOL: http\/json or http\/protobuf/,
    ],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }, /^Configuration error: OTEL_EXPORTER_OTLP_ENDPOINT: /],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, /^Configuration error: OTEL_TRACES_SAMPLER: /],
  ])('refuses to start with %j, in one line naming the variable', async (env, message) => {
    const target = await server({ QUEUE_BACKEND: 'memory', ...env }, { waitUntilReady: false });
    expect(await target.exited).toBe(1);
    expect(target.stderr().trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
