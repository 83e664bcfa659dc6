import { MemoryQueue } from '../queue/memory-queue.js';
import { silentLogger } from '../shared/logger.js';
import { createEvent } from '../testing/create-event.js';
import { createReceiver } from './create-receiver.js';

const TOKEN = 'tok_receiver_0123456789';

/** A Web stream of `text` that records how many chunks were pulled from it. */
function webStream(text: string) {
  const state = { pulled: 0 };
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = bytes.subarray(state.pulled * 1024, (state.pulled + 1) * 1024);
      state.pulled += 1;
      if (chunk.byteLength === 0) controller.close();
      else controller.enqueue(chunk);
    },
  });
  return { stream, state };
}

describe('createReceiver with a body that is not a Node.js stream', () => {
  const receiver = createReceiver({
    queue: new MemoryQueue({ processor: () => {} }),
    auth: { tokens: [TOKEN] },
    maxBodyBytes: 4096,
    logger: silentLogger,
  });
  const event = () => JSON.stringify(createEvent('user_registered'));

  it('reads a Web ReadableStream (a Request body) and stores the delivery', async () => {
    const { stream } = webStream(event());
    const answer = await receiver.handle({ method: 'POST', url: `/${TOKEN}`, headers: {}, body: stream });
    expect(answer.status).toBe(200);
  });

  it('reads plain bytes (a Uint8Array that is not a Buffer)', async () => {
    const body = new TextEncoder().encode(event());
    const answer = await receiver.handle({ method: 'POST', url: `/${TOKEN}`, headers: {}, body });
    expect(answer.status).toBe(200);
  });

  it('answers 413 to a Web stream declared over the limit, without reading it', async () => {
    const { stream, state } = webStream('x'.repeat(10_000));
    const answer = await receiver.handle({
      method: 'POST',
      url: `/${TOKEN}`,
      headers: { 'content-length': '10000' },
      body: stream,
    });
    expect(answer.status).toBe(413);
    expect(state.pulled).toBeLessThanOrEqual(1); // at most what the stream pulls ahead on its own
  });

  it('answers 413 to an undeclared Web stream over the limit, reading no further', async () => {
    const { stream, state } = webStream('x'.repeat(100_000));
    const answer = await receiver.handle({ method: 'POST', url: `/${TOKEN}`, headers: {}, body: stream });
    expect(answer.status).toBe(413);
    expect(state.pulled).toBeLessThanOrEqual(6);
  });

  it('refuses a wrong token before reading the Web stream', async () => {
    const { stream, state } = webStream(event());
    const answer = await receiver.handle({ method: 'POST', url: '/wrong_token_0123456789', headers: {}, body: stream });
    expect(answer.status).toBe(401);
    expect(state.pulled).toBeLessThanOrEqual(1);
    expect(stream.locked).toBe(false);
  });
});
