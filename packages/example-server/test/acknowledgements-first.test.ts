import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { createAcknowledgementsFirst } from '../src/acknowledgements-first.js';

/** A response the test closes itself. */
const response = () => new EventEmitter() as unknown as ServerResponse;

/** Whether `promise` settled within `ms`. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  return settled;
}

describe('acknowledgements first (ROLE=all)', () => {
  it('lets a delivery be processed at once when no request is being answered', async () => {
    const gate = createAcknowledgementsFirst(10_000);
    expect(await settledWithin(gate.beforeProcessing(), 5)).toBe(true);
  });

  it('holds processing while requests are answered, and releases it when the last answer is written', async () => {
    const gate = createAcknowledgementsFirst(10_000);
    const first = response();
    const second = response();
    gate.track(first);
    gate.track(second);
    const waiting = gate.beforeProcessing();
    expect(await settledWithin(waiting, 20)).toBe(false);
    first.emit('close');
    expect(await settledWithin(waiting, 20)).toBe(false);
    second.emit('close');
    expect(await settledWithin(waiting, 5)).toBe(true);
  });

  it('never holds a delivery longer than maxWaitMs, so processing goes on under endless load', async () => {
    const gate = createAcknowledgementsFirst(30);
    gate.track(response());
    const started = Date.now();
    await gate.beforeProcessing();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops holding when the worker is closing', async () => {
    const gate = createAcknowledgementsFirst(10_000);
    gate.track(response());
    const closing = new AbortController();
    const waiting = gate.beforeProcessing(closing.signal);
    closing.abort();
    expect(await settledWithin(waiting, 5)).toBe(true);
  });

  it('holds nothing with maxWaitMs 0 (PROCESSING_YIELD_MS=0, or ROLE=worker)', async () => {
    const gate = createAcknowledgementsFirst(0);
    gate.track(response());
    expect(await settledWithin(gate.beforeProcessing(), 5)).toBe(true);
  });
});
