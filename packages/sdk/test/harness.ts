import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, createGzip, gzipSync } from 'node:zlib';
import { getRequestListener } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import {
  type Delivery,
  type EventQueue,
  type Logger,
  MemoryQueue,
  type MemoryQueueOptions,
  NonRetryableError,
  parseEvent,
  type ReceiverOptions,
} from 'acadle-webhooks';
import express from 'express';
import { Hono } from 'hono';
import { createExpressMiddleware } from '../src/adapters/express/index.js';
import { createNodeHandler } from '../src/adapters/node/index.js';
import { createFetchHandler } from '../src/adapters/web/index.js';

export const TOKEN = 'tok_0123456789abcdefABCDEF';
export const OTHER_TOKEN = 'tok_rotated_ZYXWVUTSRQPONM';
export const PATH = '/webhooks/acadle';

/** A logger that keeps every call, to check what would have been written. */
export function recordingLogger(): Logger & { lines: { level: string; fields: object; message?: string }[] } {
  const lines: { level: string; fields: object; message?: string }[] = [];
  const record = (level: string) => (fields: object, message?: string) => {
    lines.push({ level, fields, message });
  };
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

/** The processor the example server runs, reduced to its contract: parse, dead-letter what cannot pass. */
export function recordingProcessor() {
  const processed: Delivery[] = [];
  return {
    processed,
    async processor(delivery: Delivery) {
      const result = parseEvent(delivery.body);
      if (!result.ok) throw new NonRetryableError(result.error.message, { cause: result.error });
      processed.push(delivery);
    },
  };
}

export type Adapter = 'express' | 'node' | 'web';

export type AppOptions = Partial<ReceiverOptions> & {
  queueOptions?: Partial<MemoryQueueOptions>;
  /** Express middleware mounted before the adapter (Express only). */
  before?: express.RequestHandler[];
};

/**
 * A request listener with the adapter under test receiving at PATH: Express (the default), bare
 * `node:http`, or the Web `Request` adapter inside a Hono app on @hono/node-server.
 */
export function createApp(options: AppOptions & { adapter?: Adapter } = {}): {
  app: RequestListener;
  queue: EventQueue;
  memoryQueue: MemoryQueue;
  logger: ReturnType<typeof recordingLogger>;
} {
  const { adapter = 'express', before = [], queueOptions, ...receiverOptions } = options;
  const logger = recordingLogger();
  // A processor that does nothing unless the test gives one: these tests are about receiving.
  const memoryQueue = new MemoryQueue({ backoffMs: 10, processor: () => {}, ...queueOptions });
  const queue = receiverOptions.queue ?? memoryQueue;
  const settings = { auth: { tokens: [TOKEN, OTHER_TOKEN] }, logger, ...receiverOptions, queue };
  if (adapter !== 'express' && before.length > 0) throw new Error('`before` middleware needs the Express adapter');
  if (adapter === 'node') {
    return { app: createNodeHandler({ ...settings, path: PATH }), queue, memoryQueue, logger };
  }
  if (adapter === 'web') {
    const handler = createFetchHandler({ ...settings, path: PATH });
    const hono = new Hono();
    hono.all(`${PATH}/*`, (c) => handler(c.req.raw, { remoteAddress: getConnInfo(c).remote.address }));
    hono.all(PATH, (c) => handler(c.req.raw, { remoteAddress: getConnInfo(c).remote.address }));
    return { app: getRequestListener(hono.fetch), queue, memoryQueue, logger };
  }
  const app = express();
  for (const middleware of before) app.use(middleware);
  app.use(createExpressMiddleware({ ...settings, path: PATH }));
  return { app, queue, memoryQueue, logger };
}

/** A queue whose store is down: every enqueue rejects. */
export const unreachableQueue: EventQueue = {
  enqueue: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
  close: async () => {},
};

/** A queue whose store never answers. */
export const hangingQueue: EventQueue = {
  enqueue: () => new Promise(() => {}),
  close: async () => {},
};

/**
 * A gzip body that inflates to `inflatedBytes` (a JSON envelope whose string runs on in spaces),
 * compressed as it is made, never held inflated. gzip inflates at most about 1032:1, so 100 MB
 * take about 100 KB; `layers: 2` gzips that again (`Content-Encoding: gzip, gzip`), to under 1 KB.
 */
export async function gzipBomb(inflatedBytes: number, layers: 1 | 2 = 1): Promise<Buffer> {
  const gzip = createGzip({ level: constants.Z_BEST_COMPRESSION });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => gzip.once('end', resolve));
  const head = '{"id":"bomb","type":"user_registered","data":"';
  gzip.write(head);
  const block = Buffer.alloc(1024 * 1024, 0x20);
  for (let written = head.length; written < inflatedBytes; written += block.length) {
    const piece = block.subarray(0, Math.min(block.length, inflatedBytes - written));
    if (!gzip.write(piece)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end('"}');
  await ended;
  const once = Buffer.concat(chunks);
  return layers === 1 ? once : gzipSync(once, { level: constants.Z_BEST_COMPRESSION });
}

/**
 * POSTs `body` to `app` on loopback with plain `node:http`, resolving on the answer's headers and
 * body; an answer that closes the connection while the body is still being sent is still read.
 */
export async function postRaw(
  app: RequestListener,
  path: string,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const client = http.request({ port, host: '127.0.0.1', method: 'POST', path, headers });
      let answered = false;
      client.on('response', (response) => {
        answered = true;
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.on('error', reject);
      });
      client.on('error', (error) => {
        if (!answered) reject(error);
      });
      client.end(body);
    });
  } finally {
    server.close();
    server.closeAllConnections();
  }
}
