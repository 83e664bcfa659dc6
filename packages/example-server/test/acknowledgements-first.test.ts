import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { createAcknowledgementsFirst } from '../src/acknowledgements-first.js';

/** A response the test closes itself. */
const response = () => new EventEmitter() as unknown as ServerResponse;

/** Whether `promise` settled within `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  return settled;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('acknowledgements first (ROLE=all)', () => {
  it('processes a delivery at once when no request is being answered', async () => {
    const gate = createAcknowledgementsFirst({ share: 0.3, concurrency: 4 });
    expect(
      await settledWithin(
        gate.process(undefined, async () => 'done'),
        5,
      ),
    ).toBe(true);
  });

  it('measures the time of deliveries processed unhindered', async () => {
    const gate = createAcknowledgementsFirst({ share: 0.3, concurrency: 1 });
    for (let index = 0; index < 40; index += 1) await gate.process(undefined, () => sleep(20));
    expect(gate.durationMs).toBeGreaterThan(15);
    expect(gate.durationMs).toBeLessThan(60);
  });

  it('while requests are answered, lets deliveries go one at a time at share x the unhindered rate', async () => {
    // Measured unhindered: about 20 ms a delivery, one at a time; share 0.5: one every ~40 ms under load.
    const gate = createAcknowledgementsFirst({ share: 0.5, concurrency: 1 });
    for (let index = 0; index < 40; index += 1) await gate.process(undefined, () => sleep(20));
    gate.track(response()); // an answer that never ends: endless load
    const started = performance.now();
    const finishedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, () =>
        gate.process(undefined, async () => {
          finishedAt.push(performance.now() - started);
        }),
      ),
    );
    const spacing = (finishedAt[5] as number) / 5;
    // Never starved (the first goes at once, the others follow), never all at once.
    expect(finishedAt[0]).toBeLessThan(20);
    expect(spacing).toBeGreaterThan(gate.durationMs * 1.5);
    expect(spacing).toBeLessThan(gate.durationMs * 4);
  });

  it('releases every held delivery when the last answer is written', async () => {
    const gate = createAcknowledgementsFirst({ share: 0.01, concurrency: 1 });
    const first = response();
    const second = response();
    gate.track(first);
    gate.track(second);
    await gate.process(undefined, async () => {}); // goes at once, and takes the slot for the next ~500 ms
    const held = gate.process(undefined, async () => {});
    expect(await settledWithin(held, 20)).toBe(false);
    first.emit('close');
    expect(await settledWithin(held, 20)).toBe(false);
    second.emit('close');
    expect(await settledWithin(held, 5)).toBe(true);
  });

  it('stops holding when the worker is closing', async () => {
    const gate = createAcknowledgementsFirst({ share: 0.01, concurrency: 1 });
    gate.track(response());
    await gate.process(undefined, async () => {});
    const closing = new AbortController();
    const held = gate.process(closing.signal, async () => {});
    expect(await settledWithin(held, 20)).toBe(false);
    closing.abort();
    expect(await settledWithin(held, 5)).toBe(true);
  });

  it('holds nothing with a share of 1 (PROCESSING_SHARE=1, or ROLE=web and worker)', async () => {
    const gate = createAcknowledgementsFirst({ share: 1, concurrency: 1 });
    gate.track(response());
    await gate.process(undefined, async () => {});
    expect(
      await settledWithin(
        gate.process(undefined, async () => {}),
        5,
      ),
    ).toBe(true);
  });

  it('refuses a share that is not above 0 and at most 1', () => {
    expect(() => createAcknowledgementsFirst({ share: 0, concurrency: 1 })).toThrow('share: above 0, at most 1');
    expect(() => createAcknowledgementsFirst({ share: 1.5, concurrency: 1 })).toThrow('share');
  });
});
