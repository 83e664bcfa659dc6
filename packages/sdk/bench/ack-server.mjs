// One server under test, in its own process, for the acknowledgement benchmarks.
// Usage: node bench/ack-server.mjs <kind> <port> <token> <connection JSON>
//   node-http    bare node:http answering 200 after reading the body
//   express      bare Express 5 route reading the body and answering 200
//   hand-written express.json() + a zod schema + BullMQ queue.add (Redis, or PostgreSQL when the
//                connection says so), as most users would write it; PIPELINE_WORKER=1 adds a raw no-op Worker
//   sdk-memory   this SDK's Express adapter with MemoryQueue
//   sdk-redis    this SDK's Express adapter with BullMQQueue on Redis
//   sdk-postgres this SDK's Express adapter with BullMQQueue on PostgreSQL
//   sdk-node-memory, sdk-node-redis, sdk-node-postgres: the same with this SDK's node:http adapter
// TRACING=api-only|blind|unsampled|always-on sets up OpenTelemetry first (the tracing benchmark).
// With PIPELINE_WORKER=1 (the Redis and PostgreSQL kinds) it also runs a worker with a no-op handler and
// reports the number of processed deliveries over IPC.
import http from 'node:http';
import { createPostgresBackend, Queue, Worker } from 'bullmq';
import express from 'express';
import { z } from 'zod';
import { createExpressMiddleware } from '../dist/adapters/express/index.mjs';
import { createNodeHandler } from '../dist/adapters/node/index.mjs';
import { createProcessor, EVENT_TYPES, MemoryQueue } from '../dist/index.mjs';
import { BullMQQueue, createBullMQWorker } from '../dist/queue/bullmq/index.mjs';

const [kind, port, token, connectionJson] = process.argv.slice(2);
// The tracing benchmark's servers: TRACING=api-only|blind|unsampled|always-on (tracing-setup.mjs).
const tracing = process.env.TRACING ? await import('./tracing-setup.mjs') : undefined;
tracing?.setUpTracing(process.env.TRACING);
const connection = connectionJson ? JSON.parse(connectionJson) : {};
const queueName = `bench-${kind}-${process.pid}`;
let processed = 0;
/** The no-op handler of the pipeline benchmark: counts, does nothing else. */
const countProcessed = async () => {
  processed += 1;
};

function readBody(request, done) {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => done(Buffer.concat(chunks)));
}

/** The SDK's queue for this kind, with a no-op worker when PIPELINE_WORKER=1 (pipeline benchmark). */
function sdkQueue() {
  if (kind.endsWith('memory')) return new MemoryQueue({ processor: () => {} });
  const queue = new BullMQQueue({ ...connection, queueName });
  if (process.env.PIPELINE_WORKER === '1') {
    const handlers = Object.fromEntries(EVENT_TYPES.map((type) => [type, countProcessed]));
    createBullMQWorker(createProcessor({ handlers }), { ...connection, queueName, concurrency: 20 });
  }
  return queue;
}

let server;
if (kind === 'node-http') {
  server = http.createServer((request, response) => readBody(request, () => response.writeHead(200).end('ok')));
} else if (kind.startsWith('sdk-node-')) {
  server = http.createServer(
    createNodeHandler({ queue: sdkQueue(), auth: { tokens: [token] }, enqueueTimeoutMs: 10_000 }),
  );
} else {
  const app = express();
  if (kind === 'express') {
    app.post('/webhooks/acadle/:token', (request, response) =>
      readBody(request, () => response.status(200).send('ok')),
    );
  } else if (kind === 'hand-written') {
    const redisUrl = connection.redis && new URL(connection.redis);
    const redis = redisUrl && { host: redisUrl.hostname, port: Number(redisUrl.port) };
    const queue = redis
      ? new Queue(queueName, { connection: redis })
      : new Queue(queueName, { connection: connection.postgres }, createPostgresBackend);
    if (process.env.PIPELINE_WORKER === '1') {
      if (redis)
        new Worker(queueName, countProcessed, {
          connection: { ...redis, maxRetriesPerRequest: null },
          concurrency: 20,
        });
      else
        new Worker(
          queueName,
          countProcessed,
          { connection: connection.postgres, concurrency: 20 },
          createPostgresBackend,
        );
    }
    const schema = z.looseObject({
      id: z.union([z.string(), z.number()]),
      type: z.string(),
      data: z.record(z.string(), z.unknown()),
    });
    app.post('/webhooks/acadle/:token', express.json({ limit: '1mb' }), async (request, response) => {
      if (request.params.token !== token) return response.sendStatus(401);
      const parsed = schema.safeParse(request.body);
      if (!parsed.success) return response.status(400).json({ error: 'invalid' });
      await queue.add(parsed.data.type, parsed.data);
      response.json({ received: true });
    });
  } else {
    app.use(createExpressMiddleware({ queue: sdkQueue(), auth: { tokens: [token] }, enqueueTimeoutMs: 10_000 }));
  }
  server = http.createServer(app);
}

process.on('message', (message) => {
  if (message === 'stats')
    process.send({ rss: process.memoryUsage().rss, processed, spans: tracing?.exportedSpans() ?? 0 });
});
// Exits normally on SIGINT, so that `node --cpu-prof` writes its profile.
process.on('SIGINT', () => process.exit(0));
server.listen(Number(port), '127.0.0.1', () => process.send({ ready: true }));
