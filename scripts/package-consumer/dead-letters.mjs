// The dead-letters command of the installed package against a real Redis (REDIS_URL): a delivery whose
// handler cannot succeed becomes a dead letter; `dead-letters list` shows it, `dead-letters replay`
// puts it back, and a fixed handler processes it. Prints one JSON line; exits 1 on any failure.
import { execFileSync } from 'node:child_process';
import { createProcessor, NonRetryableError, silentLogger } from 'acadle-webhooks';
import { BullMQQueue, createBullMQWorker } from 'acadle-webhooks/bullmq';
import { createEvent } from 'acadle-webhooks/testing';

const redis = process.env.REDIS_URL;
const queueName = `dead-letters-${process.pid}`;
const cli = (...args) =>
  execFileSync('npx', ['--no', 'acadle-webhooks', 'dead-letters', ...args, '--redis', redis, '--queue', queueName], {
    encoding: 'utf8',
  });
const waitFor = async (what, check) => {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const queue = new BullMQQueue({ redis, queueName, logger: silentLogger });
let fixed = false;
const handled = [];
const worker = createBullMQWorker(
  createProcessor({
    logger: silentLogger,
    handlers: {
      user_registered: (event) => {
        if (!fixed) throw new NonRetryableError('CRM rejects this member');
        handled.push(event.id);
      },
    },
  }),
  { redis, queueName, logger: silentLogger },
);
const body = JSON.stringify(createEvent('user_registered'));
const { id } = JSON.parse(body);
await queue.enqueue({ id, type: 'user_registered', body, receivedAt: new Date().toISOString(), request: {} });
await waitFor('a dead letter', async () => (await queue.listDeadLetters()).deliveries.length === 1);

const listed = JSON.parse(cli('list', '--json')).deliveries;
if (listed.length !== 1 || listed[0].id !== id) throw new Error(`list printed ${JSON.stringify(listed)}`);
fixed = true;
const replayed = cli('replay');
if (!replayed.includes('Replayed 1 dead letter.')) throw new Error(`replay printed ${replayed}`);
await waitFor('the replayed delivery handled', () => handled.length === 1);
const after = cli('list');
await worker.close();
await queue.close();
console.log(JSON.stringify({ listed: listed.map((entry) => entry.id), replayed: 1, handled, after: after.trim() }));
