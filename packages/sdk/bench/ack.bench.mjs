// pnpm bench:ack — acknowledgement throughput of the Express adapter with MemoryQueue against a
// bare Express 5 route, same run, alternating rounds (A B A B ...), autocannon with 50 connections.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createEvent } from '../dist/testing/index.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;
const TOKEN = 'bench_token_0123456789abcdef';
const serverScript = fileURLToPath(new URL('./ack-server.mjs', import.meta.url));

function startServer(kind, port) {
  const child = fork(serverScript, [kind, String(port), TOKEN], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

// Every request carries a new event id, as real traffic does (duplicates would be cheaper).
const template = JSON.stringify(createEvent('user_course_completed', { id: '__ID__' }));
let sequence = 0;
function run(port, seconds) {
  return autocannon({
    url: `http://127.0.0.1:${port}/webhooks/acadle/${TOKEN}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: template.replace('__ID__', `bench-${(sequence += 1)}`) }),
      },
    ],
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const servers = { bare: await startServer('bare', 39101), sdk: await startServer('sdk', 39102) };
const ports = { bare: 39101, sdk: 39102 };
const results = { bare: [], sdk: [] };
try {
  for (const kind of ['bare', 'sdk']) await run(ports[kind], 2); // warm-up
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const kind of ['bare', 'sdk']) {
      const result = await run(ports[kind], SECONDS);
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(`${kind}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      results[kind].push(result);
    }
  }
} finally {
  for (const child of Object.values(servers)) child.kill();
}

const summary = (kind) => ({
  server: kind === 'bare' ? 'bare Express 5 route' : 'acadleWebhooks + MemoryQueue',
  'requests/s': Math.round(median(results[kind].map((r) => r.requests.average))),
  'p50 ms': median(results[kind].map((r) => r.latency.p50)),
  'p99 ms': median(results[kind].map((r) => r.latency.p99)),
});
const ratios = results.sdk.map((r, index) => r.requests.average / results.bare[index].requests.average);
console.log(
  `node ${process.version}, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s, medians`,
);
console.table([summary('bare'), summary('sdk')]);
const ratio = median(ratios);
console.log(`throughput ratio sdk/bare: ${ratio.toFixed(2)} (target >= 0.90): ${ratio >= 0.9 ? 'met' : 'MISSED'}`);
