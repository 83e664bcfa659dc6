// A consumer on PostgreSQL only (bullmq and pg installed, no ioredis): stores a delivery through the
// receiver and processes it with a worker. Prints one JSON line; exits 1 on any failure.
import { createRequire } from 'node:module';
import { createProcessor, createReceiver } from 'acadle-webhooks';
import { BullMQQueue, createBullMQWorker } from 'acadle-webhooks/bullmq';
import { createEvent } from 'acadle-webhooks/testing';

const require = createRequire(import.meta.url);
let ioredisInstalled = true;
try {
  require.resolve('ioredis');
} catch {
  ioredisInstalled = false;
}
if (ioredisInstalled) throw new Error('ioredis is installed: this consumer must have none');

const connectionString = process.env.DATABASE_URL;
const queueName = `consumer-${process.pid}`;
const queue = new BullMQQueue({ postgres: { connectionString, migrate: true }, queueName });
const handled = [];
const worker = createBullMQWorker(
  createProcessor({ handlers: { user_course_completed: (event) => void handled.push(event.id) } }),
  { postgres: { connectionString, migrate: true }, queueName },
);
const receiver = createReceiver({ queue, auth: 'none', enqueueTimeoutMs: 10_000 });
const body = JSON.stringify(createEvent('user_course_completed'));
const answer = await receiver.handle({ method: 'POST', url: '/', headers: {}, body });
if (answer.status !== 200) throw new Error(`answered ${answer.status} ${answer.body}`);
const deadline = Date.now() + 30_000;
while (handled.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
await worker.close();
await queue.close();
if (handled.length !== 1) throw new Error(`processed ${handled.length} deliveries, expected 1`);
console.log(JSON.stringify({ stored: JSON.parse(answer.body), processed: handled }));
