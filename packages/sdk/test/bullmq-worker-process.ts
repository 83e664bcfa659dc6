// A worker in its own process, so that a test can SIGKILL it mid-job. Usage:
// tsx test/bullmq-worker-process.ts <redis|postgres> <connection JSON> <queue name> <handler ms>
import { createProcessor, type Delivery } from 'acadle-webhooks';
import { createBullMQWorker } from '../src/queue/bullmq/index.js';

const [backend, connectionJson, queueName, handlerMs] = process.argv.slice(2);
const connection = JSON.parse(connectionJson ?? '{}');
const processor = createProcessor({
  handlers: {
    user_registered: async (event, context) => {
      process.send?.({ started: event.id, delivery: (context.delivery as Delivery).id });
      await new Promise((resolve) => setTimeout(resolve, Number(handlerMs)));
      process.send?.({ finished: event.id });
    },
  },
});
const options = { queueName, lockDurationMs: 1000, stalledIntervalMs: 500 };
createBullMQWorker(
  processor,
  backend === 'redis' ? { ...options, redis: connection } : { ...options, postgres: connection },
);
process.send?.({ ready: true });
