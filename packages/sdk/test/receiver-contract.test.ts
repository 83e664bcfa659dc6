import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { type EventQueue, MemoryQueue, NonRetryableError, parseEvent, type Receiver } from 'acadle-webhooks';
import { createEvent, fixtures } from 'acadle-webhooks/testing';
import express from 'express';
import request from 'supertest';
import { createExpressMiddleware } from '../src/adapters/express/index.js';
import { createNodeHandler } from '../src/adapters/node/index.js';
import { createFetchHandler } from '../src/adapters/web/index.js';
import { webDecompress } from '../src/receiver/web-decompress.js';
import {
  type AppOptions,
  createApp as createAdapterApp,
  gzipBomb,
  hangingQueue,
  OTHER_TOKEN,
  PATH,
  postRaw,
  recordingProcessor,
  TOKEN,
  unreachableQueue,
} from './harness.js';

const url = `${PATH}/${TOKEN}`;

// The web adapter decodes with the runtime's DecompressionStream, which has brotli on some runtimes only
// (not on Node.js 20); the Node.js adapters decode with node:zlib, which always has it.
const webHasBrotli = webDecompress('br') !== undefined;

describe.each(['express', 'node', 'web'] as const)('the status contract of the %s adapter', (adapter) => {
  const createApp = (options: AppOptions = {}) => createAdapterApp({ adapter, ...options });

  it('answers 200 with the id once the delivery is stored, keeping the body exactly as received', async () => {
    const { app, memoryQueue } = createApp();
    const body = `  ${fixtures.user_course_completed}\n`;
    await request(app)
      .post(url)
      .set('content-type', 'application/json')
      .set('user-agent', 'Acadle-Webhooks/1.0')
      .send(body)
      .expect(200, { received: true, id: 'bDJOU0M0MQ==', duplicate: false })
      .expect('content-type', /application\/json/);
    // The repeat is not stored again: one delivery in all reaches the (no-op) processor.
    await request(app)
      .post(url)
      .type('json')
      .send(body)
      .expect(200, { received: true, id: 'bDJOU0M0MQ==', duplicate: true });
    await memoryQueue.idle();
    expect(memoryQueue.processed).toBe(1);
  });

  it('hands the processor the delivery with its metadata and never the token', async () => {
    const { processed, processor } = recordingProcessor();
    const { app, memoryQueue } = createApp({ queueOptions: { processor } });
    const body = fixtures.user_registered;
    await request(app)
      .post(`${PATH}?token=${TOKEN}`)
      .set('content-type', 'application/json')
      .set('user-agent', 'Acadle')
      .send(body)
      .expect(200);
    await memoryQueue.idle();
    expect(processed).toHaveLength(1);
    const [delivery] = processed;
    expect(delivery).toEqual({
      id: 'a3MwZHNVWDNSczZuVXVTMTQy',
      type: 'user_registered',
      academy: 'default',
      body,
      receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      request: {
        remoteAddress: expect.stringMatching(/127\.0\.0\.1|::1/),
        userAgent: 'Acadle',
        contentType: 'application/json',
      },
    });
    expect(JSON.stringify(delivery)).not.toContain(TOKEN);
  });

  it('answers a repeated id 200 with duplicate: true and stores it once', async () => {
    const { processed, processor } = recordingProcessor();
    const { app, memoryQueue } = createApp({ queueOptions: { processor } });
    const body = JSON.stringify(createEvent('user_badge_updated'));
    const first = await request(app).post(url).type('json').send(body).expect(200);
    const again = await request(app).post(url).type('json').send(body).expect(200);
    expect(first.body.duplicate).toBe(false);
    expect(again.body).toEqual({ received: true, id: first.body.id, duplicate: true });
    await memoryQueue.idle();
    expect(processed).toHaveLength(1);
  });

  it('stores 50 concurrent identical deliveries once, reporting one of them as new', async () => {
    const { processed, processor } = recordingProcessor();
    const { app, memoryQueue } = createApp({ queueOptions: { processor } });
    const body = JSON.stringify(createEvent('user_registered'));
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`http://127.0.0.1:${port}${url}`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
          }).then((r) => r.json() as Promise<{ duplicate: boolean }>),
        ),
      );
      expect(answers.filter((answer) => answer.duplicate === false)).toHaveLength(1);
      expect(answers.filter((answer) => answer.duplicate === true)).toHaveLength(49);
    } finally {
      server.close();
    }
    await memoryQueue.idle();
    expect(processed).toHaveLength(1);
  });

  it('stores an unknown event type and answers 200', async () => {
    const { processed, processor } = recordingProcessor();
    const { app, memoryQueue } = createApp({ queueOptions: { processor } });
    const body = '{"id":"q-1","version":"2031-01-01","type":"user_quiz_passed","data":{"score":9}}';
    await request(app).post(url).type('json').send(body).expect(200, { received: true, id: 'q-1', duplicate: false });
    await memoryQueue.idle();
    expect(processed.map((delivery) => delivery.type)).toEqual(['user_quiz_passed']);
  });

  it('stores data that fails its schema (200), dead-letters it with the reason, and heals on replay', async () => {
    // Stands for a release that learns to read the bad field: before it, the processor refuses.
    let fixReleased = false;
    const processed: string[] = [];
    const { app, memoryQueue } = createApp({
      queueOptions: {
        processor: async (delivery) => {
          const result = parseEvent(delivery.body);
          if (!result.ok && !fixReleased) throw new NonRetryableError(result.error.message, { cause: result.error });
          processed.push(delivery.id);
        },
      },
    });
    const body = JSON.stringify(
      createEvent('user_registered', { id: 'bad-1', data: { user: { created_at: 'yesterday' } } }),
    );
    await request(app).post(url).type('json').send(body).expect(200, { received: true, id: 'bad-1', duplicate: false });
    await memoryQueue.idle();
    expect(processed).toEqual([]);
    expect((await memoryQueue.listDeadLetters()).deliveries).toEqual([
      expect.objectContaining({
        id: 'bad-1',
        status: 'dead',
        attempts: [expect.objectContaining({ attempt: 1, error: expect.stringContaining('data.user.created_at') })],
      }),
    ]);
    expect((await memoryQueue.getDelivery('bad-1'))?.body).toBe(body);
    fixReleased = true;
    expect(await memoryQueue.replayDeliveries({ filter: { status: 'dead' } })).toEqual({ matched: 1, replayed: 1 });
    await memoryQueue.idle();
    expect(processed).toEqual(['bad-1']);
    expect((await memoryQueue.listDeadLetters()).deliveries).toEqual([]);
  });

  it.each([
    ['no token', PATH],
    ['a wrong token', `${PATH}/tok_0123456789abcdefABCDEX`],
    ['a token prefix', `${PATH}/${TOKEN.slice(0, -1)}`],
    ['a wrong query token', `${PATH}?token=nope`],
    ['an empty query token', `${PATH}?token=`],
  ])('answers 401 without detail for %s', async (_, path) => {
    const { app, memoryQueue } = createApp({ queueOptions: { processor: async () => {} } });
    const response = await request(app).post(path).type('json').send(fixtures.user_registered).expect(401);
    expect(response.body).toEqual({
      error: 'unauthorized',
      message:
        'Missing or wrong token: the endpoint URL must end with /<token> (or carry ?token=<token>) with a token this endpoint accepts',
    });
    expect(memoryQueue.pending + memoryQueue.processed).toBe(0);
  });

  it('accepts every configured token, for rotation', async () => {
    const { app } = createApp();
    await request(app)
      .post(`${PATH}/${OTHER_TOKEN}`)
      .type('json')
      .send(JSON.stringify(createEvent('user_registered')))
      .expect(200);
    await request(app)
      .post(`${PATH}/${TOKEN}`)
      .type('json')
      .send(JSON.stringify(createEvent('user_registered')))
      .expect(200);
  });

  it('accepts the endpoint URL pasted with a trailing slash after the token, and never logs that token', async () => {
    const { app, logger } = createApp({ queueOptions: { processor: () => {} } });
    await request(app)
      .post(`${PATH}/${TOKEN}/`)
      .type('json')
      .send(JSON.stringify(createEvent('user_registered')))
      .expect(200);
    const refused = await request(app)
      .post(`${PATH}/${TOKEN}x/`)
      .type('json')
      .send(JSON.stringify(createEvent('user_registered')))
      .expect(401);
    // The answer says what shape the URL must have, and names no token.
    expect(refused.body.message).toMatch(/must end with \/<token>/);
    expect(JSON.stringify(refused.body)).not.toContain(TOKEN);
    expect(JSON.stringify(refused.body)).not.toContain(OTHER_TOKEN);
    expect(JSON.stringify(logger.lines)).not.toContain(TOKEN);
  });

  it('answers 413 to a declared body over the limit without reading it', async () => {
    const { app } = createApp({ maxBodyBytes: 1024 });
    const body = JSON.stringify(createEvent('user_registered', { data: { padding: 'x'.repeat(2000) } }));
    const response = await request(app).post(url).type('json').send(body);
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ error: 'payload_too_large', message: 'Body is larger than 1024 bytes' });
  });

  it('answers 413 to an endless chunked body, reading no further than the limit', async () => {
    const { app } = createApp({ maxBodyBytes: 64 * 1024 });
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    let written = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const client = http.request({
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: url,
        headers: { 'content-type': 'application/json' },
      });
      client.on('response', (response) => {
        resolve(response.statusCode ?? 0);
        client.destroy();
      });
      client.on('error', reject);
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const deadline = Date.now() + 5000;
      const pump = () => {
        // Bounded: stops at 64 MiB or 5 s even if the server never answered.
        while (written < 64 * 1024 * 1024 && Date.now() < deadline && !client.destroyed) {
          written += chunk.length;
          if (!client.write(chunk)) return client.once('drain', pump);
        }
      };
      client.write('{"id":"x","type":"user_registered","data":"');
      pump();
    });
    server.close();
    server.closeAllConnections();
    expect(status).toBe(413);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  describe('compressed bodies', () => {
    const identity = (bytes: Uint8Array) => bytes;
    it.each([
      ['gzip', gzipSync],
      ['x-gzip', gzipSync],
      ['GZIP', gzipSync],
      ['deflate', deflateSync],
      ['deflate', deflateRawSync],
      ['br', brotliCompressSync],
      ['identity', identity],
      ['gzip, gzip', (bytes: Uint8Array) => gzipSync(gzipSync(bytes))],
    ])(
      'stores a body sent as Content-Encoding: %s (%p) decoded, exactly as sent before encoding',
      async (encoding, encode) => {
        const { processed, processor } = recordingProcessor();
        const { app, memoryQueue } = createApp({ queueOptions: { processor } });
        const body = `${JSON.stringify(createEvent('user_registered', { id: `encoded-${encoding}-${encode.name}` }))}\n`;
        const response = await postRaw(app, url, encode(Buffer.from(body)), {
          'content-type': 'application/json',
          'content-encoding': encoding,
        });
        if (encoding === 'br' && adapter === 'web' && !webHasBrotli) {
          expect(response.status).toBe(415);
          expect(JSON.parse(response.body)).toEqual({
            error: 'unsupported_encoding',
            message: 'Content-Encoding "br" is not supported on this runtime: send gzip, deflate or identity',
          });
          return;
        }
        expect(response.status).toBe(200);
        await memoryQueue.idle();
        expect(processed.map((delivery) => delivery.body)).toEqual([body]);
      },
    );

    it.each([
      ['gzip', 1],
      ['gzip, gzip', 2],
    ] as const)(
      'answers 413 to a %s body that inflates to 100 MB, quickly, without inflating the rest',
      async (encoding, layers) => {
        const bomb = await gzipBomb(100 * 1024 * 1024, layers);
        const { app, memoryQueue } = createApp();
        const before = process.memoryUsage();
        const started = performance.now();
        const response = await postRaw(app, url, bomb, {
          'content-type': 'application/json',
          'content-encoding': encoding,
        });
        const elapsedMs = performance.now() - started;
        const after = process.memoryUsage();
        expect(response.status).toBe(413);
        expect(JSON.parse(response.body)).toEqual({
          error: 'payload_too_large',
          message: 'Body is larger than 1048576 bytes',
        });
        // Bounds, not a benchmark (2 shared cores): inflating all 100 MB would take seconds and hold 100 MB.
        expect(elapsedMs).toBeLessThan(3000);
        expect(after.heapUsed - before.heapUsed).toBeLessThan(50 * 1024 * 1024);
        expect(after.rss - before.rss).toBeLessThan(50 * 1024 * 1024);
        expect(memoryQueue.pending + memoryQueue.processed).toBe(0);
        if (process.env.ACADLE_REPORT_FIGURES) {
          const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
          console.log(
            `${adapter} ${encoding}: ${bomb.length} B bomb refused in ${elapsedMs.toFixed(0)} ms, heap +${megabytes(after.heapUsed - before.heapUsed)} MB, rss +${megabytes(after.rss - before.rss)} MB`,
          );
        }
      },
    );

    it.each(['compress', 'zstd', 'gzip, compress', 'constructor'])(
      'answers 415 unsupported_encoding to Content-Encoding: %s, storing nothing',
      async (encoding) => {
        const { app, memoryQueue } = createApp();
        const response = await request(app)
          .post(url)
          .set('content-type', 'application/json')
          .set('content-encoding', encoding)
          .send(fixtures.user_registered)
          .expect(415);
        expect(response.body).toEqual({
          error: 'unsupported_encoding',
          message: expect.stringMatching(
            /^Content-Encoding ".+" is not supported: send gzip, deflate, br or identity$/,
          ),
        });
        expect(memoryQueue.pending + memoryQueue.processed).toBe(0);
      },
    );

    it.each([
      ['not gzip at all', Buffer.from(fixtures.user_registered)],
      ['cut short', gzipSync(fixtures.user_registered).subarray(0, 30)],
      ['corrupted in the middle', Buffer.from(gzipSync(fixtures.user_registered)).fill(0x55, 12, 40)],
    ])('answers 400 invalid_encoding to a gzip body that is %s, saying so', async (_, bytes) => {
      const { app, memoryQueue } = createApp();
      const response = await postRaw(app, url, bytes, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toEqual({
        error: 'invalid_encoding',
        message: expect.stringMatching(/^Body is not valid gzip \(.+\)$/),
      });
      expect(memoryQueue.pending + memoryQueue.processed).toBe(0);
    });

    it('answers 413 to a compressed body over the limit on the wire, whatever it inflates to', async () => {
      const { app } = createApp({ maxBodyBytes: 1024 });
      const random = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 251));
      const response = await postRaw(app, url, gzipSync(random), { 'content-encoding': 'gzip' });
      expect(response.status).toBe(413);
    });
  });

  it.each([
    ['not JSON', 'id=1&type=user_registered', 'invalid_json'],
    ['typographic quotes', fixtures.user_registered.replace('"john Doe"', '“john Doe"'), 'invalid_json'],
    ['empty', '', 'invalid_json'],
    ['an array', '[1,2]', 'invalid_envelope'],
    ['a string', '"hello"', 'invalid_envelope'],
    ['no id', '{"type":"user_registered","data":{}}', 'invalid_envelope'],
    ['an object id', '{"id":{"a":1},"type":"user_registered"}', 'invalid_envelope'],
    ['no type', '{"id":"a1","data":{}}', 'invalid_envelope'],
    ['a numeric type', '{"id":"a1","type":3}', 'invalid_envelope'],
  ])('answers 400 to a body that is %s', async (_, body, error) => {
    const { app } = createApp();
    const response = await request(app).post(url).set('content-type', 'application/json').send(body).expect(400);
    expect(response.body).toEqual({ error, message: expect.any(String) });
  });

  it('accepts a numeric event id and answers with it as a string', async () => {
    const { app } = createApp();
    await request(app)
      .post(url)
      .type('json')
      .send('{"id":42,"type":"user_registered","data":{}}')
      .expect(200, { received: true, id: '42', duplicate: false });
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405 and Allow: POST', async (method) => {
    const { app } = createApp();
    const response = await request(app)[method.toLowerCase() as 'get'](url).expect(405);
    expect(response.headers.allow).toBe('POST');
  });

  it('answers 503 with Retry-After when the queue is unreachable', async () => {
    const { app, logger } = createApp({ queue: unreachableQueue });
    const response = await request(app).post(url).type('json').send(fixtures.user_registered).expect(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.body).toEqual({ error: 'queue_unavailable', message: 'The queue could not store the delivery' });
    expect(logger.lines.some((line) => line.level === 'warn')).toBe(true);
  });

  it('answers 503 within the enqueue timeout when the queue hangs', async () => {
    const { app, logger } = createApp({ queue: hangingQueue, enqueueTimeoutMs: 200 });
    const started = Date.now();
    const response = await request(app)
      .post(url)
      .type('json')
      .send(fixtures.user_registered)
      .expect(503)
      .expect('retry-after', '30');
    expect(response.body).toEqual({
      error: 'enqueue_timeout',
      message: 'The queue did not store the delivery within 200 ms',
    });
    expect(logger.lines.find((line) => line.level === 'warn')?.fields).toMatchObject({ code: 'enqueue_timeout' });
    // A bound, not a benchmark: the answer must not wait for the queue.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/octet-stream',
    'application/json; charset=utf-8',
    undefined,
  ])('accepts a JSON body sent as %s', async (contentType) => {
    const { app } = createApp();
    const test = request(app).post(url);
    if (contentType) test.set('content-type', contentType);
    await test.send(JSON.stringify(createEvent('user_registered'))).expect(200);
  });

  describe('authentication options', () => {
    const basic = { username: 'acadle', password: 'correct horse battery staple' };

    it('requires Basic credentials when configured', async () => {
      const { app } = createApp({ auth: { tokens: [TOKEN], basic } });
      const body = JSON.stringify(createEvent('user_registered'));
      const refused = await request(app).post(url).type('json').send(body).expect(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Basic/);
      await request(app).post(url).auth('acadle', 'wrong').type('json').send(body).expect(401);
      await request(app).post(url).auth(basic.username, basic.password).type('json').send(body).expect(200);
    });

    it('answers 403 to addresses outside the allow-list', async () => {
      const { app } = createApp({ allowedIps: ['203.0.113.0/24'] });
      await request(app)
        .post(url)
        .type('json')
        .send(fixtures.user_registered)
        .expect(403, { error: 'forbidden', message: 'This address may not deliver webhooks' });
    });

    it('believes X-Forwarded-For only from trusted proxies', async () => {
      const body = () => JSON.stringify(createEvent('user_registered'));
      const trusting = createApp({
        allowedIps: ['203.0.113.7'],
        trustedProxies: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
      });
      await request(trusting.app)
        .post(url)
        .set('x-forwarded-for', '198.51.100.1, 203.0.113.7')
        .type('json')
        .send(body())
        .expect(200);
      await request(trusting.app)
        .post(url)
        .set('x-forwarded-for', '203.0.113.7, 198.51.100.1')
        .type('json')
        .send(body())
        .expect(403);
      const distrusting = createApp({ allowedIps: ['203.0.113.7'] });
      await request(distrusting.app)
        .post(url)
        .set('x-forwarded-for', '203.0.113.7')
        .type('json')
        .send(body())
        .expect(403);
    });

    it("accepts anyone with auth: 'none', after one warning at creation", async () => {
      const { app, logger } = createApp({ auth: 'none' });
      const warnings = () => logger.lines.filter((line) => line.level === 'warn');
      expect(warnings()).toHaveLength(1);
      await request(app)
        .post(PATH)
        .type('json')
        .send(JSON.stringify(createEvent('user_registered')))
        .expect(200);
      await request(app)
        .post(`${PATH}/whatever`)
        .type('json')
        .send(JSON.stringify(createEvent('user_registered')))
        .expect(200);
      expect(warnings()).toHaveLength(1);
    });

    it('refuses weak or missing tokens at creation', () => {
      expect(() => createApp({ auth: { tokens: [] } })).toThrow(/at least one token/);
      expect(() => createApp({ auth: { tokens: ['short'] } })).toThrow(/16 to 256 URL-safe/);
      expect(() => createApp({ allowedIps: ['not-an-ip'] })).toThrow(/allowedIps/);
    });

    it('never writes the token to the logs', async () => {
      const { app, logger } = createApp({ queue: unreachableQueue });
      await request(app).post(url).type('json').send(fixtures.user_registered).expect(503);
      await request(app).post(`${PATH}/${TOKEN}x`).type('json').send(fixtures.user_registered).expect(401);
      await request(app).post(`${PATH}?token=${TOKEN}x`).type('json').send(fixtures.user_registered).expect(401);
      expect(logger.lines.length).toBeGreaterThan(0);
      expect(
        JSON.stringify(logger.lines, (_, value) => (value instanceof Error ? value.message : value)),
      ).not.toContain(TOKEN);
    });
  });
});

describe('the Express adapter behind body parsers', () => {
  it('works after express.json() parsed the body', async () => {
    const { processed, processor } = recordingProcessor();
    const { app, memoryQueue } = createAdapterApp({ before: [express.json()], queueOptions: { processor } });
    await request(app)
      .post(url)
      .type('json')
      .send(fixtures.user_certificate_issued)
      .expect(200, { received: true, id: 'bnljZmc0MQ==', duplicate: false });
    await memoryQueue.idle();
    expect(JSON.parse(processed[0]?.body ?? '')).toEqual(JSON.parse(fixtures.user_certificate_issued));
  });

  it('still reads a text body express.json() left alone', async () => {
    const { app } = createAdapterApp({ before: [express.json()] });
    await request(app)
      .post(url)
      .set('content-type', 'text/plain')
      .send(JSON.stringify(createEvent('user_registered')))
      .expect(200);
  });

  it('works after express.raw() and express.text()', async () => {
    for (const parser of [express.raw({ type: '*/*' }), express.text({ type: '*/*' })]) {
      const { app } = createAdapterApp({ before: [parser] });
      await request(app)
        .post(url)
        .type('json')
        .send(JSON.stringify(createEvent('user_registered')))
        .expect(200);
    }
  });

  it('takes a gzip body that express.json() or express.raw() inflated, without decoding it again', async () => {
    for (const parser of [express.json(), express.raw({ type: '*/*' })]) {
      const { processed, processor } = recordingProcessor();
      const { app, memoryQueue } = createAdapterApp({ before: [parser], queueOptions: { processor } });
      const response = await postRaw(app, url, gzipSync(fixtures.user_registered), {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expect(response.status).toBe(200);
      await memoryQueue.idle();
      expect(JSON.parse(processed[0]?.body ?? '')).toEqual(JSON.parse(fixtures.user_registered));
    }
  });

  it('keeps the status of express.json() errors (400 for invalid JSON, never 5xx)', async () => {
    const { app } = createAdapterApp({ before: [express.json()] });
    await request(app).post(url).type('json').send('{oops').expect(400);
  });
});

describe('the Express adapter', () => {
  const body = () => JSON.stringify(createEvent('user_registered'));

  it('receives at its path wherever it is mounted, and passes every other request on', async () => {
    const stored: string[] = [];
    const queue: EventQueue = {
      enqueue: async (delivery) => {
        stored.push(delivery.id);
        return { duplicate: false };
      },
      close: async () => {},
    };
    const app = express()
      .use(createExpressMiddleware({ queue, auth: { tokens: [TOKEN] }, path: '/hooks/acadle' }))
      .use('/mounted', createExpressMiddleware({ queue, auth: { tokens: [TOKEN] } }))
      .get('/healthz', (_, response) => void response.json({ status: 'ok' }));
    await request(app).post(`/hooks/acadle/${TOKEN}`).type('json').send(body()).expect(200);
    await request(app).post(`/hooks/acadle?token=${TOKEN}`).type('json').send(body()).expect(200);
    // Under a mount point, `path` is still matched against the full URL.
    await request(app).post(`/mounted/webhooks/acadle/${TOKEN}`).type('json').send(body()).expect(404);
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    await request(app).post(`/hooks/acadlefoo/${TOKEN}`).type('json').send(body()).expect(404);
    expect(stored).toHaveLength(2);
  });
});

describe('the node:http adapter', () => {
  const body = () => JSON.stringify(createEvent('user_registered'));

  it('answers 404 outside its path, including paths that only start like it', async () => {
    const { app, memoryQueue } = createAdapterApp({ adapter: 'node' });
    for (const path of ['/', '/webhooks', `/webhooks/acadlefoo/${TOKEN}`, `/other/${TOKEN}`]) {
      await request(app)
        .post(path)
        .type('json')
        .send(body())
        .expect(404, { error: 'not_found', message: 'No Acadle webhook endpoint at this path' });
    }
    expect(memoryQueue.pending + memoryQueue.processed).toBe(0);
  });

  it('takes the token from the path or the query, with or without a trailing slash', async () => {
    const { app } = createAdapterApp({ adapter: 'node' });
    for (const path of [`${PATH}/${TOKEN}`, `${PATH}?token=${TOKEN}`, `${PATH}/?token=${TOKEN}`]) {
      await request(app).post(path).type('json').send(body()).expect(200);
    }
  });

  it('passes what is not under its path to next, so it can sit in front of other routes', async () => {
    const { processed, processor } = recordingProcessor();
    const memoryQueue = new MemoryQueue({ processor });
    const handler = createNodeHandler({ queue: memoryQueue, auth: { tokens: [TOKEN] }, path: `${PATH}/` });
    const handled: boolean[] = [];
    const server = http.createServer((incoming, outgoing) => {
      void handler(incoming, outgoing, () => outgoing.writeHead(418).end('next')).then((done) => handled.push(done));
    });
    await request(server).post('/healthz').expect(418, 'next');
    await request(server).post(`${PATH}/${TOKEN}`).type('json').send(body()).expect(200);
    expect(handled).toEqual([false, true]);
    await memoryQueue.idle();
    expect(processed).toHaveLength(1);
  });
});

describe('the Web Request adapter', () => {
  const post = (path: string, body = JSON.stringify(createEvent('user_registered'))) =>
    new Request(`http://localhost${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('answers a plain Request, without a framework, with the receiver contract', async () => {
    const { processed, processor } = recordingProcessor();
    const queue = new MemoryQueue({ processor });
    const handler = createFetchHandler({ queue, auth: { tokens: [TOKEN] } });
    const stored = await handler(post(`${PATH}/${TOKEN}`, fixtures.user_registered), { remoteAddress: '203.0.113.9' });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({ received: true, id: 'a3MwZHNVWDNSczZuVXVTMTQy', duplicate: false });
    expect((await handler(post(`${PATH}/wrong-token-0123456789`))).status).toBe(401);
    await queue.idle();
    expect(processed.map((delivery) => delivery.request.remoteAddress)).toEqual(['203.0.113.9']);
  });

  it('answers 404 outside its path', async () => {
    const handler = createFetchHandler({ queue: new MemoryQueue({ processor: () => {} }), auth: { tokens: [TOKEN] } });
    for (const path of ['/', `/webhooks/acadlefoo/${TOKEN}`, `/other?token=${TOKEN}`]) {
      const response = await handler(post(path));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not_found', message: 'No Acadle webhook endpoint at this path' });
    }
  });
});

describe.each([
  ['rejects', () => Promise.reject(new Error('broken'))],
  [
    'throws',
    () => {
      throw new Error('broken');
    },
  ],
])('a custom receiver that %s', (_, handle) => {
  const receiver: Receiver = { handle };
  const body = JSON.stringify(createEvent('user_registered'));
  const expectUnavailable = (status: number, json: unknown, retryAfter: string | null | undefined) => {
    expect(status).toBe(503);
    expect(json).toEqual({ error: 'internal_error', message: 'The receiver failed unexpectedly' });
    expect(retryAfter).toBe('30');
  };

  it('is answered 503 (never 500) by the Express adapter', async () => {
    const app = express().use(createExpressMiddleware({ receiver }));
    const response = await request(app).post(`${PATH}/${TOKEN}`).type('json').send(body);
    expectUnavailable(response.status, response.body, response.headers['retry-after']);
  });

  it('is answered 503 (never 500) by the node:http adapter', async () => {
    const response = await request(http.createServer(createNodeHandler({ receiver })))
      .post(`${PATH}/${TOKEN}`)
      .type('json')
      .send(body);
    expectUnavailable(response.status, response.body, response.headers['retry-after']);
  });

  it('is answered 503 (never 500) by the Web Request adapter', async () => {
    const response = await createFetchHandler({ receiver })(
      new Request(`http://localhost${PATH}/${TOKEN}`, { method: 'POST', body }),
    );
    expectUnavailable(response.status, await response.json(), response.headers.get('retry-after'));
  });
});
