// Shared pieces of the fault scenarios: a counting sink (what handlers did), the sender process,
// and the figures each scenario reports for docs/reliability.md.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from 'acadle-webhooks-test-harness';
import { type ServerProcess, startServer } from '../test/server-process.js';

/** The token every fault scenario's server accepts, and the webhook path with it. */
export const TOKEN = 'fault_token_0123456789abcdef';
export const path = `/webhooks/acadle/${TOKEN}`;

/**
 * For one test file: runs what `cleanups` holds after each test, last first, whatever fails; and
 * starts servers that are SIGKILLed then (a scenario stops them its own way before, if it must).
 */
export function cleanupAfterEach() {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });
  return {
    cleanups,
    async server(env: Record<string, string>, options?: Parameters<typeof startServer>[1]): Promise<ServerProcess> {
      const started = await startServer(env, options);
      cleanups.push(() => started.stop('SIGKILL'));
      return started;
    },
  };
}

export interface Answer {
  id: string;
  body: string;
  status: number;
  ms: number;
  duplicate?: boolean;
  error?: string;
  at: number;
}

/**
 * An HTTP endpoint for FORWARD_URL that counts the actions it receives, by idempotency key
 * (`counts`), and applies each key once, as a real sink should (`applied`). With `delayMs` it
 * answers only after that long, like a slow CRM.
 */
export async function countingSink(options: { delayMs?: number } = {}): Promise<{
  url: string;
  counts: Map<string, number>;
  applied: Map<string, number>;
  close(): Promise<void>;
}> {
  const counts = new Map<string, number>();
  const applied = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    request.resume().on('end', () => {
      const key = String(request.headers['idempotency-key']);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      setTimeout(() => {
        if (!applied.has(key)) applied.set(key, 1);
        response.writeHead(204).end();
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/actions`,
    counts,
    applied,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The event ids a sink has seen an action for (keys are `<eventId>:<action>`). */
export function eventIdsSeen(counts: Map<string, number>): Map<string, number> {
  const byEvent = new Map<string, number>();
  for (const [key, count] of counts) {
    const eventId = key.slice(0, key.lastIndexOf(':'));
    byEvent.set(eventId, (byEvent.get(eventId) ?? 0) + count);
  }
  return byEvent;
}

/** The event ids answered 200. */
export const acknowledgedIds = (answers: Answer[]) =>
  new Set(answers.filter((answer) => answer.status === 200).map((answer) => answer.id));

/** Waits until the sink saw every id in `ids`, then counts what was lost and what ran twice. */
export async function settle(counts: Map<string, number>, ids: Set<string>, timeoutMs = 90_000) {
  await waitFor(
    'every acknowledged event processed',
    () => {
      // One pass over the sink's counts per poll (this process also answers the workers' requests).
      const seen = eventIdsSeen(counts);
      return [...ids].every((id) => seen.has(id));
    },
    timeoutMs,
  ).catch(() => undefined);
  const seen = eventIdsSeen(counts);
  return {
    processed: [...ids].filter((id) => seen.has(id)).length,
    lost: [...ids].filter((id) => !seen.has(id)).length,
    processedTwice: [...seen.values()].filter((count) => count > 1).length,
  };
}

/** Starts the sender in its own process; `acknowledged()` is live, `done` resolves with every answer. */
export function startSender(
  url: string,
  options: { count?: number; concurrency: number; deadlineMs: number; bodies?: string[]; intervalMs?: number },
) {
  const directory = mkdtempSync(join(tmpdir(), 'acadle-sender-'));
  const output = join(directory, 'answers.json');
  const args = [
    url,
    String(options.count ?? options.bodies?.length ?? 0),
    String(options.concurrency),
    String(options.deadlineMs),
    output,
  ];
  if (options.bodies) {
    writeFileSync(join(directory, 'bodies.json'), JSON.stringify(options.bodies));
    args.push(join(directory, 'bodies.json'));
  }
  const child = fork(join(__dirname, 'sender.mjs'), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, SENDER_INTERVAL_MS: String(options.intervalMs ?? 0) },
  });
  let acknowledged = 0;
  child.on('message', (message: { acknowledged?: number }) => {
    acknowledged = message.acknowledged ?? acknowledged;
  });
  const done = new Promise<Answer[]>((resolve, reject) => {
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(readFileSync(output, 'utf8'))) : reject(new Error(`sender exited with ${code}`)),
    );
  });
  return { acknowledged: () => acknowledged, done, child };
}

/** One row of docs/reliability.md. */
export interface Figures {
  scenario: string;
  sent: number;
  acknowledged: number;
  processed: number;
  lost: number;
  processedTwice: number;
  answered503: number;
  recoverySeconds: number | null;
}

const resultsFile = join(__dirname, 'results', 'latest.json');

/** Records a scenario's figures (faults/results/latest.json) and prints them. */
export function record(figures: Figures): void {
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  let rows: Figures[] = [];
  try {
    rows = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    rows = [];
  }
  rows = [...rows.filter((row) => row.scenario !== figures.scenario), figures];
  writeFileSync(resultsFile, `${JSON.stringify(rows, null, 2)}\n`);
  console.log(JSON.stringify(figures));
}
