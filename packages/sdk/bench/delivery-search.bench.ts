// pnpm bench --only=delivery-search — the delivery log's search (issue: "a search over 1,000,000
// logged deliveries answers in under 100 ms at p95"): `findDeliveries` of a BullMQQueue on the
// embedded default (its PostgreSQL, started by the same code) and on Redis, with 1,000,000 finished
// deliveries logged, received over the past 7 days (about 5 types, 1 % dead letters, 50,000 learners,
// 500 courses, one academy: `null`). The log is filled directly, not over HTTP: on Redis by the
// store's own RECEIVED script (pipelined) plus the expiry its UPDATE adds once an entry is finished;
// on PostgreSQL by multi-row inserts into the table the queue created. Then a mix of searches, one at
// a time, after a warm-up: the same data and the same searches on both backends (seeded).
import { startPostgres, startRedis } from 'acadle-webhooks-test-harness';
import type { DeliveryQuery } from '../src/deliveries/delivery-log.js';
import { EVENT_TYPES, type EventType } from '../src/events/event-types.js';
import { silentLogger } from '../src/index.js';
import { BullMQQueue, DEFAULT_QUEUE_NAME } from '../src/queue/bullmq/index.js';
import { defineBenchmark } from './benchmark.js';
import {
  below,
  courseIdOf,
  DAY_MS,
  type DeliverySearchSettings,
  fillPostgres,
  fillRedis,
  learner,
  SPAN_MS,
  seeded,
} from './delivery-search-fill.js';
import { median } from './measure.js';
import { printTable } from './print-table.js';
import { rowById, type Target } from './target.js';

/** The target: p95 of a search, in milliseconds. */
const TARGET_P95_MS = 100;

/** A kind of search: its query, from the seeded generator (and, for a second page, the first page). */
interface SearchKind {
  id: string;
  label: string;
  query(random: () => number, queue: BullMQQueue): Promise<DeliveryQuery> | DeliveryQuery;
}

function searchKinds(settings: DeliverySearchSettings, endMs: number): SearchKind[] {
  const anyLearner = (random: () => number) => learner(below(random, settings.learners));
  const anyCourse = (random: () => number) => String(courseIdOf(below(random, settings.courses)));
  const anyType = (random: () => number) => EVENT_TYPES[below(random, EVENT_TYPES.length)] as EventType;
  return [
    { id: 'email', label: 'by email', query: (random) => ({ email: anyLearner(random).email }) },
    { id: 'user', label: 'by user id', query: (random) => ({ userId: String(anyLearner(random).userId) }) },
    { id: 'course', label: 'by course id', query: (random) => ({ courseId: anyCourse(random) }) },
    { id: 'dead', label: 'status dead', query: () => ({ status: 'dead' }) },
    {
      id: 'type-range',
      label: 'type + a day',
      query: (random) => {
        const since = endMs - SPAN_MS + below(random, SPAN_MS - DAY_MS);
        return { type: anyType(random), since: new Date(since), until: new Date(since + DAY_MS) };
      },
    },
    { id: 'all', label: 'no filter, first page', query: () => ({}) },
    {
      id: 'next-page',
      label: "a course's second page (cursor)",
      async query(random, queue) {
        const courseId = anyCourse(random);
        const first = await queue.findDeliveries({ courseId });
        return { courseId, cursor: first.next ?? undefined };
      },
    },
    {
      id: 'email-type',
      label: 'email + type',
      query: (random) => ({ email: anyLearner(random).email, type: anyType(random) }),
    },
  ];
}

/** The value below which `share` of `sorted` lie (nearest rank). */
const percentile = (sorted: number[], share: number) => sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? 0;
const ms = (value: number) => Number(value.toFixed(1));
const figures = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { 'p50 ms': ms(median(sorted)), 'p95 ms': ms(percentile(sorted, 0.95)), 'max ms': ms(sorted.at(-1) ?? 0) };
};

/** The searches, the kinds in turn: `warmupQueries` untimed, then `queries` timed one at a time. */
async function searches(queue: BullMQQueue, settings: DeliverySearchSettings, endMs: number) {
  const kinds = searchKinds(settings, endMs);
  const random = seeded(2026);
  const times = new Map(kinds.map((kind) => [kind.id, [] as number[]]));
  const found = new Map(kinds.map((kind) => [kind.id, [] as number[]]));
  for (let index = 0; index < settings.warmupQueries + settings.queries; index += 1) {
    const kind = kinds[index % kinds.length] as SearchKind;
    const query = await kind.query(random, queue);
    const started = performance.now();
    const page = await queue.findDeliveries(query);
    const elapsed = performance.now() - started;
    if (index < settings.warmupQueries) continue;
    times.get(kind.id)?.push(elapsed);
    found.get(kind.id)?.push(page.deliveries.length);
  }
  return { kinds, times, found };
}

async function measureBackend(
  backend: { id: string; label: string },
  queue: BullMQQueue,
  fill: () => Promise<void>,
  settings: DeliverySearchSettings,
  endMs: number,
) {
  const fillStarted = performance.now();
  await fill();
  const fillSeconds = Math.round((performance.now() - fillStarted) / 1000);
  const { kinds, times, found } = await searches(queue, settings, endMs);
  const all = [...times.values()].flat();
  return {
    row: {
      backend: backend.label,
      logged: settings.stored,
      searches: all.length,
      ...figures(all),
      'fill s': fillSeconds,
      id: backend.id,
    },
    byKind: kinds.map((kind) => ({
      backend: backend.label,
      search: kind.label,
      ...figures(times.get(kind.id) ?? []),
      'found (median)': median(found.get(kind.id) ?? [0]),
      id: `${backend.id}-${kind.id}`,
    })),
  };
}

async function measureDeliverySearch(settings: DeliverySearchSettings) {
  const endMs = Date.now();
  const results = [];
  const postgresServer = await startPostgres();
  try {
    const connection = postgresServer.connection;
    const queue = new BullMQQueue({
      postgres: { ...connection, migrate: true },
      queueName: DEFAULT_QUEUE_NAME,
      logger: silentLogger,
    });
    try {
      // The first use creates the log's table and indexes.
      await queue.findDeliveries();
      results.push(
        await measureBackend(
          { id: 'embedded', label: 'embedded default (PostgreSQL)' },
          queue,
          () => fillPostgres(connection, DEFAULT_QUEUE_NAME, settings, endMs),
          settings,
          endMs,
        ),
      );
    } finally {
      await queue.close();
    }
  } finally {
    await postgresServer.stop();
  }
  const redisServer = await startRedis();
  try {
    const queue = new BullMQQueue({ redis: redisServer.url, queueName: DEFAULT_QUEUE_NAME, logger: silentLogger });
    try {
      results.push(
        await measureBackend(
          { id: 'redis', label: 'Redis' },
          queue,
          () => fillRedis(redisServer.url, `bull:${DEFAULT_QUEUE_NAME}:log`, settings, endMs),
          settings,
          endMs,
        ),
      );
    } finally {
      await queue.close();
    }
  } finally {
    await redisServer.stop();
  }
  return {
    deliverySearch: results.map((result) => result.row),
    deliverySearchQueries: results.flatMap((result) => result.byKind),
  };
}

type DeliverySearchRow = Awaited<ReturnType<typeof measureDeliverySearch>>['deliverySearch'][number];

function deliverySearchTargets(rows: DeliverySearchRow[], stored: number): Target[] {
  return (['embedded', 'redis'] as const).map((id) => {
    const row = rowById(rows, id);
    return {
      target: `${id === 'embedded' ? 'embedded default' : 'Redis'}: a search over ${stored} logged deliveries p95 < ${TARGET_P95_MS} ms`,
      value: row?.['p95 ms'],
      met: row !== undefined && row['p95 ms'] < TARGET_P95_MS,
      id: `delivery-search-${id}`,
    };
  });
}

export const deliverySearchBenchmark = defineBenchmark({
  id: 'delivery-search',
  sections: ['deliverySearch', 'deliverySearchQueries'],
  settings: ({ smoke }): DeliverySearchSettings =>
    smoke
      ? { stored: 2_000, learners: 100, courses: 500, warmupQueries: 8, queries: 40 }
      : { stored: 1_000_000, learners: 50_000, courses: 500, warmupQueries: 40, queries: 200 },
  async run(_context, settings) {
    const sections = await measureDeliverySearch(settings);
    printTable(
      `Delivery search: findDeliveries with ${settings.stored} deliveries logged (filled directly), ${settings.queries} searches one at a time after ${settings.warmupQueries} untimed, ${searchKinds(settings, 0).length} kinds in turn`,
      sections.deliverySearch,
    );
    printTable('Delivery search by kind', sections.deliverySearchQueries);
    return sections;
  },
  targets: ({ deliverySearch }) =>
    deliverySearchTargets(deliverySearch, Number(rowById(deliverySearch, 'embedded')?.logged ?? 0)),
});
