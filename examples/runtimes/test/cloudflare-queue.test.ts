import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, fixtures } from 'acadle-webhooks/testing';
import { Miniflare } from 'miniflare';
import { bundleWorker } from './bundle-worker';

const TOKEN = 'worker_token_0123456789abcdef';

// The serverless recipe (src/worker.ts) in workerd: a Cloudflare Queue (local, in miniflare) between
// the acknowledgement and the handlers, which forward each event to an HTTP sink run by this test.
describe('Cloudflare Workers recipe, with a Cloudflare Queue', () => {
  let mf: Miniflare;
  let endpoint: string;
  let sink: Server;
  const forwarded: string[] = [];
  let failNext = 0;

  beforeAll(async () => {
    sink = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        if (failNext > 0) {
          failNext -= 1;
          response.writeHead(502).end();
          return;
        }
        forwarded.push(JSON.parse(body).eventId);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    mf = new Miniflare({
      modules: true,
      script: readFileSync(await bundleWorker('worker.ts'), 'utf8'),
      compatibilityDate: '2026-08-01',
      host: '127.0.0.1',
      port: 0,
      bindings: {
        WEBHOOK_TOKEN: TOKEN,
        FORWARD_URL: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/actions`,
      },
      queueProducers: { DELIVERIES: 'acadle-deliveries' },
      queueConsumers: { 'acadle-deliveries': { maxBatchSize: 10, maxBatchTimeout: 0, maxRetries: 3, retryDelay: 0 } },
    });
    endpoint = `${(await mf.ready).origin}/webhooks/acadle/${TOKEN}`;
  });
  afterAll(async () => {
    await mf?.dispose();
    sink?.closeAllConnections();
    await new Promise((resolve) => sink?.close(resolve));
  });

  const post = (body: string) => fetch(endpoint, { method: 'POST', body });
  const waitFor = async (what: string, check: () => boolean) => {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('answers 200 once the queue has the delivery, and the consumer runs its handler', async () => {
    const response = await post(fixtures.user_course_completed);
    expect(await response.json()).toEqual({ received: true, id: 'bDJOU0M0MQ==', duplicate: false });
    await waitFor('the event forwarded', () => forwarded.includes('bDJOU0M0MQ=='));
  });

  it('answers 503 when the queue refuses the delivery (over its 128 KB message limit), so that Acadle retries', async () => {
    const large = JSON.stringify(createEvent('user_registered', { data: { notes: 'x'.repeat(200 * 1024) } }));
    const response = await post(large);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect((await response.json()).error).toBe('queue_unavailable');
  });

  it('retries a delivery whose handler failed, through the queue', async () => {
    failNext = 1;
    const body = JSON.stringify(createEvent('user_badge_updated'));
    expect((await post(body)).status).toBe(200);
    await waitFor('the event forwarded after a retry', () => forwarded.includes(JSON.parse(body).id));
    expect(failNext).toBe(0);
  });

  it('answers 401 to a wrong token, without queueing anything', async () => {
    const before = forwarded.length;
    const response = await fetch(`${endpoint}x`, { method: 'POST', body: fixtures.user_registered });
    expect(response.status).toBe(401);
    // A later delivery is forwarded, and the refused one never is.
    const body = JSON.stringify(createEvent('user_registered'));
    await post(body);
    await waitFor('the later event forwarded', () => forwarded.includes(JSON.parse(body).id));
    expect(forwarded.slice(before)).toEqual([JSON.parse(body).id]);
  });
});
