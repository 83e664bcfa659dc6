import { EventEmitter } from 'node:events';
import { readBody } from './read-body.js';

class FakeStream extends EventEmitter {
  paused = false;
  pause() {
    this.paused = true;
    return this;
  }
}

describe('readBody', () => {
  it('joins the chunks of a body within the limit', async () => {
    const stream = new FakeStream();
    const body = readBody(stream, 10);
    stream.emit('data', Buffer.from('abc'));
    stream.emit('data', 'def');
    stream.emit('end');
    expect((await body).toString()).toBe('abcdef');
    // Nothing is left listening: the close that follows every request must cost nothing.
    expect(['data', 'end', 'error', 'close'].map((event) => stream.listenerCount(event))).toEqual([0, 0, 0, 0]);
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
