// pnpm bench --only=delivery-search — the delivery log's search (issue: "a search over 1,000,000
// logged deliveries answers in under 100 ms at p95"): `findDeliveries` of a BullMQQueue on the
// embedded default (its PostgreSQL, started by the same code) and on Redis, with 1,000,000 finished
// deliveries logged, received over the past 7 days (about 5 types, 1 % dead letters, 50,000 learners,
// 500 courses, one academy: `null`). The log is filled directly, not over HTTP: on Redis by the
// store's own RECEIVED script (pipelined) plus the expiry its UPDATE adds once an entry is finished;
// on PostgreSQL by multi-row inserts into the table the queue created. Then a mix of searches, one at
// a time, after a warm-up: the same data and the same searches on both backends (seeded).
import { startPostgres, startRedis } from 'acadle-webhooks-test-harness';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { DeliveryQuery, DeliveryStatus } from '../src/deliveries/delivery-log.js';
import { newEntry, type StoredEntry } from '../src/deliveries/log-store.js';
import { EVENT_TYPES, type EventType } from '../src/events/event-types.js';
import { silentLogger } from '../src/index.js';
import { BullMQQueue, DEFAULT_QUEUE_NAME } from '../src/queue/bullmq/index.js';
import { RECEIVED } from '../src/queue/bullmq/redis-log-scripts.js';
import { DEFAULT_RETENTION_DEAD_LETTERS_MS, DEFAULT_RETENTION_PROCESSED_MS } from '../src/queue/retention.js';
import { createEvent } from '../src/testing/index.js';
import { defineBenchmark } from './benchmark.js';
import { median } from './measure.js';
import { printTable } from './print-table.js';
import { rowById, type Target } from './target.js';

interface DeliverySearchSettings {
  /** Deliveries logged before the searches. */
  stored: number;
  /** Distinct learners (an email and a user id each) the deliveries are about. */
  learners: number;
  /** Distinct courses. */
  courses: number;
  /** Searches run first, not timed. */
  warmupQueries: number;
  /** Searches timed, one at a time, the kinds in turn. */
  queries: number;
}

/** The target: p95 of a search, in milliseconds. */
const TARGET_P95_MS = 100;
const DAY_MS = 86_400_000;
/** Received times are spread over this long before the fill starts. */
const SPAN_MS = 7 * DAY_MS;
const DEAD_SHARE = 0.01;
/** Entries per pipeline (Redis) and per INSERT (PostgreSQL). */
const BATCH = 5_000;
/** How often each type comes (lessons most often). */
const TYPE_WEIGHTS: [EventType, number][] = [
  ['user_lessons_completed', 0.5],
  ['user_course_completed', 0.2],
  ['user_registered', 0.1],
  ['user_certificate_issued', 0.1],
  ['user_badge_updated', 0.1],
];
/** The type a draw from [0, 1) falls on, by `TYPE_WEIGHTS`. */
function typeAt(draw: number): EventType {
  let rest = draw;
  for (const [type, weight] of TYPE_WEIGHTS) {
    rest -= weight;
    if (rest < 0) return type;
  }
  return TYPE_WEIGHTS[0]?.[0] as EventType;
}
const FIRST_NAMES = ['amara', 'bilal', 'chen', 'daniela', 'emeka', 'freya', 'gustavo', 'hana', 'ivan', 'jia'];
const LAST_NAMES = ['okafor', 'schmidt', 'nakamura', 'garcia', 'kowalski', 'haddad', 'lindqvist', 'mehta'];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const REQUEST = { remoteAddress: '203.0.113.9', userAgent: 'Acadle-Webhooks/1.0', contentType: 'application/json' };

/** A seeded generator (mulberry32): the same deliveries and searches on both backends, run after run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const below = (random: () => number, count: number) => Math.floor(random() * count);

/** Learner `n`'s identity, as Acadle sends it (a numeric id, an email). */
const learner = (n: number) => ({
  userId: 100_000 + n * 7,
  email: `${FIRST_NAMES[n % FIRST_NAMES.length]}.${LAST_NAMES[Math.floor(n / FIRST_NAMES.length) % LAST_NAMES.length]}.${n}@example.com`,
});
const courseIdOf = (n: number) => 1 + n;

/** A body of each type, as Acadle shapes it, with placeholders for the event id, learner and course. */
function bodyTemplates(): Record<EventType, (id: string, user: number, course: number) => string> {
  const templates = {} as Record<EventType, (id: string, user: number, course: number) => string>;
  for (const type of EVENT_TYPES) {
    const event = createEvent(type, { id: '__ID__' });
    const user = event.data.user as Record<string, unknown>;
    user.id = '__USER_ID__';
    user.email = '__EMAIL__';
    if (event.data.course) (event.data.course as Record<string, unknown>).id = '__COURSE_ID__';
    const text = JSON.stringify(event);
    templates[type] = (id, n, course) => {
      const { userId, email } = learner(n);
      return text
        .replace('__ID__', id)
        .replace('"__USER_ID__"', String(userId))
        .replace('__EMAIL__', email)
        .replace('"__COURSE_ID__"', String(courseIdOf(course)));
    };
  }
  return templates;
}

/** An event id in Acadle's style (base64 of a random token and a number). */
function eventId(random: () => number, index: number): string {
  let token = '';
  for (let i = 0; i < 16; i += 1) token += ALPHANUMERIC[below(random, ALPHANUMERIC.length)];
  return btoa(`${token}${index}`);
}

/**
 * The logged deliveries, `BATCH` at a time: each built by `newEntry` from its body (as the queue logs
 * it), then finished as a worker leaves it (processed after one attempt, now and then two; 1 % dead
 * after five), with the retention's expiry.
 */
function* loggedDeliveries(settings: DeliverySearchSettings, endMs: number): Generator<StoredEntry[]> {
  const random = seeded(25);
  const bodies = bodyTemplates();
  let batch: StoredEntry[] = [];
  for (let index = 0; index < settings.stored; index += 1) {
    const type = typeAt(random());
    const id = eventId(random, index);
    const receivedAtMs = endMs - SPAN_MS + below(random, SPAN_MS);
    const body = bodies[type](id, below(random, settings.learners), below(random, settings.courses));
    const jobId = `evt-${Buffer.from(id).toString('base64url')}-${receivedAtMs.toString(36)}${below(random, 36 ** 6).toString(36)}`;
    const entry = newEntry(
      { id, type, body, receivedAt: new Date(receivedAtMs).toISOString(), request: REQUEST },
      jobId,
    );
    const dead = random() < DEAD_SHARE;
    const attempts = dead ? 5 : random() < 0.02 ? 2 : 1;
    let startedMs = receivedAtMs + 5 + below(random, 200);
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const failed = dead || attempt < attempts;
      entry.attempts.push({
        attempt,
        startedAt: new Date(startedMs).toISOString(),
        durationMs: 2 + below(random, 40),
        ...(failed ? { error: 'CRM answered 503 Service Unavailable' } : {}),
      });
      startedMs += 1000 * 4 ** attempt;
    }
    const status: DeliveryStatus = dead ? 'dead' : 'processed';
    entry.status = status;
    entry.expiresAtMs = startedMs + (dead ? DEFAULT_RETENTION_DEAD_LETTERS_MS : DEFAULT_RETENTION_PROCESSED_MS);
    batch.push(entry);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * On Redis: each entry written by the store's RECEIVED script (hash, and every index by its final
 * status), and the `:expiry` member UPDATE adds when it finishes; pipelined, one batch in flight
 * while the next is built.
 */
async function fillRedis(url: string, base: string, settings: DeliverySearchSettings, endMs: number): Promise<void> {
  const client = new Redis(url);
  try {
    const sha = String(await client.script('LOAD', RECEIVED));
    const written = async (replies: Promise<[Error | null, unknown][] | null>) => {
      for (const [error] of (await replies) ?? []) if (error) throw error;
    };
    let inFlight: Promise<void> | undefined;
    for (const batch of loggedDeliveries(settings, endMs)) {
      const pipeline = client.pipeline();
      for (const { body, ...entry } of batch) {
        pipeline.evalsha(sha, 1, `${base}:i:all`, base, entry.id, JSON.stringify(entry), body);
        pipeline.zadd(`${base}:expiry`, entry.expiresAtMs as number, entry.id);
      }
      await inFlight;
      inFlight = written(pipeline.exec());
    }
    await inFlight;
  } finally {
    client.disconnect();
  }
}

/** On PostgreSQL: multi-row inserts from arrays (`unnest`), one in flight while the next is built; then VACUUM ANALYZE, as autovacuum would. */
async function fillPostgres(
  connection: pg.ClientConfig,
  queueName: string,
  settings: DeliverySearchSettings,
  endMs: number,
): Promise<void> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    let inFlight: Promise<unknown> | undefined;
    for (const batch of loggedDeliveries(settings, endMs)) {
      const column = <K extends keyof StoredEntry>(key: K) => batch.map((entry) => entry[key]);
      const json = <K extends keyof StoredEntry>(key: K) => batch.map((entry) => JSON.stringify(entry[key]));
      const insert = client.query(
        `INSERT INTO acadle_webhooks.delivery_log (queue, event_id, type, academy, received_at_ms, status, user_id,
           email, course_id, lesson_id, certificate_id, badge_id, attempts, next_retry_at, duplicates, conflicts,
           replays, request, body, job_id, expires_at_ms)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[],
           $9::text[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::text[], $15::int[], $16::int[],
           $17::jsonb[], $18::jsonb[], $19::text[], $20::text[], $21::bigint[])`,
        [
          queueName,
          column('id'),
          column('type'),
          column('academy'),
          column('receivedAtMs'),
          column('status'),
          column('userId'),
          column('email'),
          column('courseId'),
          column('lessonId'),
          column('certificateId'),
          column('badgeId'),
          json('attempts'),
          column('nextRetryAt'),
          column('duplicates'),
          column('conflicts'),
          json('replays'),
          json('request'),
          column('body'),
          column('jobId'),
          column('expiresAtMs'),
        ],
      );
      await inFlight;
      inFlight = insert;
    }
    await inFlight;
    await client.query('VACUUM ANALYZE acadle_webhooks.delivery_log');
  } finally {
    await client.end();
  }
}

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
