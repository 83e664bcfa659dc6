// An app that loads both builds: the processor and queue from the CommonJS build (`require`), the
// error from the ES module build (`import`). The error must still be recognized: dead-lettered at the
// first attempt, not retried. Prints one JSON line; exits 1 otherwise.
import { createRequire } from 'node:module';
import { NonRetryableError } from 'acadle-webhooks';
import { fixtures } from 'acadle-webhooks/testing';

const require = createRequire(import.meta.url);
const cjs = require('acadle-webhooks');
if (cjs.NonRetryableError === NonRetryableError) throw new Error('one build only: the check proves nothing');
let runs = 0;
const queue = new cjs.MemoryQueue({
  attempts: 3,
  backoffMs: 1,
  logger: cjs.silentLogger,
  processor: cjs.createProcessor({
    logger: cjs.silentLogger,
    handlers: {
      user_registered: () => {
        runs += 1;
        throw new NonRetryableError('no retry can fix this');
      },
    },
  }),
});
await queue.enqueue({
  id: 'mixed-1',
  type: 'user_registered',
  body: fixtures.user_registered,
  receivedAt: new Date().toISOString(),
  request: { remoteAddress: undefined, userAgent: undefined, contentType: undefined },
});
await queue.idle();
const [deadLetter] = (await queue.listDeadLetters()).deliveries;
if (runs !== 1 || deadLetter?.attempts.length !== 1)
  throw new Error(`handler ran ${runs} times, dead letter after ${deadLetter?.attempts.length}`);
console.log(JSON.stringify({ runs, deadLetterAttempts: deadLetter.attempts.length }));
