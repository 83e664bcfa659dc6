// A TypeScript consumer of the installed package, never run: check-package.mjs type-checks it as
// consumer.mts (ESM) and consumer.cts (CommonJS) under `node16` and `nodenext`, and as consumer.ts
// under `bundler`, after prepending a type import of every subpath in the package's `exports`.
// Each `@ts-expect-error` must stay an error: it proves that `data` is typed by `type`, not `any`.
import {
  type AcadleEvent,
  createProcessor,
  createReceiver,
  type EventHandlers,
  MemoryQueue,
  parseEvent,
  type UserCourseCompletedEvent,
} from 'acadle-webhooks';
import { BullMQQueue, type BullMQQueueOptions, createBullMQWorker } from 'acadle-webhooks/bullmq';
import { createExpressMiddleware } from 'acadle-webhooks/express';
import { createEvent, fixtures } from 'acadle-webhooks/testing';
import express from 'express';

export function completedAt(event: AcadleEvent): Date | undefined {
  // @ts-expect-error: `data` is `unknown` until the event is known
  event.data.course;
  if (!event.known) return undefined;
  // @ts-expect-error: a known event's `data` still depends on its `type`
  const beforeNarrowing: Date = event.data.course.completed_at;
  switch (event.type) {
    case 'user_course_completed': {
      const at: Date = event.data.course.completed_at;
      const userId: number = event.data.user.id;
      return userId >= 0 ? at : beforeNarrowing;
    }
    case 'user_registered':
      // @ts-expect-error: a registration has no course
      return event.data.course.completed_at;
    default:
      return undefined;
  }
}

export function describeCompletion(event: UserCourseCompletedEvent): string {
  return `${event.data.user.email} completed ${event.data.course.name} at ${event.data.course.completed_at.toISOString()}`;
}

export function parseFixture(): Date | string {
  const result = parseEvent(fixtures.user_course_completed);
  if (!result.ok) {
    const code: 'invalid_json' | 'invalid_envelope' | 'invalid_payload' = result.error.code;
    return `${code} at ${result.error.issues.map((issue) => issue.path.join('.')).join(', ')}`;
  }
  const { event } = result;
  if (event.known && event.type === 'user_course_completed') return event.data.course.completed_at;
  return event.type;
}

export const handlers: EventHandlers = {
  user_course_completed: async (event, { logger, attempt }) => {
    const at: Date = event.data.course.completed_at;
    logger.info({ eventId: event.id, at, attempt }, 'course completed');
  },
  user_registered: (event) => {
    // @ts-expect-error: each handler receives its own event type
    event.data.course.completed_at;
  },
};

export function expressApp(token: string) {
  const queue = new MemoryQueue({ processor: createProcessor({ handlers }) });
  const app = express();
  app.use(createExpressMiddleware({ queue, auth: { tokens: [token] } }));
  return app;
}

export function bullmqSetup(redisUrl: string, token: string) {
  const options: BullMQQueueOptions = { redis: redisUrl };
  const queue = new BullMQQueue(options);
  const worker = createBullMQWorker(createProcessor({ handlers }), { redis: redisUrl, concurrency: 4 });
  const receiver = createReceiver({ queue, auth: { tokens: [token] } });
  return { queue, worker, receiver };
}

export const delivery: string = createEvent('user_course_completed', { data: { user: { id: 17 } } }).type;
