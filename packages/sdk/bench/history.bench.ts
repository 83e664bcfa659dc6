// pnpm bench --only=history — no slowdown as history grows (issue 25): the reference server's
// acknowledgements with 1,000,000 processed deliveries stored within retention, against the same
// server on an empty store, alternating rounds in one run; on the embedded default and on Redis
// (ROLE=web). The store is filled directly (fill-store.ts), not over HTTP.
import { createProcessor, silentLogger } from 'acadle-webhooks';
import { runningEmbeddedDatabase, startRedis, waitFor } from 'acadle-webhooks-test-harness';
import pg from 'pg';
import { BullMQQueue, createBullMQWorker } from '../src/queue/bullmq/index.js';
import { createEvent } from '../src/testing/index.js';
import { type AlternatingRounds, alternatingRounds } from './bench-settings.js';
import { defineBenchmark } from './benchmark.js';
import { BENCH_TOKEN, webhookUrl } from './deliveries.js';
import { fillPostgres, fillRedis } from './fill-store.js';
import { load } from './load.js';
import { median } from './measure.js';
import { printTable } from './print-table.js';
import { type ReferenceServer, startReferenceServer } from './reference-server.js';
import { rowById, type Target } from './target.js';

interface HistorySettings extends AlternatingRounds {
  /** Processed deliveries stored before the measurement. */
  stored: number;
}

const QUEUE_NAME = 'acadle-webhooks';

/** The id of a processed job: the embedded default processes one delivery sent over HTTP. */
async function processedJobOnEmbedded(server: ReferenceServer): Promise<string> {
  const response = await fetch(webhookUrl(server.port), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(createEvent('user_course_completed')),
  });
  if (response.status !== 200) throw new Error(`template delivery answered ${response.status}`);
  await waitFor('the template delivery processed', async () => (await server.stats()).processed >= 1, 60_000);
  const connection = runningEmbeddedDatabase(server.dataDir);
  if (!connection) throw new Error('the embedded PostgreSQL is not running');
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const { rows } = await client.query("SELECT id FROM bullmq.job WHERE queue = $1 AND state = 'completed' LIMIT 1", [
      QUEUE_NAME,
    ]);
    return String(rows[0]?.id);
  } finally {
    await client.end();
  }
}

/** The id of a processed job on the Redis at `url`: stored and processed by the SDK here. */
async function processedJobOnRedis(url: string): Promise<string> {
  const queue = new BullMQQueue({ redis: url, queueName: QUEUE_NAME, logger: silentLogger });
  const event = createEvent('user_course_completed');
  await queue.enqueue({
    id: event.id,
    type: event.type,
    body: JSON.stringify(event),
    receivedAt: new Date().toISOString(),
    request: { remoteAddress: '203.0.113.9', userAgent: 'Acadle', contentType: 'application/json' },
  });
  const worker = createBullMQWorker(createProcessor({ handlers: {}, logger: silentLogger }), {
    redis: url,
    queueName: QUEUE_NAME,
    logger: silentLogger,
  });
  await waitFor('the template job processed', async () => (await queue.queue.getCompletedCount()) === 1);
  await worker.close();
  const [job] = await queue.queue.getCompleted(0, 0);
  await queue.close();
  return String(job?.id);
}

/** Alternating rounds on the empty and the filled server; medians of requests per second and p99. */
async function compare(empty: ReferenceServer, filled: ReferenceServer, settings: HistorySettings) {
  const results = {
    empty: { rate: [] as number[], p99: [] as number[] },
    filled: { rate: [] as number[], p99: [] as number[] },
  };
  for (const server of [empty, filled]) {
    await load(server, settings.warmupSeconds, 50, 1024);
    await server.drained();
  }
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const [name, server] of [
      ['empty', empty],
      ['filled', filled],
    ] as const) {
      const result = await load(server, settings.seconds, 50, 1024);
      await server.drained();
      results[name].rate.push(result.requestsPerSecond);
      results[name].p99.push(result.p99);
    }
  }
  return {
    'empty req/s': Math.round(median(results.empty.rate)),
    'filled req/s': Math.round(median(results.filled.rate)),
    'filled vs empty': Number((median(results.filled.rate) / median(results.empty.rate)).toFixed(2)),
    'empty p99 ms': median(results.empty.p99),
    'filled p99 ms': median(results.filled.p99),
  };
}

async function measureHistory(settings: HistorySettings) {
  const rows = [];
  const empty = await startReferenceServer('embedded default, empty store', { token: BENCH_TOKEN });
  const filled = await startReferenceServer('embedded default, filled store', { token: BENCH_TOKEN });
  try {
    const template = await processedJobOnEmbedded(filled);
    const connection = runningEmbeddedDatabase(filled.dataDir);
    if (!connection) throw new Error('the embedded PostgreSQL is not running');
    const fillStarted = performance.now();
    await fillPostgres(connection, QUEUE_NAME, template, settings.stored);
    const fillSeconds = Math.round((performance.now() - fillStarted) / 1000);
    rows.push({
      store: `embedded default, ${settings.stored} processed stored`,
      ...(await compare(empty, filled, settings)),
      'fill s': fillSeconds,
      id: 'embedded',
    });
  } finally {
    await empty.stop();
    await filled.stop();
  }
  const emptyRedis = await startRedis();
  const filledRedis = await startRedis();
  const redis = (url: string) => ({ QUEUE_BACKEND: 'redis', REDIS_URL: url, ROLE: 'web' });
  try {
    const template = await processedJobOnRedis(filledRedis.url);
    const fillStarted = performance.now();
    await fillRedis(filledRedis.url, QUEUE_NAME, template, settings.stored);
    const fillSeconds = Math.round((performance.now() - fillStarted) / 1000);
    const empty = await startReferenceServer('Redis ROLE=web, empty store', {
      token: BENCH_TOKEN,
      env: redis(emptyRedis.url),
    });
    const filled = await startReferenceServer('Redis ROLE=web, filled store', {
      token: BENCH_TOKEN,
      env: redis(filledRedis.url),
    });
    try {
      rows.push({
        store: `Redis ROLE=web, ${settings.stored} processed stored`,
        ...(await compare(empty, filled, settings)),
        'fill s': fillSeconds,
        id: 'redis-web',
      });
    } finally {
      await empty.stop();
      await filled.stop();
    }
  } finally {
    await emptyRedis.stop();
    await filledRedis.stop();
  }
  return rows;
}

type HistoryRow = Awaited<ReturnType<typeof measureHistory>>[number];

function historyTargets(history: HistoryRow[]): Target[] {
  return (['embedded', 'redis-web'] as const).map((id) => {
    const row = rowById(history, id);
    return {
      target: `${id === 'embedded' ? 'embedded default' : 'Redis ROLE=web'} with the history stored >= 0.9 of the empty store's req/s`,
      value: row?.['filled vs empty'],
      met: (row?.['filled vs empty'] ?? 0) >= 0.9,
      id: `history-${id}`,
    };
  });
}

export const historyBenchmark = defineBenchmark({
  id: 'history',
  sections: ['history'],
  settings: ({ smoke }): HistorySettings => ({ ...alternatingRounds(smoke), stored: smoke ? 2_000 : 1_000_000 }),
  async run(_context, settings) {
    const history = await measureHistory(settings);
    printTable(
      `History: the reference server with ${settings.stored} processed deliveries stored (filled directly) against an empty store, autocannon, 50 connections, ${settings.rounds} alternating rounds of ${settings.seconds} s, medians`,
      history.map(({ id: _id, ...row }) => row),
    );
    return { history };
  },
  targets: ({ history }) => historyTargets(history),
});
