// The sender of the fault scenarios, in its own process like Acadle: posts deliveries to a URL on
// loopback and records every answer. Bounded in count and time; stops by itself.
// Usage: node faults/sender.mjs <url> <count> <concurrency> <deadline ms> <output.json> [bodies.json]
// Without bodies.json it sends `count` new user_registered deliveries; with it, those bodies.
// SENDER_INTERVAL_MS paces each of the `concurrency` loops (a steady stream rather than a burst).
import { readFileSync, writeFileSync } from 'node:fs';
import { createEvent } from 'acadle-webhooks/testing';

const [url, count, concurrency, deadlineMs, output, bodiesFile] = process.argv.slice(2);
if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(url ?? '')) throw new Error(`loopback URLs only, not ${url}`);
const bodies = bodiesFile
  ? JSON.parse(readFileSync(bodiesFile, 'utf8'))
  : Array.from({ length: Number(count) }, () => JSON.stringify(createEvent('user_registered')));
const deadline = Date.now() + Number(deadlineMs);
const intervalMs = Number(process.env.SENDER_INTERVAL_MS ?? 0);
const answers = [];
let next = 0;
let stopped = false;

function save() {
  writeFileSync(output, JSON.stringify(answers));
}
process.on('SIGTERM', () => {
  stopped = true;
});

async function post(body) {
  const id = JSON.parse(body).id;
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let duplicate = false;
    try {
      duplicate = JSON.parse(text).duplicate === true;
    } catch {}
    return { id, body, status: response.status, ms: Date.now() - started, duplicate, at: started };
  } catch (error) {
    return {
      id,
      body,
      status: 0,
      ms: Date.now() - started,
      error: String(error.cause?.code ?? error.name),
      at: started,
    };
  }
}

await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (!stopped && next < bodies.length && Date.now() < deadline) {
      const body = bodies[next++];
      answers.push(await post(body));
      if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
      process.send?.({ sent: answers.length, acknowledged: answers.filter((answer) => answer.status === 200).length });
    }
  }),
);
save();
process.exit(0);
