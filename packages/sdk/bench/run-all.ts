// pnpm bench — every benchmark side by side in one run: server (the reference server as `pnpm start`
// runs it, against bare Express), acknowledgement (9 SDK servers), scale (payload size, connections),
// pipeline (HTTP in -> handler ran, against raw BullMQ), enqueue (group commit on PostgreSQL), parse,
// replicas (the cost of minReplicas 1 on a primary with one replica), tracing (the cost of
// OpenTelemetry). Loopback only; every loop is bounded in count and time. `--smoke` runs each part for
// a moment (used by a test); `--before-server=<path to dist/server.js>` measures another build of the
// reference server beside this one.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { freePort, startPostgres, startRedis } from 'acadle-webhooks-test-harness';
import autocannon from 'autocannon';
import { createPostgresBackend, Queue, Worker } from 'bullmq';
import type { PostgresConnection } from '../src/queue/bullmq/index.js';
import { createEvent } from '../src/testing/index.js';
import { measureEnqueue } from './enqueue.bench.js';
import { median, processedAtLeast } from './measure.js';
import { measureReplicas } from './replicas.js';
import { measureServerAcknowledgement, measureServerPipeline } from './server.bench.js';
import { measureTracing } from './tracing-cost.js';

const smoke = process.argv.includes('--smoke');
/** `--only=server|ack|scale|pipeline|enqueue|parse|replicas|tracing` runs one part (targets of the other parts are left out). */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const runs = (part: 'server' | 'ack' | 'scale' | 'pipeline' | 'enqueue' | 'parse' | 'replicas' | 'tracing') =>
  only === undefined || only === part;
const beforeServer = process.argv.find((arg) => arg.startsWith('--before-server='))?.slice('--before-server='.length);
const settings = smoke
  ? {
      rounds: 1,
      seconds: 1,
      warmupSeconds: 1,
      scaleSeconds: 1,
      pipelineRedis: 200,
      pipelinePostgres: 50,
      serverPipeline: 100,
      enqueueDeliveries: 200,
      parseRounds: 1,
      parseCalls: 2_000,
      tracingRounds: 1,
      tracingSeconds: 1,
    }
  : {
      rounds: 3,
      seconds: 5,
      warmupSeconds: 2,
      scaleSeconds: 3,
      pipelineRedis: 3_000,
      pipelinePostgres: 600,
      serverPipeline: 3_000,
      enqueueDeliveries: 3_000,
      parseRounds: 7,
      parseCalls: 100_000,
      // Many short alternating rounds: the servers compared see the same slices of the machine's load.
      tracingRounds: 9,
      tracingSeconds: 2,
    };
const TOKEN = 'bench_token_0123456789abcdef';
const KINDS = [
  'node-http',
  'express',
  'hand-written',
  'sdk-memory',
  'sdk-redis',
  'sdk-postgres',
  'sdk-node-memory',
  'sdk-node-redis',
  'sdk-node-postgres',
] as const;
type Kind = (typeof KINDS)[number];
const LABELS: Record<Kind, string> = {
  'node-http': 'bare node:http',
  express: 'bare Express 5',
  'hand-written': 'hand-written (express.json + zod + BullMQ add, Redis)',
  'sdk-memory': 'SDK Express adapter + MemoryQueue',
  'sdk-redis': 'SDK Express adapter + BullMQ on Redis',
  'sdk-postgres': 'SDK Express adapter + BullMQ on embedded PostgreSQL',
  'sdk-node-memory': 'SDK node:http adapter + MemoryQueue',
  'sdk-node-redis': 'SDK node:http adapter + BullMQ on Redis',
  'sdk-node-postgres': 'SDK node:http adapter + BullMQ on embedded PostgreSQL',
};
type PipelineKind = Extract<Kind, `${string}-redis` | `${string}-postgres` | 'hand-written'>;

interface RunningServer {
  kind: Kind;
  port: number;
  child: ChildProcess;
  stats(): Promise<{ rss: number; processed: number; spans?: number }>;
}

async function startServer(
  kind: Kind,
  connection: object,
  env: Record<string, string> = {},
  execArgv: string[] = [],
  script = join(__dirname, 'ack-server.mjs'),
): Promise<RunningServer> {
  const port = await freePort();
  const child = fork(script, [kind, String(port), TOKEN, JSON.stringify(connection)], {
    env: { ...process.env, ...env },
    execArgv,
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
/** A new number for each request or job, so that every event id is unique. */
function nextSequence(): number {
  sequence += 1;
  return sequence;
}
async function load(server: { kind: string; port: number }, seconds: number, connections: number, bytes: number) {
  const body = bodyTemplate(bytes);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/webhooks/acadle/${TOKEN}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: body(nextSequence()) }),
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

/** Deliveries sent (and processed) before each pipeline measurement, so that neither side is timed cold. */
const pipelineWarmup = (count: number) => Math.ceil(count / 5);

/** Raw BullMQ: `add` (50 in flight) + a no-op `Worker` (concurrency 20); deliveries per second until all ran. */
async function rawPipeline(
  connection: { redis: string } | { postgres: PostgresConnection },
  count: number,
): Promise<number> {
  const name = `raw-${nextSequence()}`;
  const redis = 'redis' in connection ? { host: '127.0.0.1', port: Number(new URL(connection.redis).port) } : undefined;
  const queue = redis
    ? new Queue(name, { connection: redis })
    : (new Queue(
        name,
        { connection: (connection as { postgres: PostgresConnection }).postgres },
        createPostgresBackend,
      ) as unknown as Queue);
  let done = 0;
  const processor = async () => {
    done += 1;
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
  const addAll = async (amount: number) => {
    const jobs = Array.from({ length: amount }, () => JSON.parse(body(nextSequence())));
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++];
          await queue.add(job.type, job);
        }
      }),
    );
  };
  const warmup = pipelineWarmup(count);
  await addAll(warmup);
  await processedAtLeast(() => done, warmup, 'raw pipeline warm-up');
  const started = performance.now();
  await addAll(count);
  await processedAtLeast(() => done, warmup + count, 'raw pipeline');
  const rate = count / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.close();
  return rate;
}

/** Posts `amount` 1 KiB deliveries with new ids, 50 connections at most; fails on any non-2xx or error. */
async function post(server: { kind: string; port: number }, amount: number): Promise<void> {
  const body = bodyTemplate(1024);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/webhooks/acadle/${TOKEN}`,
    connections: Math.min(50, amount),
    amount,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: body(nextSequence()) }),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${server.kind}: ${result.non2xx} non-2xx, ${result.errors} errors while posting ${amount}`);
}

/** One server end to end (the SDK or the hand-written handler): autocannon posts `count` deliveries (50 connections) to it while it also runs the worker. */
async function httpPipeline(kind: PipelineKind, connection: object, count: number): Promise<number> {
  const server = await startServer(kind, connection, { PIPELINE_WORKER: '1' });
  try {
    const postAll = (amount: number) => post(server, amount);
    const seen = async () => (await server.stats()).processed;
    const warmup = pipelineWarmup(count);
    await postAll(warmup);
    await processedAtLeast(seen, warmup, `${kind} pipeline warm-up`);
    const started = performance.now();
    await postAll(count);
    await processedAtLeast(seen, warmup + count, `${kind} pipeline`);
    return count / ((performance.now() - started) / 1000);
  } finally {
    server.child.kill();
  }
}

async function pipeline(redis: { redis: string }, postgres: { postgres: PostgresConnection }) {
  const rows = [];
  for (const [label, viaExpress, viaNode, connection, count] of [
    ['Redis', 'sdk-redis', 'sdk-node-redis', redis, settings.pipelineRedis],
    ['PostgreSQL (embedded)', 'sdk-postgres', 'sdk-node-postgres', postgres, settings.pipelinePostgres],
  ] as const) {
    const raw: number[] = [];
    const handWritten: number[] = [];
    const express: number[] = [];
    const node: number[] = [];
    for (let round = 0; round < settings.rounds; round += 1) {
      raw.push(await rawPipeline(connection, count));
      handWritten.push(await httpPipeline('hand-written', connection, count));
      express.push(await httpPipeline(viaExpress, connection, count));
      node.push(await httpPipeline(viaNode, connection, count));
    }
    rows.push({
      backend: label,
      deliveries: count,
      'raw BullMQ add + Worker /s': Math.round(median(raw)),
      'hand-written HTTP -> Worker /s': Math.round(median(handWritten)),
      'SDK Express HTTP -> handler /s': Math.round(median(express)),
      'SDK node:http HTTP -> handler /s': Math.round(median(node)),
      'ratio Express': Number((median(express) / median(raw)).toFixed(2)),
      'ratio node:http': Number((median(node) / median(raw)).toFixed(2)),
      'ratio hand-written': Number((median(handWritten) / median(raw)).toFixed(2)),
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
    let serverAck: Awaited<ReturnType<typeof measureServerAcknowledgement>> = [];
    let serverPipe: Awaited<ReturnType<typeof measureServerPipeline>> = [];
    if (runs('server')) {
      const deps = {
        token: TOKEN,
        redisUrl: redisServer.url,
        rounds: settings.rounds,
        seconds: settings.seconds,
        warmupSeconds: settings.warmupSeconds,
        pipelineDeliveries: settings.serverPipeline,
        load,
        post,
        bareExpress: async () => {
          const server = await startServer('express', redis);
          return { kind: server.kind, port: server.port, stop: () => server.child.kill(), stats: server.stats };
        },
        otherScripts: (beforeServer ? { before: beforeServer } : {}) as Record<string, string>,
      };
      serverAck = await measureServerAcknowledgement(deps);
      console.log(
        `\nReference server (node dist/server.js, as pnpm start runs it): autocannon, 50 connections, 1 KiB deliveries with unique ids, ${settings.rounds} alternating rounds of ${settings.seconds} s, medians`,
      );
      console.table(serverAck);
      serverPipe = await measureServerPipeline(deps);
      console.log(
        `\nReference server pipeline: ${settings.serverPipeline} deliveries, first request to last handler run, fresh server per round, ${settings.rounds} rounds, medians`,
      );
      console.table(serverPipe);
    }
    let ack: Awaited<ReturnType<typeof acknowledgement>> = [];
    let scaled: Awaited<ReturnType<typeof scale>> = [];
    if (runs('ack') || runs('scale')) {
      for (const kind of KINDS) servers.push(await startServer(kind, kind.endsWith('postgres') ? postgres : redis));
    }
    if (runs('ack')) {
      ack = await acknowledgement(servers);
      console.log(
        `\nAcknowledgement: autocannon, 50 connections, 1 KiB deliveries with unique ids, ${settings.rounds} alternating rounds of ${settings.seconds} s, medians`,
      );
      console.table(ack);
    }
    if (runs('scale')) {
      scaled = await scale(
        servers.filter((server) => ['express', 'sdk-memory', 'sdk-redis', 'sdk-node-redis'].includes(server.kind)),
      );
      console.log(`\nScale: one ${settings.scaleSeconds} s run per cell`);
      console.table(scaled);
    }
    for (const server of servers) server.child.kill();
    let pipe: Awaited<ReturnType<typeof pipeline>> = [];
    if (runs('pipeline')) {
      pipe = await pipeline(redis, postgres);
      console.log(
        `\nPipeline: deliveries per second until every handler ran (after a warm-up of a fifth as many), ${settings.rounds} alternating rounds, medians`,
      );
      console.table(pipe);
    }
    const enqueue = runs('enqueue')
      ? await measureEnqueue({
          postgres: postgres.postgres,
          rounds: settings.rounds,
          deliveries: settings.enqueueDeliveries,
        })
      : [];
    if (runs('enqueue')) {
      console.log(
        `\nEnqueue: BullMQQueue.enqueue, 50 in flight, ${settings.enqueueDeliveries} deliveries, ${settings.rounds} alternating rounds, medians`,
      );
      console.table(enqueue);
    }
    const { measureParse } = await import('./parse-event.bench.mjs');
    const parse = runs('parse') ? measureParse({ rounds: settings.parseRounds, calls: settings.parseCalls }) : [];
    if (runs('parse')) {
      console.log(
        `\nParse: ns per call, ${settings.parseRounds} alternating rounds of ${settings.parseCalls} calls, medians`,
      );
      console.table(parse);
    }
    const replicas = runs('replicas')
      ? await measureReplicas<RunningServer>({
          start: (connection) => startServer('sdk-redis', connection),
          load,
          rounds: settings.rounds,
          seconds: settings.seconds,
          warmupSeconds: settings.warmupSeconds,
        })
      : [];
    if (runs('replicas')) {
      console.log(
        `\nReplicas: SDK Express adapter + BullMQ on a Redis primary with one replica, 50 connections, 1 KiB, ${settings.rounds} alternating rounds of ${settings.seconds} s, medians`,
      );
      console.table(replicas);
    }

    const tracing = runs('tracing')
      ? await measureTracing({
          kinds: smoke ? ['sdk-memory'] : ['sdk-memory', 'sdk-redis'],
          start: (kind, env, execArgv, script) =>
            startServer(kind as Kind, kind.endsWith('redis') ? redis : {}, env, execArgv, script),
          load: (server, seconds) => load(server, seconds, 50, 1024),
          rounds: settings.tracingRounds,
          seconds: settings.tracingSeconds,
          warmupSeconds: settings.warmupSeconds,
          baselineDir: process.env.ACADLE_BENCH_BASELINE,
        })
      : [];
    if (runs('tracing')) {
      console.log(
        `\nTracing: acknowledgements with OpenTelemetry absent, present, unsampled and always on, 50 connections, 1 KiB, ${settings.tracingRounds} alternating rounds of ${settings.tracingSeconds} s, medians`,
      );
      console.table(tracing);
    }

    const row = (label: string) => ack.find((entry) => entry.server === label);
    const memory = row(LABELS['sdk-memory']);
    const express = row(LABELS.express);
    const sdkRedis = row(LABELS['sdk-redis']);
    const nodeRedis = row(LABELS['sdk-node-redis']);
    const ackTargets = [
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
      ...(
        [
          ['Express', sdkRedis],
          ['node:http', nodeRedis],
        ] as const
      ).flatMap(([adapter, entry]) => [
        {
          target: `SDK ${adapter} adapter + Redis >= 0.75 of bare Express req/s`,
          value: entry?.['vs bare Express'],
          met: (entry?.['vs bare Express'] ?? 0) >= 0.75,
        },
        {
          target: `SDK ${adapter} adapter + Redis >= hand-written req/s`,
          value: entry?.['vs hand-written'],
          met: (entry?.['vs hand-written'] ?? 0) >= 1,
        },
      ]),
    ];
    const serverRow = (prefix: string) => serverAck.find((entry) => entry.server.startsWith(prefix));
    const embedded = serverRow('reference server, embedded');
    const redisWeb = serverRow('reference server, Redis');
    const groupCommit = enqueue.find((entry) =>
      String(entry['BullMQQueue on embedded PostgreSQL']).startsWith('group'),
    );
    const serverTargets = [
      {
        target: 'reference server, embedded default >= 0.5 of bare Express req/s',
        value: embedded?.['vs bare Express'],
        met: (embedded?.['vs bare Express'] ?? 0) >= 0.5,
      },
      {
        target: 'reference server, embedded default p99 <= 3x bare Express',
        value: embedded?.['p99 vs bare Express'],
        met: (embedded?.['p99 vs bare Express'] ?? Number.POSITIVE_INFINITY) <= 3,
      },
      {
        target: 'reference server, Redis ROLE=web >= 0.75 of bare Express req/s',
        value: redisWeb?.['vs bare Express'],
        met: (redisWeb?.['vs bare Express'] ?? 0) >= 0.75,
      },
    ];
    const targets = [
      ...(serverAck.length > 0 ? serverTargets : []),
      ...(enqueue.length > 0
        ? [
            {
              target: 'BullMQQueue PostgreSQL enqueue, group commit >= 3x single adds',
              value: groupCommit?.['vs single adds'],
              met: Number(groupCommit?.['vs single adds'] ?? 0) >= 3,
            },
          ]
        : []),
      ...(ack.length > 0 ? ackTargets : []),
      ...(parse.length > 0
        ? [
            {
              target: 'parseEvent <= 2.5x JSON.parse (worst fixture)',
              value: Math.max(...parse.map((entry: { ratio: number }) => entry.ratio)),
              met: parse.every((entry: { ratio: number }) => entry.ratio <= 2.5),
            },
          ]
        : []),
      ...pipe.flatMap((entry) =>
        (['Express', 'node:http'] as const).map((adapter) => ({
          target: `pipeline (${adapter}) on ${entry.backend} >= 0.85 of raw BullMQ`,
          value: entry[`ratio ${adapter}`],
          met: entry[`ratio ${adapter}`] >= 0.85,
        })),
      ),
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
      server: serverAck,
      serverPipeline: serverPipe,
      enqueue,
      acknowledgement: ack,
      scale: scaled,
      pipeline: pipe,
      parse,
      replicas,
      tracing,
      targets,
      durationSeconds: Math.round((Date.now() - started) / 1000),
    };
    const directory = join(__dirname, 'results');
    mkdirSync(directory, { recursive: true });
    const file = join(directory, smoke ? 'smoke.json' : only ? `only-${only}.json` : 'latest.json');
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
