import type { Delivery } from '../queue/event-queue.js';
import { deliveryKey } from '../shared/academy.js';
import type { LogPosition, NormalizedFilter } from './delivery-filter.js';
import type { DeliveryAttempt, DeliveryLogEntry, DeliveryStatus, DeliverySummary } from './delivery-log.js';
import { deliverySubjects } from './delivery-subjects.js';

/** The most attempts an entry keeps (the latest). */
export const MAX_ATTEMPTS_KEPT = 50;

/** An entry as a store keeps it: the public entry and what the log needs to run. */
export interface StoredEntry extends DeliveryLogEntry {
  /** What the store files it by: the event id within its academy (`deliveryKey`); the bare id in `default`. */
  key: string;
  /** The received time in milliseconds: the log's order. */
  receivedAtMs: number;
  /** The queue's own id of the latest job carrying it (BullMQ's job id), to replay a dead letter in place. */
  jobId: string | null;
  /** When the entry is removed (milliseconds), set when it is processed or dead; `null` while unfinished. */
  expiresAtMs: number | null;
}

/** A change of state, applied atomically by each store. */
export interface EntryChange {
  status: DeliveryStatus;
  /** Apply only when the entry is in one of these statuses (an attempt's start never overtakes its end). */
  onlyFrom?: readonly DeliveryStatus[];
  /** Apply only when the entry has been replayed this many times (a replay never repeats another's). */
  onlyIfReplays?: number;
  /** An attempt to append. */
  attempt?: DeliveryAttempt;
  /** The next attempt's time, or `null` to clear it. */
  nextRetryAt?: string | null;
  /** When to remove the entry (ms), or `null` to keep it. */
  expiresAtMs?: number | null;
  /** A replay to record (ISO time). */
  replayedAt?: string;
  /** The job now carrying the delivery. */
  jobId?: string;
}

/** What a repeat of a stored event id turned out to be. */
export type RepeatResult = 'same' | 'conflict' | 'missing';

/** A page of stored entries, and where the next one starts (the last entry read, matching or not). */
export interface StoredPage {
  entries: StoredEntry[];
  next: LogPosition | undefined;
}

/**
 * Where a delivery log is kept: memory, Redis or PostgreSQL. Each applies a change atomically, so
 * that a worker's update and a receiver's duplicate count never lose one another.
 */
export interface LogStore {
  /**
   * A new delivery (not a duplicate): inserted, or, when its key is logged already for another job,
   * put back to `waiting`. The same job logged already is left as it is: a worker may have taken it,
   * and logged it, before the queue's own write (which follows the job's add) arrived.
   */
  received(entry: StoredEntry): Promise<void>;
  /** A repeat of the entry filed by `key`: counts it, and as a conflict when `body` differs from the logged one. */
  repeated(key: string, body: string): Promise<RepeatResult>;
  /** Applies `change` to the entry filed by `key`; `false` when there is none (or a guard refused it). */
  update(key: string, change: EntryChange): Promise<boolean>;
  /** Up to `limit` entries matching `filter` below `after`, newest first, reading a bounded number of entries. */
  find(filter: NormalizedFilter, limit: number, after: LogPosition | undefined): Promise<StoredPage>;
  /** The entry filed by `key`. */
  get(key: string): Promise<StoredEntry | undefined>;
  /** Removes up to `limit` entries whose time has come; returns how many. */
  removeExpired(nowMs: number, limit: number): Promise<number>;
  /** Records that `academy` has a queue (before its first delivery is stored), so that workers and tools find it. */
  noteAcademy(academy: string): Promise<void>;
  /** The academies recorded (the `default` one aside): so that a worker finds every academy's queue. */
  academies(): Promise<string[]>;
  /** Releases what the store opened (a pool it made). */
  close?(): Promise<void>;
}

/** A new entry for a delivery just stored. */
export function newEntry(delivery: Delivery & { academy?: string | undefined }, jobId: string | null): StoredEntry {
  const receivedAtMs = Date.parse(delivery.receivedAt);
  return {
    key: deliveryKey(delivery),
    id: delivery.id,
    type: delivery.type,
    academy: delivery.academy ?? null,
    receivedAt: delivery.receivedAt,
    receivedAtMs: Number.isNaN(receivedAtMs) ? Date.now() : receivedAtMs,
    status: 'waiting',
    ...deliverySubjects(delivery.body),
    attempts: [],
    nextRetryAt: null,
    duplicates: 0,
    conflicts: 0,
    replays: [],
    request: delivery.request,
    body: delivery.body,
    jobId,
    expiresAtMs: null,
  };
}

/** The delivery an entry holds, to process it again. */
export function deliveryOf(entry: StoredEntry): Delivery {
  const delivery: Delivery = {
    id: entry.id,
    type: entry.type,
    body: entry.body,
    receivedAt: entry.receivedAt,
    request: entry.request,
  };
  // A replay keeps the academy: the same key, the same handlers' context.
  if (entry.academy !== null) delivery.academy = entry.academy;
  return delivery;
}

/** An attempt with its fields in one order, whatever store it was read from. */
function attemptOf(attempt: DeliveryAttempt): DeliveryAttempt {
  const { attempt: number, startedAt, durationMs, error } = attempt;
  return error === undefined
    ? { attempt: number, startedAt, durationMs }
    : { attempt: number, startedAt, durationMs, error };
}

/** The public entry, its fields in the documented order on every store, without what only the store needs. */
export function publicEntry(entry: StoredEntry): DeliveryLogEntry {
  return {
    id: entry.id,
    type: entry.type,
    academy: entry.academy,
    receivedAt: entry.receivedAt,
    status: entry.status,
    userId: entry.userId,
    email: entry.email,
    courseId: entry.courseId,
    lessonId: entry.lessonId,
    certificateId: entry.certificateId,
    badgeId: entry.badgeId,
    attempts: entry.attempts.map(attemptOf),
    nextRetryAt: entry.nextRetryAt,
    duplicates: entry.duplicates,
    conflicts: entry.conflicts,
    replays: entry.replays,
    request: entry.request,
    body: entry.body,
  };
}

/** The summary a list shows: the public entry without its body. */
export function summaryOf(entry: StoredEntry): DeliverySummary {
  const { body: _body, ...summary } = publicEntry(entry);
  return summary;
}

/** Applies a change to an entry in place (the memory store, and the reference the others are checked against). */
export function applyChange(entry: StoredEntry, change: EntryChange): boolean {
  if (change.onlyFrom !== undefined && !change.onlyFrom.includes(entry.status)) return false;
  if (change.onlyIfReplays !== undefined && entry.replays.length !== change.onlyIfReplays) return false;
  entry.status = change.status;
  if (change.attempt !== undefined) {
    entry.attempts.push(change.attempt);
    if (entry.attempts.length > MAX_ATTEMPTS_KEPT) entry.attempts.splice(0, entry.attempts.length - MAX_ATTEMPTS_KEPT);
  }
  if (change.nextRetryAt !== undefined) entry.nextRetryAt = change.nextRetryAt;
  if (change.expiresAtMs !== undefined) entry.expiresAtMs = change.expiresAtMs;
  if (change.replayedAt !== undefined) entry.replays.push(change.replayedAt);
  if (change.jobId !== undefined) entry.jobId = change.jobId;
  return true;
}

/** Whether an entry matches a filter: the memory store's search, and the others' check of what an index gave. */
export function matchesFilter(entry: StoredEntry, filter: NormalizedFilter): boolean {
  return (
    (filter.ids === undefined || filter.ids.includes(entry.id)) &&
    (filter.type === undefined || entry.type === filter.type) &&
    (filter.status === undefined || entry.status === filter.status) &&
    (filter.email === undefined || entry.email === filter.email) &&
    (filter.userId === undefined || entry.userId === filter.userId) &&
    (filter.courseId === undefined || entry.courseId === filter.courseId) &&
    (filter.academy === undefined || entry.academy === filter.academy) &&
    (filter.sinceMs === undefined || entry.receivedAtMs >= filter.sinceMs) &&
    (filter.untilMs === undefined || entry.receivedAtMs <= filter.untilMs)
  );
}
