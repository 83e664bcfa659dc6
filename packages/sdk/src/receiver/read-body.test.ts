import { EventEmitter } from 'node:events';
import { readBody, readWebStream } from './read-body.js';

class FakeStream extends EventEmitter {
  paused = false;
  pause() {
    this.paused = true;
    return this;
  }
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

describe('readBody', () => {
  it('joins the chunks of a body within the limit, as bytes', async () => {
    const stream = new FakeStream();
    const body = readBody(stream, 10);
    stream.emit('data', Buffer.from('abc'));
    stream.emit('data', 'def');
    stream.emit('end');
    const read = await body;
    expect(read).toBeInstanceOf(Uint8Array);
    expect(text(read)).toBe('abcdef');
    // Nothing is left listening: the close that follows every request must cost nothing.
    expect(['data', 'end', 'error', 'close'].map((event) => stream.listenerCount(event))).toEqual([0, 0, 0, 0]);
  });

  it('counts the limit in bytes, not characters', async () => {
    const stream = new FakeStream();
    const body = readBody(stream, 5);
    stream.emit('data', 'ééé');
    await expect(body).rejects.toMatchObject({ code: 'payload_too_large' });
  });

  it('stops listening and pauses the stream as soon as the limit is passed', async () => {
    const stream = new FakeStream();
    const body = readBody(stream, 4);
    stream.emit('data', Buffer.from('abc'));
    stream.emit('data', Buffer.from('def'));
    await expect(body).rejects.toMatchObject({ code: 'payload_too_large', status: 413 });
    expect(stream.paused).toBe(true);
    expect(stream.listenerCount('data')).toBe(0);
    expect(stream.listenerCount('close')).toBe(0);
  });

  it('rejects when the client goes away mid-body', async () => {
    const stream = new FakeStream();
    const body = readBody(stream, 100);
    stream.emit('data', Buffer.from('abc'));
    stream.emit('close');
    await expect(body).rejects.toThrow(/closed/);
  });
});

describe('readWebStream', () => {
  /** A Web stream of `chunks` that records how far it was pulled and whether it was cancelled. */
  function webStream(chunks: Uint8Array[], { endless = false } = {}) {
    const state = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = endless ? new Uint8Array(1024) : chunks[state.pulled];
        state.pulled += 1;
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
      cancel() {
        state.cancelled = true;
      },
    });
    return { stream, state };
  }

  it('joins the chunks of a body within the limit, and releases the stream', async () => {
    const { stream } = webStream([bytes('abc'), bytes('def')]);
    expect(text(await readWebStream(stream, 6))).toBe('abcdef');
    expect(stream.locked).toBe(false);
  });

  it('reads an empty body as no bytes', async () => {
    const { stream } = webStream([]);
    expect((await readWebStream(stream, 10)).byteLength).toBe(0);
  });

  it('cancels the stream as soon as the limit is passed, and reads no further', async () => {
    const { stream, state } = webStream([], { endless: true });
    await expect(readWebStream(stream, 4096)).rejects.toMatchObject({ code: 'payload_too_large', status: 413 });
    expect(state.cancelled).toBe(true);
    // The fifth KiB passed the limit; at most one more chunk was pulled ahead by the stream's queue.
    expect(state.pulled).toBeLessThanOrEqual(6);
  });

  it('rejects when the stream fails (the client went away mid-body)', async () => {
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new Error('connection reset'));
        else controller.enqueue(bytes('abc'));
        sent = true;
      },
    });
    await expect(readWebStream(stream, 100)).rejects.toThrow('connection reset');
  });
});
