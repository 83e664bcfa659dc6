import { silentLogger } from '../shared/logger.js';
import type { Delivery } from './event-queue.js';
import { MemoryQueue } from './memory-queue.js';
import { NonRetryableError } from './non-retryable-error.js';

const delivery = (id: string): Delivery => ({
  id,
  type: 'user_registered',
  body: '{}',
  receivedAt: new Date().toISOString(),
  request: { remoteAddress: undefined, userAgent: undefined, contentType: undefined },
});

const deadLetterIds = async (queue: MemoryQueue) =>
  (await queue.listDeadLetters()).deliveries.map((deadLetter) => deadLetter.id);

describe('MemoryQueue', () => {
  it('deduplicates by event id for the life of the queue', async () => {
    const seen: string[] = [];
    const queue = new MemoryQueue({ processor: (d) => void seen.push(d.id) });
    expect(await queue.enqueue(delivery('a'))).toEqual({ duplicate: false });
    await queue.idle();
    expect(await queue.enqueue(delivery('a'))).toEqual({ duplicate: true });
    expect(await queue.enqueue(delivery('b'))).toEqual({ duplicate: false });
    await queue.idle();
    expect(seen).toEqual(['a', 'b']);
  });

  it('removes dead letters past their retention, oldest first, and still answers a repeat as a duplicate', async () => {
    const queue = new MemoryQueue({
      retention: { deadLettersMs: 1000 },
      logger: silentLogger,
      processor: () => {
        throw new NonRetryableError('dead at once');
      },
    });
    await queue.enqueue(delivery('old'));
    await queue.idle();
    await new Promise((resolve) => setTimeout(resolve, 600));
    await queue.enqueue(delivery('newer'));
    await queue.idle();
    expect(await deadLetterIds(queue)).toEqual(['newer', 'old']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await deadLetterIds(queue)).toEqual(['newer']);
    expect(await queue.enqueue(delivery('old'))).toEqual({ duplicate: true });
  });

  it('refuses a retention that is not a whole number of milliseconds, at least a second', () => {
    expect(() => new MemoryQueue({ processor: () => {}, retention: { deadLettersMs: 10 } })).toThrow(
      'retention.deadLettersMs: a whole number of milliseconds, at least 1000',
    );
    expect(() => new MemoryQueue({ processor: () => {}, retention: { processedMs: Number.NaN } })).toThrow(
      'retention.processedMs',
    );
  });

  it('retries a failing delivery with growing delays, then dead-letters it', async () => {
    const attempts: number[] = [];
    const queue = new MemoryQueue({
      attempts: 3,
      backoffMs: 5,
      processor: (_, context) => {
        attempts.push(context.attempt);
        throw new Error('sink down');
      },
    });
    await queue.enqueue(delivery('a'));
    await queue.idle();
    expect(attempts).toEqual([1, 2, 3]);
    const [deadLetter] = (await queue.listDeadLetters()).deliveries;
    expect(deadLetter?.attempts.map((attempt) => [attempt.attempt, attempt.error])).toEqual([
      [1, 'sink down'],
      [2, 'sink down'],
      [3, 'sink down'],
    ]);
  });

  it('dead-letters a NonRetryableError at once', async () => {
    let calls = 0;
    const queue = new MemoryQueue({
      processor: () => {
        calls += 1;
        throw new NonRetryableError('invalid payload');
      },
    });
    await queue.enqueue(delivery('a'));
    await queue.idle();
    expect(calls).toBe(1);
    const { deliveries } = await queue.listDeadLetters();
    expect(deliveries.map((letter) => letter.attempts.at(-1)?.error)).toEqual(['invalid payload']);
  });

  it('replays only the dead letters the filter picks', async () => {
    let healthy = false;
    const done: string[] = [];
    const queue = new MemoryQueue({
      processor: (d) => {
        if (!healthy) throw new NonRetryableError('no');
        done.push(d.id);
      },
    });
    await queue.enqueue(delivery('a'));
    await queue.enqueue(delivery('b'));
    await queue.idle();
    healthy = true;
    expect(await queue.replayDeliveries({ ids: ['b'] })).toEqual({ matched: 1, replayed: 1 });
    await queue.idle();
    expect(done).toEqual(['b']);
    expect(await deadLetterIds(queue)).toEqual(['a']);
  });

  it('runs up to `concurrency` deliveries at once', async () => {
    let running = 0;
    let most = 0;
    const queue = new MemoryQueue({
      concurrency: 3,
      processor: async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
      },
    });
    await Promise.all(Array.from({ length: 10 }, (_, index) => queue.enqueue(delivery(String(index)))));
    await queue.idle();
    expect(most).toBe(3);
    expect(queue.processed).toBe(10);
  });

  it('aborts the signal on close and refuses deliveries afterwards', async () => {
    let aborted = false;
    const queue = new MemoryQueue({
      processor: (_, { signal }) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    });
    await queue.enqueue(delivery('a'));
    await queue.close(1000);
    expect(aborted).toBe(true);
    await expect(queue.enqueue(delivery('b'))).rejects.toThrow('MemoryQueue is closed');
  });
});

describe('MemoryQueue limits', () => {
  it('refuses to be created without a processor, saying what to give it', () => {
    expect(() => new MemoryQueue(undefined as never)).toThrow(/MemoryQueue: give a processor/);
    expect(() => new MemoryQueue({} as never)).toThrow(TypeError);
  });

  it('remembers at most maxDedupeIds event ids, forgetting the oldest first', async () => {
    const queue = new MemoryQueue({ processor: () => {}, maxDedupeIds: 3 });
    for (const id of ['a', 'b', 'c', 'd']) expect(await queue.enqueue(delivery(id))).toEqual({ duplicate: false });
    expect(queue.rememberedIds).toBe(3);
    expect(await queue.enqueue(delivery('d'))).toEqual({ duplicate: true });
    // 'a' was the oldest: forgotten, so a repeat of it is stored again.
    expect(await queue.enqueue(delivery('a'))).toEqual({ duplicate: false });
    await queue.idle();
  });

  it('forgets an event id once its dedupe window has passed', async () => {
    let now = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const queue = new MemoryQueue({ processor: () => {}, dedupeTtlMs: 1000 });
      await queue.enqueue(delivery('a'));
      now += 999;
      expect(await queue.enqueue(delivery('a'))).toEqual({ duplicate: true });
      now += 2;
      expect(await queue.enqueue(delivery('a'))).toEqual({ duplicate: false });
      expect(queue.rememberedIds).toBe(1);
      await queue.idle();
    } finally {
      clock.mockRestore();
    }
  });
});
