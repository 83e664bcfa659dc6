// The delivery log of delivery-search.bench.ts, filled directly: seeded, realistic entries (types,
// learners, courses, about 1 % dead letters, over 7 days), written on Redis by the store's own
// RECEIVED script (pipelined) plus the expiry its UPDATE adds once an entry is finished, and on
// PostgreSQL by multi-row inserts into the table the queue created.
import { Redis } from 'ioredis';
import pg from 'pg';
import type { DeliveryStatus } from '../src/deliveries/delivery-log.js';
import { newEntry, type StoredEntry } from '../src/deliveries/log-store.js';
import { EVENT_TYPES, type EventType } from '../src/events/event-types.js';
import { RECEIVED } from '../src/queue/bullmq/redis-log-scripts.js';
import { DEFAULT_RETENTION_DEAD_LETTERS_MS, DEFAULT_RETENTION_PROCESSED_MS } from '../src/queue/retention.js';
import { createEvent } from '../src/testing/index.js';

export interface DeliverySearchSettings {
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

export const DAY_MS = 86_400_000;
/** Received times are spread over this long before the fill starts. */
export const SPAN_MS = 7 * DAY_MS;
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
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const below = (random: () => number, count: number) => Math.floor(random() * count);

/** Learner `n`'s identity, as Acadle sends it (a numeric id, an email). */
export const learner = (n: number) => ({
  userId: 100_000 + n * 7,
  email: `${FIRST_NAMES[n % FIRST_NAMES.length]}.${LAST_NAMES[Math.floor(n / FIRST_NAMES.length) % LAST_NAMES.length]}.${n}@example.com`,
});
export const courseIdOf = (n: number) => 1 + n;

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
 * The logged deliveries, `BATCH` at a time, in the order they arrived (as a log grows: on PostgreSQL
 * the table's rows lie in that order): each built by `newEntry` from its body (as the queue logs
 * it), then finished as a worker leaves it (processed after one attempt, now and then two; 1 % dead
 * after five), with the retention's expiry.
 */
export function* loggedDeliveries(settings: DeliverySearchSettings, endMs: number): Generator<StoredEntry[]> {
  const random = seeded(25);
  const bodies = bodyTemplates();
  let batch: StoredEntry[] = [];
  for (let index = 0; index < settings.stored; index += 1) {
    const type = typeAt(random());
    const id = eventId(random, index);
    const receivedAtMs = endMs - SPAN_MS + Math.floor((index * SPAN_MS) / settings.stored) + below(random, 1000);
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
 * while the next is built. The AOF is not fsynced while it fills (twice as fast; the searches only
 * read), then is again as configured, and a rewrite the fill started is waited for: its fork would
 * otherwise stall Redis under the searches.
 */
export async function fillRedis(
  url: string,
  base: string,
  settings: DeliverySearchSettings,
  endMs: number,
): Promise<void> {
  const client = new Redis(url);
  const [, appendfsync = 'always'] = (await client.config('GET', 'appendfsync')) as string[];
  try {
    await client.config('SET', 'appendfsync', 'no');
    const sha = String(await client.script('LOAD', RECEIVED));
    const written = async (replies: Promise<[Error | null, unknown][] | null>) => {
      for (const [error] of (await replies) ?? []) if (error) throw error;
    };
    let inFlight: Promise<void> | undefined;
    for (const batch of loggedDeliveries(settings, endMs)) {
      const pipeline = client.pipeline();
      for (const { body, ...entry } of batch) {
        pipeline.evalsha(sha, 1, `${base}:i:all`, base, entry.key, JSON.stringify(entry), body);
        pipeline.zadd(`${base}:expiry`, entry.expiresAtMs as number, entry.key);
      }
      await inFlight;
      inFlight = written(pipeline.exec());
    }
    await inFlight;
    await client.config('SET', 'appendfsync', appendfsync);
    while (/aof_rewrite_(in_progress|scheduled):1/.test(await client.info('persistence')))
      await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    client.disconnect();
  }
}

/** On PostgreSQL: multi-row inserts from arrays (`unnest`), one in flight while the next is built; then VACUUM ANALYZE, as autovacuum would. */
export async function fillPostgres(
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
        `INSERT INTO acadle_webhooks.delivery_log (queue, delivery_key, event_id, type, academy, received_at_ms, status,
           user_id, email, course_id, lesson_id, certificate_id, badge_id, attempts, next_retry_at, duplicates,
           conflicts, replays, request, body, job_id, expires_at_ms)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[],
           $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::jsonb[], $15::text[], $16::int[],
           $17::int[], $18::jsonb[], $19::jsonb[], $20::text[], $21::text[], $22::bigint[])`,
        [
          queueName,
          column('key'),
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
