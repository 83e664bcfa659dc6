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

describe('createReceiver with academies', () => {
  const NORTH = 'tok_north_receiver_0123';
  const SOUTH = 'tok_south_receiver_0123';

  it('stores each delivery with the academy of its token, which the handler, its logger and the log see', async () => {
    const seen: { academy: string; logged: unknown }[] = [];
    const { createProcessor } = await import('../processor/create-processor.js');
    const lines: Record<string, unknown>[] = [];
    const logger = {
      ...silentLogger,
      child: (bindings: Record<string, unknown>) => ({
        ...silentLogger,
        info: (fields: object) => void lines.push({ ...bindings, ...fields }),
      }),
    };
    const processor = createProcessor({
      logger: logger as never,
      handlers: {
        user_registered: (_event, context) => {
          context.logger.info({ step: 'crm' }, 'sent');
          seen.push({ academy: context.academy, logged: lines.at(-1)?.academy });
        },
      },
    });
    const queue = new MemoryQueue({ processor, logger: silentLogger });
    const receiver = createReceiver({
      queue,
      auth: {
        academies: [
          { name: 'north', tokens: [NORTH] },
          { name: 'south', tokens: [SOUTH] },
        ],
      },
      logger: silentLogger,
    });
    const north = createEvent('user_registered');
    const south = createEvent('user_registered');
    const post = (token: string, event: object) =>
      receiver.handle({ method: 'POST', url: `/${token}`, headers: {}, body: JSON.stringify(event) });
    expect((await post(NORTH, north)).status).toBe(200);
    expect((await post(SOUTH, south)).status).toBe(200);
    expect((await post('tok_east_receiver_01234', createEvent('user_registered'))).status).toBe(401);
    await queue.idle();
    expect(seen).toEqual([
      { academy: 'north', logged: 'north' },
      { academy: 'south', logged: 'south' },
    ]);
    expect((await queue.getDelivery(north.id))?.academy).toBe('north');
    const southOnly = await queue.findDeliveries({ academy: 'south' });
    expect(southOnly.deliveries.map((entry) => entry.id)).toEqual([south.id]);
    await queue.close();
  });
});
