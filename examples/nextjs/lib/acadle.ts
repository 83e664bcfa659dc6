// The receiver and queue behind app/webhooks/acadle/[[...token]]/route.ts. Built on the first request
// rather than on import, since `next build` imports the route modules without the server's environment.
import { appendFileSync } from 'node:fs';
import { createProcessor, MemoryQueue } from 'acadle-webhooks';
import { createFetchHandler, type FetchHandler } from 'acadle-webhooks/web';

/** What the routes use: the handler of Acadle's requests, and the queue it stores deliveries in. */
export interface AcadleWebhooks {
  handler: FetchHandler;
  queue: MemoryQueue;
}

function createAcadleWebhooks(env: NodeJS.ProcessEnv): AcadleWebhooks {
  const token = env.WEBHOOK_TOKEN;
  if (!token) throw new Error('Set WEBHOOK_TOKEN: the token that ends the endpoint URL entered in Acadle');
  // For the recipe's test only, which runs the app with `next start`: the ids of the handled events go
  // there, and app/recipe-test/idle/route.ts answers.
  const handledIdsFile = env.RECIPE_HANDLED_IDS_FILE;
  const processor = createProcessor({
    // Run after the 200, in the background; throwing retries.
    handlers: {
      user_registered: (event) => console.log(`${event.data.user.email} registered`),
      user_course_completed: (event) => console.log(`${event.data.user.email} completed ${event.data.course.name}`),
    },
    // Runs for every documented event, after its handler (if any).
    onEvent: (event) => {
      if (handledIdsFile) appendFileSync(handledIdsFile, `${event.id}\n`);
    },
  });
  // In the server's memory: it suits `next start` on a long-lived server, not serverless functions, which
  // may be frozen once they have answered (use BullMQQueue there, with a worker elsewhere).
  const queue = new MemoryQueue({ processor });
  const handler = createFetchHandler({ queue, auth: { tokens: [token] } });
  return { handler, queue };
}

let instance: AcadleWebhooks | undefined;

/** The app's receiver, built once per server process. */
export function acadleWebhooks(): AcadleWebhooks {
  instance ??= createAcadleWebhooks(process.env);
  return instance;
}
