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
import express, { type Express } from 'express';
import { acadleWebhooks } from '../src/adapters/express/index.js';

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

/** An Express app with the adapter mounted at PATH, optionally behind other middleware. */
export function createApp(
  options: Partial<ReceiverOptions> & { queueOptions?: MemoryQueueOptions; before?: express.RequestHandler[] } = {},
): { app: Express; queue: EventQueue; memoryQueue: MemoryQueue; logger: ReturnType<typeof recordingLogger> } {
  const logger = recordingLogger();
  const memoryQueue = new MemoryQueue({ backoffMs: 10, ...options.queueOptions });
  const queue = options.queue ?? memoryQueue;
  const app = express();
  for (const middleware of options.before ?? []) app.use(middleware);
  app.use(PATH, acadleWebhooks({ auth: { tokens: [TOKEN, OTHER_TOKEN] }, logger, ...options, queue }));
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
