// pnpm bench — every benchmark side by side in one run: acknowledgement (6 servers), scale (payload
// size, connections), pipeline (HTTP in -> handler ran, against raw BullMQ), parse. Loopback only;
// every loop is bounded in count and time. `--smoke` runs each part for a moment (used by a test).
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { freePort, startPostgres, startRedis } from 'acadle-webhooks-test-harness';
import autocannon from 'autocannon';
import { createPostgresBackend, Queue, Worker } from 'bullmq';
import type { PostgresConnection } from '../src/adapters/bullmq/index.js';
import { createEvent } from '../src/testing/index.js';

const smoke = process.argv.includes('--smoke');
const settings = smoke
  ? {
      rounds: 1,
      seconds: 1,
      warmupSeconds: 1,
      scaleSeconds: 1,
      pipelineRedis: 200,
      pipelinePostgres: 50,
      parseRounds: 1,
      parseCalls: 2_000,
    }
  : {
      rounds: 3,
      seconds: 5,
      warmupSeconds: 2,
      scaleSeconds: 3,
      pipelineRedis: 3_000,
      pipelinePostgres: 600,
      parseRounds: 7,
      parseCalls: 100_000,
    };
const TOKEN = 'bench_token_0123456789abcdef';
const KINDS = ['node-http', 'express', 'hand-written', 'sdk-memory', 'sdk-redis', 'sdk-postgres'] as const;
type Kind = (typeof KINDS)[number];
const LABELS: Record<Kind, string> = {
  'node-http': 'bare node:http',
  express: 'bare Express 5',
  'hand-written': 'hand-written (express.json + zod + BullMQ add, Redis)',
  'sdk-memory': 'SDK adapter + MemoryQueue',
  'sdk-redis': 'SDK adapter + BullMQ on Redis',
  'sdk-postgres': 'SDK adapter + BullMQ on embedded PostgreSQL',
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

interface RunningServer {
  kind: Kind;
  port: number;
  child: ChildProcess;
  stats(): Promise<{ rss: number; processed: number }>;
}

async function startServer(kind: Kind, connection: object, env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const child = fork(join(__dirname, 'ack-server.mjs'), [kind, String(port), TOKEN, JSON.stringify(connection)], {
    env: { ...process.env, ...env },
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    kind,
    port,
    child,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', resolve as (message: unknown) => void);
        child.send('stats');
      }),
  };
}

/** A delivery body of about `bytes` bytes, with a new event id for every request. */
function bodyTemplate(bytes: number): (sequence: number) => string {
  const event = createEvent('user_course_completed', { id: '__ID__' });
  const base = JSON.stringify(event).length;
  if (bytes > base) (event.data.user as Record<string, unknown>).notes = 'x'.repeat(bytes - base - 12);
  const text = JSON.stringify(event);
  return (sequence) => text.replace('__ID__', `bench-${process.pid}-${sequence}`);
}

let sequence = 0;
async function load(server: RunningServer, seconds: number, connections: number, bytes: number) {
  const body = bodyTemplate(bytes);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/webhooks/acadle/${TOKEN}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: body((sequence += 1)) }),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${server.kind}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function acknowledgement(servers: RunningServer[]) {
  for (const server of servers) await load(server, settings.warmupSeconds, 50, 1024);
  const results = new Map<Kind, { requestsPerSecond: number[]; p50: number[]; p99: number[] }>(
    servers.map((server) => [server.kind, { requestsPerSecond: [], p50: [], p99: [] }]),
  );
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const server of servers) {
      const result = await load(server, settings.seconds, 50, 1024);
      const entry = results.get(server.kind) as { requestsPerSecond: number[]; p50: number[]; p99: number[] };
      entry.requestsPerSecond.push(result.requestsPerSecond);
      entry.p50.push(result.p50);
      entry.p99.push(result.p99);
    }
  }
  const rows = [];
  const at = (kind: Kind) => median(results.get(kind)?.requestsPerSecond ?? [0]);
  for (const server of servers) {
    const entry = results.get(server.kind) as { requestsPerSecond: number[]; p50: number[]; p99: number[] };
    rows.push({
      server: LABELS[server.kind],
      'requests/s': Math.round(median(entry.requestsPerSecond)),
      'p50 ms': median(entry.p50),
      'p99 ms': median(entry.p99),
      'vs bare Express': Number((median(entry.requestsPerSecond) / at('express')).toFixed(2)),
      'vs hand-written': Number((median(entry.requestsPerSecond) / at('hand-written')).toFixed(2)),
      'RSS MiB': Math.round((await server.stats()).rss / 1048576),
    });
  }
  return rows;
}

async function scale(servers: RunningServer[]) {
  const rows = [];
  const cells = [
    ...[1024, 16 * 1024, 256 * 1024].map((bytes) => [`${bytes / 1024} KiB, 50 connections`, 50, bytes] as const),
    ...[1, 10, 50, 200].map((connections) => [`1 KiB, ${connections} connections`, connections, 1024] as const),
  ];
  // The smoke run only checks that every part still runs.
  for (const [label, connections, bytes] of smoke ? [cells[1], cells[3]].filter((cell) => cell !== undefined) : cells) {
    const row: Record<string, string | number> = { load: label };
    for (const server of servers) {
      const result = await load(server, settings.scaleSeconds, connections, bytes);
      row[`${LABELS[server.kind]} req/s`] = Math.round(result.requestsPerSecond);
      row[`${server.kind} p99 ms`] = result.p99;
    }
    rows.push(row);
  }
  return rows;
}

/** Raw BullMQ: `add` (50 in flight) + a no-op `Worker` (concurrency 20); deliveries per second until all ran. */
async function rawPipeline(
  connection: { redis: string } | { postgres: PostgresConnection },
  count: number,
): Promise<number> {
  const name = `raw-${(sequence += 1)}`;
  const redis = 'redis' in connection ? { host: '127.0.0.1', port: Number(new URL(connection.redis).port) } : undefined;
  const queue = redis
    ? new Queue(name, { connection: redis })
    : (new Queue(
        name,
        { connection: (connection as { postgres: PostgresConnection }).postgres },
        createPostgresBackend,
      ) as unknown as Queue);
  let done = 0;
  let finish = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const processor = async () => {
    done += 1;
    if (done === count) finish();
  };
  const worker = redis
    ? new Worker(name, processor, { connection: { ...redis, maxRetriesPerRequest: null }, concurrency: 20 })
    : (new Worker(
        name,
        processor,
        { connection: (connection as { postgres: PostgresConnection }).postgres, concurrency: 20 },
        createPostgresBackend,
      ) as unknown as Worker);
  await queue.waitUntilReady();
  await worker.waitUntilReady();
  const body = bodyTemplate(1024);
  const jobs = Array.from({ length: count }, () => JSON.parse(body((sequence += 1))));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        await queue.add(job.type, job);
      }
    }),
  );
  await finished;
  const rate = count / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.close();
  return rate;
}

/** The SDK end to end: autocannon posts `count` deliveries (50 connections) to a server that also runs the worker. */
async function sdkPipeline(kind: 'sdk-redis' | 'sdk-postgres', connection: object, count: number): Promise<number> {
  const server = await startServer(kind, connection, { PIPELINE_WORKER: '1' });
  try {
    const body = bodyTemplate(1024);
    const started = performance.now();
    const result = await autocannon({
      url: `http://127.0.0.1:${server.port}/webhooks/acadle/${TOKEN}`,
      connections: 50,
      amount: count,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: body((sequence += 1)) }),
        },
      ],
    });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`${kind} pipeline: ${result.non2xx} non-2xx, ${result.errors} errors`);
    const deadline = Date.now() + 120_000;
    while ((await server.stats()).processed < count) {
      if (Date.now() > deadline) throw new Error(`${kind} pipeline: not all deliveries processed within 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return count / ((performance.now() - started) / 1000);
  } finally {
    server.child.kill();
  }
}

async function pipeline(redis: { redis: string }, postgres: { postgres: PostgresConnection }) {
  const rows = [];
  for (const [label, kind, connection, count] of [
    ['Redis', 'sdk-redis', redis, settings.pipelineRedis],
    ['PostgreSQL (embedded)', 'sdk-postgres', postgres, settings.pipelinePostgres],
  ] as const) {
    const raw: number[] = [];
    const sdk: number[] = [];
    for (let round = 0; round < settings.rounds; round += 1) {
      raw.push(await rawPipeline(connection, count));
      sdk.push(await sdkPipeline(kind, connection, count));
    }
    rows.push({
      backend: label,
      deliveries: count,
      'raw BullMQ add + Worker /s': Math.round(median(raw)),
      'SDK HTTP -> handler /s': Math.round(median(sdk)),
      ratio: Number((median(sdk) / median(raw)).toFixed(2)),
    });
  }
  return rows;
}

async function main() {
  const started = Date.now();
  const redisServer = await startRedis();
  const postgresServer = await startPostgres();
  const redis = { redis: redisServer.url };
  const postgres = { postgres: { ...postgresServer.connection, migrate: true } };
  const servers: RunningServer[] = [];
  try {
    for (const kind of KINDS) servers.push(await startServer(kind, kind === 'sdk-postgres' ? postgres : redis));
    const ack = await acknowledgement(servers);
    console.log(
      `\nAcknowledgement: autocannon, 50 connections, 1 KiB deliveries with unique ids, ${settings.rounds} alternating rounds of ${settings.seconds} s, medians`,
    );
    console.table(ack);
    const scaled = await scale(
      servers.filter((server) => ['express', 'sdk-memory', 'sdk-redis'].includes(server.kind)),
    );
    console.log(`\nScale: one ${settings.scaleSeconds} s run per cell`);
    console.table(scaled);
    for (const server of servers) server.child.kill();
    const pipe = await pipeline(redis, postgres);
    console.log(
      `\nPipeline: deliveries per second until every handler ran, ${settings.rounds} alternating rounds, medians`,
    );
    console.table(pipe);
    const { measureParse } = await import('./parse-event.bench.mjs');
    const parse = measureParse({ rounds: settings.parseRounds, calls: settings.parseCalls });
    console.log(
      `\nParse: ns per call, ${settings.parseRounds} alternating rounds of ${settings.parseCalls} calls, medians`,
    );
    console.table(parse);

    const row = (label: string) => ack.find((entry) => entry.server === label);
    const memory = row(LABELS['sdk-memory']);
    const express = row(LABELS.express);
    const sdkRedis = row(LABELS['sdk-redis']);
    const targets = [
      {
        target: 'SDK + MemoryQueue >= 0.90 of bare Express req/s',
        value: memory?.['vs bare Express'],
        met: (memory?.['vs bare Express'] ?? 0) >= 0.9,
      },
      {
        target: 'SDK + MemoryQueue p99 <= 1.5x bare Express',
        value: Number(((memory?.['p99 ms'] ?? 0) / (express?.['p99 ms'] || 1)).toFixed(2)),
        met: (memory?.['p99 ms'] ?? 0) <= 1.5 * (express?.['p99 ms'] ?? 0),
      },
      {
        target: 'SDK + Redis >= 0.75 of bare Express req/s',
        value: sdkRedis?.['vs bare Express'],
        met: (sdkRedis?.['vs bare Express'] ?? 0) >= 0.75,
      },
      {
        target: 'SDK + Redis >= hand-written req/s',
        value: sdkRedis?.['vs hand-written'],
        met: (sdkRedis?.['vs hand-written'] ?? 0) >= 1,
      },
      {
        target: 'parseEvent <= 2.5x JSON.parse (worst fixture)',
        value: Math.max(...parse.map((entry: { ratio: number }) => entry.ratio)),
        met: parse.every((entry: { ratio: number }) => entry.ratio <= 2.5),
      },
      ...pipe.map((entry) => ({
        target: `pipeline on ${entry.backend} >= 0.85 of raw BullMQ`,
        value: entry.ratio,
        met: entry.ratio >= 0.85,
      })),
    ];
    console.log('\nTargets');
    console.table(targets.map((entry) => ({ ...entry, met: entry.met ? 'met' : 'MISSED' })));

    const report = {
      date: new Date().toISOString(),
      smoke,
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.type()} ${os.release()}`,
      },
      settings,
      acknowledgement: ack,
      scale: scaled,
      pipeline: pipe,
      parse,
      targets,
      durationSeconds: Math.round((Date.now() - started) / 1000),
    };
    const directory = join(__dirname, 'results');
    mkdirSync(directory, { recursive: true });
    const file = join(directory, smoke ? 'smoke.json' : 'latest.json');
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nWritten to ${file} (${report.durationSeconds} s)`);
  } finally {
    for (const server of servers) server.child.kill();
    await redisServer.stop();
    await postgresServer.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
