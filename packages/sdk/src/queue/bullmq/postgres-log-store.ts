import { createRequire } from 'node:module';
import type { Pool, PoolConfig } from 'pg';
import type { LogPosition, NormalizedFilter } from '../../deliveries/delivery-filter.js';
import {
  type EntryChange,
  type LogStore,
  MAX_ATTEMPTS_KEPT,
  type RepeatResult,
  type StoredEntry,
  type StoredPage,
} from '../../deliveries/log-store.js';
import { DEFAULT_ACADEMY } from '../../shared/academy.js';
import { isModuleNotFound } from '../../shared/is-module-not-found.js';
import { GroupCommit } from './group-commit.js';
import { MissingPeerError } from './load-bullmq.js';
import type { PostgresConnection } from './postgres-connection.js';

const TABLE = 'acadle_webhooks.delivery_log';
/** The academies with a queue of their own, for workers and tools to find (see LogStore.noteAcademy). */
const ACADEMIES_TABLE = 'acadle_webhooks.delivery_log_academies';

// One row per event id and queue. The columns a search filters on are indexed with the log's order
// (received time, then event id, newest first), so that a page is an index range scan however long
// the log; `delivery_key` sorts bytewise ("C"), as Redis orders members, so that cursors mean the same.
const SCHEMA = `
CREATE SCHEMA IF NOT EXISTS acadle_webhooks;
CREATE TABLE IF NOT EXISTS ${TABLE} (
  queue text NOT NULL,
  delivery_key text COLLATE "C" NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  academy text,
  received_at_ms bigint NOT NULL,
  status text NOT NULL,
  user_id text,
  email text,
  course_id text,
  lesson_id text,
  certificate_id text,
  badge_id text,
  attempts jsonb NOT NULL DEFAULT '[]',
  next_retry_at text,
  duplicates integer NOT NULL DEFAULT 0,
  conflicts integer NOT NULL DEFAULT 0,
  replays jsonb NOT NULL DEFAULT '[]',
  request jsonb NOT NULL DEFAULT '{}',
  body text NOT NULL,
  job_id text,
  expires_at_ms bigint,
  PRIMARY KEY (queue, delivery_key)
);
CREATE INDEX IF NOT EXISTS delivery_log_received_idx ON ${TABLE} (queue, received_at_ms DESC, delivery_key DESC);
CREATE INDEX IF NOT EXISTS delivery_log_type_idx ON ${TABLE} (queue, type, received_at_ms DESC, delivery_key DESC);
CREATE INDEX IF NOT EXISTS delivery_log_status_idx ON ${TABLE} (queue, status, received_at_ms DESC, delivery_key DESC);
CREATE INDEX IF NOT EXISTS delivery_log_email_idx ON ${TABLE} (queue, email, received_at_ms DESC, delivery_key DESC) WHERE email IS NOT NULL;
CREATE INDEX IF NOT EXISTS delivery_log_user_idx ON ${TABLE} (queue, user_id, received_at_ms DESC, delivery_key DESC) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS delivery_log_course_idx ON ${TABLE} (queue, course_id, received_at_ms DESC, delivery_key DESC) WHERE course_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS delivery_log_academy_idx ON ${TABLE} (queue, academy, received_at_ms DESC, delivery_key DESC) WHERE academy IS NOT NULL;
CREATE INDEX IF NOT EXISTS delivery_log_event_idx ON ${TABLE} (queue, event_id);
CREATE TABLE IF NOT EXISTS ${ACADEMIES_TABLE} (queue text NOT NULL, academy text NOT NULL, PRIMARY KEY (queue, academy));
CREATE INDEX IF NOT EXISTS delivery_log_expiry_idx ON ${TABLE} (queue, expires_at_ms) WHERE expires_at_ms IS NOT NULL;
`;

const SUMMARY_COLUMNS = `delivery_key, event_id, type, academy, received_at_ms, status, user_id, email, course_id, lesson_id,
  certificate_id, badge_id, attempts, next_retry_at, duplicates, conflicts, replays, request, job_id, expires_at_ms`;

/** The most entries one multi-row insert carries. */
const MAX_BATCH_SIZE = 100;

interface Row {
  delivery_key: string;
  event_id: string;
  type: string;
  academy: string | null;
  received_at_ms: string;
  status: StoredEntry['status'];
  user_id: string | null;
  email: string | null;
  course_id: string | null;
  lesson_id: string | null;
  certificate_id: string | null;
  badge_id: string | null;
  attempts: StoredEntry['attempts'];
  next_retry_at: string | null;
  duplicates: number;
  conflicts: number;
  replays: string[];
  request: StoredEntry['request'];
  body?: string;
  job_id: string | null;
  expires_at_ms: string | null;
}

function entryFrom(row: Row): StoredEntry {
  const receivedAtMs = Number(row.received_at_ms);
  return {
    key: row.delivery_key,
    id: row.event_id,
    type: row.type,
    academy: row.academy,
    receivedAt: new Date(receivedAtMs).toISOString(),
    receivedAtMs,
    status: row.status,
    userId: row.user_id,
    email: row.email,
    courseId: row.course_id,
    lessonId: row.lesson_id,
    certificateId: row.certificate_id,
    badgeId: row.badge_id,
    attempts: row.attempts,
    nextRetryAt: row.next_retry_at,
    duplicates: row.duplicates,
    conflicts: row.conflicts,
    replays: row.replays,
    request: row.request,
    body: row.body ?? '',
    jobId: row.job_id,
    expiresAtMs: row.expires_at_ms === null ? null : Number(row.expires_at_ms),
  };
}

const peerRequire = createRequire(__filename);

/** A pool for the log, from the queue's PostgreSQL connection (a `pg.Pool` given is used as is). */
function poolFor(connection: PostgresConnection): { pool: Pool; own: boolean } {
  if (typeof connection === 'object' && connection !== null && 'query' in connection)
    return { pool: connection as unknown as Pool, own: false };
  let pg: typeof import('pg');
  try {
    pg = peerRequire('pg');
  } catch (error) {
    if (!isModuleNotFound(error, 'pg')) throw error;
    throw new MissingPeerError('A BullMQQueue on PostgreSQL needs the pg package: npm install pg');
  }
  const options =
    typeof connection === 'string'
      ? { connectionString: connection }
      : (connection as PoolConfig & Record<string, unknown>);
  // BullMQ's own options are not pg's.
  const {
    schema: _schema,
    migrate: _migrate,
    skipVersionCheck: _skip,
    skipMigrations: _skipMigrations,
    ...config
  } = options as Record<string, unknown>;
  const pool = new pg.Pool({ connectionTimeoutMillis: 2000, ...(config as PoolConfig), max: 4 });
  pool.on('error', () => {});
  return { pool, own: true };
}

/**
 * The delivery log of a `BullMQQueue` on PostgreSQL: a table beside BullMQ's schema, created on
 * first use, with an index for each filter. Entries of deliveries received together are inserted
 * together (one statement, one commit), as BullMQQueue groups its jobs.
 */
export class PostgresLogStore implements LogStore {
  readonly #pool: Pool;
  readonly #own: boolean;
  readonly #queue: string;
  #ready: Promise<void> | undefined;
  readonly #inserts: GroupCommit<StoredEntry, undefined>;

  constructor(connection: PostgresConnection, queueName: string) {
    const { pool, own } = poolFor(connection);
    this.#pool = pool;
    this.#own = own;
    this.#queue = queueName;
    this.#inserts = new GroupCommit({
      write: (entries) => this.#insert(entries),
      maxBatchSize: MAX_BATCH_SIZE,
      maxConcurrentWrites: 2,
    });
  }

  async #query<R>(text: string, values: unknown[]): Promise<R[]> {
    await this.#schema();
    return (await this.#pool.query(text, values)).rows as R[];
  }

  /** Creates the table and its indexes once (under a lock: two processes may start together). */
  #schema(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        await client.query("SELECT pg_advisory_xact_lock(hashtext('acadle_webhooks.delivery_log'))");
        await client.query(SCHEMA);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #insert(batch: StoredEntry[]): Promise<undefined[]> {
    // One row per key in a statement (PostgreSQL refuses to upsert a row twice in one).
    const entries = [...new Map(batch.map((entry) => [entry.key, entry])).values()];
    const column = <K extends keyof StoredEntry>(key: K) => entries.map((entry) => entry[key]);
    await this.#query(
      `INSERT INTO ${TABLE} AS log (queue, delivery_key, event_id, type, academy, received_at_ms, status, user_id,
         email, course_id, lesson_id, certificate_id, badge_id, request, body, job_id)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::jsonb[], $15::text[], $16::text[])
       ON CONFLICT (queue, delivery_key) DO UPDATE SET status = 'waiting', next_retry_at = NULL, expires_at_ms = NULL,
         job_id = COALESCE(EXCLUDED.job_id, log.job_id)
       -- The same job logged already (a worker got to it before the queue's own write): kept as it is.
       WHERE EXCLUDED.job_id IS NULL OR log.job_id IS DISTINCT FROM EXCLUDED.job_id`,
      [
        this.#queue,
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
        entries.map((entry) => JSON.stringify(entry.request ?? {})),
        column('body'),
        column('jobId'),
      ],
    );
    return batch.map(() => undefined);
  }

  async received(entry: StoredEntry): Promise<void> {
    await this.#inserts.submit(entry);
  }

  async repeated(id: string, body: string): Promise<RepeatResult> {
    const rows = await this.#query<{ conflict: boolean }>(
      `UPDATE ${TABLE} SET duplicates = duplicates + 1, conflicts = conflicts + (body <> $3)::int
       WHERE queue = $1 AND delivery_key = $2 RETURNING body <> $3 AS conflict`,
      [this.#queue, id, body],
    );
    return rows.length === 0 ? 'missing' : rows[0]?.conflict ? 'conflict' : 'same';
  }

  async update(id: string, change: EntryChange): Promise<boolean> {
    const rows = await this.#query(
      `UPDATE ${TABLE} SET
         status = $3,
         attempts = CASE WHEN $4::jsonb IS NULL THEN attempts
           WHEN jsonb_array_length(attempts) >= $12 THEN (attempts - 0) || jsonb_build_array($4::jsonb)
           ELSE attempts || jsonb_build_array($4::jsonb) END,
         next_retry_at = CASE WHEN $5 THEN $6 ELSE next_retry_at END,
         expires_at_ms = CASE WHEN $7 THEN $8::bigint ELSE expires_at_ms END,
         replays = CASE WHEN $9::text IS NULL THEN replays ELSE replays || jsonb_build_array($9::text) END,
         job_id = COALESCE($10, job_id)
       WHERE queue = $1 AND delivery_key = $2 AND ($11::text[] IS NULL OR status = ANY($11::text[]))
         AND ($13::int IS NULL OR jsonb_array_length(replays) = $13::int)
       RETURNING 1`,
      [
        this.#queue,
        id,
        change.status,
        change.attempt === undefined ? null : JSON.stringify(change.attempt),
        change.nextRetryAt !== undefined,
        change.nextRetryAt ?? null,
        change.expiresAtMs !== undefined,
        change.expiresAtMs ?? null,
        change.replayedAt ?? null,
        change.jobId ?? null,
        change.onlyFrom ?? null,
        MAX_ATTEMPTS_KEPT,
        change.onlyIfReplays ?? null,
      ],
    );
    return rows.length === 1;
  }

  async removeExpired(nowMs: number, limit: number): Promise<number> {
    const rows = await this.#query(
      `DELETE FROM ${TABLE} WHERE queue = $1 AND delivery_key IN (
         SELECT delivery_key FROM ${TABLE} WHERE queue = $1 AND expires_at_ms <= $2 ORDER BY expires_at_ms LIMIT $3)
       RETURNING 1`,
      [this.#queue, nowMs, Number.isFinite(limit) ? limit : null],
    );
    return rows.length;
  }

  async noteAcademy(academy: string): Promise<void> {
    if (academy === DEFAULT_ACADEMY) return;
    await this.#query(`INSERT INTO ${ACADEMIES_TABLE} (queue, academy) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      this.#queue,
      academy,
    ]);
  }

  async academies(): Promise<string[]> {
    const rows = await this.#query<{ academy: string }>(
      `SELECT academy FROM ${ACADEMIES_TABLE} WHERE queue = $1 ORDER BY academy`,
      [this.#queue],
    );
    return rows.map((row) => row.academy);
  }

  async get(id: string): Promise<StoredEntry | undefined> {
    const [row] = await this.#query<Row>(
      `SELECT ${SUMMARY_COLUMNS}, body FROM ${TABLE} WHERE queue = $1 AND delivery_key = $2`,
      [this.#queue, id],
    );
    return row && entryFrom(row);
  }

  async find(filter: NormalizedFilter, limit: number, after: LogPosition | undefined): Promise<StoredPage> {
    const values: unknown[] = [this.#queue, Date.now()];
    const where = ['queue = $1', '(expires_at_ms IS NULL OR expires_at_ms > $2)'];
    const add = (condition: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      where.push(condition(`$${values.length}`));
    };
    if (filter.ids !== undefined) add((p) => `event_id = ANY(${p}::text[])`, filter.ids);
    if (filter.type !== undefined) add((p) => `type = ${p}`, filter.type);
    if (filter.status !== undefined) add((p) => `status = ${p}`, filter.status);
    if (filter.email !== undefined) add((p) => `email = ${p}`, filter.email);
    if (filter.userId !== undefined) add((p) => `user_id = ${p}`, filter.userId);
    if (filter.courseId !== undefined) add((p) => `course_id = ${p}`, filter.courseId);
    if (filter.academy !== undefined) add((p) => `academy = ${p}`, filter.academy);
    if (filter.sinceMs !== undefined) add((p) => `received_at_ms >= ${p}`, filter.sinceMs);
    if (filter.untilMs !== undefined) add((p) => `received_at_ms <= ${p}`, filter.untilMs);
    if (after !== undefined) {
      values.push(after.receivedAtMs, after.key);
      where.push(`(received_at_ms, delivery_key) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(limit + 1);
    const rows = await this.#query<Row>(
      `SELECT ${SUMMARY_COLUMNS} FROM ${TABLE} WHERE ${where.join(' AND ')}
       ORDER BY received_at_ms DESC, delivery_key DESC LIMIT $${values.length}`,
      values,
    );
    const entries = rows.slice(0, limit).map(entryFrom);
    const last = entries.at(-1);
    return {
      entries,
      next: rows.length > limit && last ? { receivedAtMs: last.receivedAtMs, key: last.key } : undefined,
    };
  }

  /** Ends the pool if the log made it. */
  async close(): Promise<void> {
    if (this.#own) await this.#pool.end().catch(() => {});
  }
}
