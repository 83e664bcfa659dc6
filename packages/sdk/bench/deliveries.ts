// What the benchmarks send: the webhook URL with its token, and 1 KiB-ish delivery bodies with unique ids.
import { createEvent } from '../src/testing/index.js';

/** The token every benchmark server accepts. */
export const BENCH_TOKEN = 'bench_token_0123456789abcdef';

/** The webhook URL of a benchmark server on loopback. */
export const webhookUrl = (port: number) => `http://127.0.0.1:${port}/webhooks/acadle/${BENCH_TOKEN}`;

let sequence = 0;
/** A new number for each request or job, so that every event id is unique. */
export function nextSequence(): number {
  sequence += 1;
  return sequence;
}

/** A delivery body of about `bytes` bytes, with a new event id for every request. */
export function bodyTemplate(bytes: number): (sequence: number) => string {
  const event = createEvent('user_course_completed', { id: '__ID__' });
  const base = JSON.stringify(event).length;
  if (bytes > base) (event.data.user as Record<string, unknown>).notes = 'x'.repeat(bytes - base - 12);
  const text = JSON.stringify(event);
  return (sequence) => text.replace('__ID__', `bench-${process.pid}-${sequence}`);
}
