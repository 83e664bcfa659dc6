import type { DeliveryRequest } from '../queue/event-queue.js';

/**
 * Where a delivery stands: `waiting` for a worker, `active` (being processed), `retrying` (an
 * attempt failed; the next is scheduled), `processed`, or `dead` (a dead letter: it gave up).
 */
export type DeliveryStatus = 'waiting' | 'active' | 'retrying' | 'processed' | 'dead';

/** The statuses, in the order a delivery goes through them. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['waiting', 'active', 'retrying', 'processed', 'dead'];

/** One attempt at processing a delivery. */
export interface DeliveryAttempt {
  /** 1 for the first attempt; counting restarts at 1 after a replay. */
  attempt: number;
  /** When it started, as an ISO 8601 string. */
  startedAt: string;
  /** How long the handler ran, in milliseconds. */
  durationMs: number;
  /** The error's message when it failed; absent when it succeeded. */
  error?: string;
}

/**
 * One delivery as the log keeps it, for its retention whatever its state: what was received, who and
 * what it is about, and everything that happened to it since.
 */
export interface DeliveryLogEntry {
  /** Acadle's event id (one entry per event id, however many repeats came). */
  id: string;
  /** The event type as sent. */
  type: string;
  /** The academy that sent it, when the receiver knows (`null` otherwise). */
  academy: string | null;
  /** When the first copy was received, as an ISO 8601 string. */
  receivedAt: string;
  /** Where it stands now. */
  status: DeliveryStatus;
  /** The learner's id (`data.user.id`), when the body has one. */
  userId: string | null;
  /** The learner's email (`data.user.email`), when the body has one. */
  email: string | null;
  /** `data.course.id`, for the types that carry a course. */
  courseId: string | null;
  /** `data.lesson.id`, for `user_lessons_completed`. */
  lessonId: string | null;
  /** `data.certificate.id`, for `user_certificate_issued`. */
  certificateId: string | null;
  /** `data.badge.id`, for `user_badge_updated`. */
  badgeId: string | null;
  /** Each attempt, oldest first (the latest 50 are kept). */
  attempts: DeliveryAttempt[];
  /** When the next attempt is due, while `retrying`; `null` otherwise. */
  nextRetryAt: string | null;
  /** How many repeats of this event id were received after the first (Acadle's retries). */
  duplicates: number;
  /** How many of those repeats came with a different body: a sender bug or a spoofed request (each is logged as a warning). */
  conflicts: number;
  /** When it was replayed, oldest first. */
  replays: string[];
  /** Request metadata of the first copy (never the token). */
  request: DeliveryRequest;
  /** The body exactly as first received. */
  body: string;
}

/** An entry in a list: everything but the body. */
export type DeliverySummary = Omit<DeliveryLogEntry, 'body'>;

/** Which deliveries to pick; every field given must match (all when empty). */
export interface DeliveryFilter {
  /** Only these event ids. */
  ids?: readonly string[];
  /** Only this event type. */
  type?: string;
  /** Only deliveries in this status. */
  status?: DeliveryStatus;
  /** Only this learner's deliveries, by email (compared without case). */
  email?: string;
  /** Only this learner's deliveries, by Acadle user id. */
  userId?: string;
  /** Only deliveries about this course. */
  courseId?: string;
  /** Only this academy's deliveries. */
  academy?: string;
  /** Only deliveries received at or after this time. */
  since?: Date | string;
  /** Only deliveries received at or before this time. */
  until?: Date | string;
}

/** A filter with the page to read. */
export interface DeliveryQuery extends DeliveryFilter {
  /** The most entries in the page, 1 to 500. @defaultValue 50 */
  limit?: number;
  /** Where to go on: the `next` of the page before. */
  cursor?: string;
}

/** A page of the log, newest first. */
export interface DeliveryPage {
  /** The matching entries, newest first. */
  deliveries: DeliverySummary[];
  /** The cursor of the next page, `null` at the end. A page may be short (a search reads a bounded number of entries per page) and still have a next one. */
  next: string | null;
}

/** What to replay: these event ids, or everything a filter matches. */
export type ReplaySelection =
  | {
      /** These event ids. */
      ids: readonly string[];
      /** Only count what would be replayed. @defaultValue false */
      dryRun?: boolean;
    }
  | {
      /** Everything this filter matches (all pages, not only one). */
      filter: DeliveryFilter;
      /** Only count what would be replayed. @defaultValue false */
      dryRun?: boolean;
    };

/**
 * What a replay did: `matched` deliveries could be replayed (processed or dead ones: those still
 * waiting, active or retrying are running anyway and are left alone); `replayed` were put back in
 * the queue (0 on a dry run).
 */
export interface ReplayResult {
  /** Processed or dead deliveries the selection matched. */
  matched: number;
  /** Deliveries put back in the queue (0 with `dryRun`). */
  replayed: number;
}

/**
 * The one contract of a queue that keeps a delivery log: `MemoryQueue` and `BullMQQueue` (Redis and
 * PostgreSQL) implement it alike, and one conformance suite checks them.
 */
export interface DeliveryLog {
  /** A page of the log, newest first, filtered. Rejects with a `TypeError` for an invalid filter or cursor. */
  findDeliveries(query?: DeliveryQuery): Promise<DeliveryPage>;
  /**
   * One delivery in full (body included), or `undefined` when the log has none with this id: the
   * one from `academy`; without it, the `default` academy's, else the newest of this id from any academy.
   */
  getDelivery(id: string, academy?: string): Promise<DeliveryLogEntry | undefined>;
  /** Puts processed or dead deliveries back in the queue (their handlers run again), or counts them with `dryRun`. */
  replayDeliveries(selection: ReplaySelection): Promise<ReplayResult>;
  /** The dead letters, newest first: `findDeliveries` with `status: 'dead'`. */
  listDeadLetters(query?: Omit<DeliveryQuery, 'status'>): Promise<DeliveryPage>;
}
