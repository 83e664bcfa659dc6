// The same app on every runtime: the SDK's Web adapter and an in-memory queue, with no Node.js API.
// `GET /handled` lists the event ids the handlers ran for, once nothing is pending (for the tests).
import { createProcessor, MemoryQueue, silentLogger } from 'acadle-webhooks';
import { createFetchHandler } from 'acadle-webhooks/web';

export const TOKEN = 'runtime_token_0123456789abcdef';
export const MAX_BODY_BYTES = 64 * 1024;

/** A fetch handler receiving Acadle webhooks at /webhooks/acadle. */
export function createApp(): (request: Request) => Promise<Response> {
  const handled: string[] = [];
  const queue = new MemoryQueue({
    logger: silentLogger,
    processor: createProcessor({ handlers: {}, onEvent: (event) => void handled.push(event.id), logger: silentLogger }),
  });
  const receive = createFetchHandler({
    queue,
    auth: { tokens: [TOKEN] },
    maxBodyBytes: MAX_BODY_BYTES,
    logger: silentLogger,
  });
  return async (request) => {
    if (new URL(request.url).pathname === '/handled') {
      await queue.idle();
      return Response.json(handled);
    }
    return receive(request);
  };
}
