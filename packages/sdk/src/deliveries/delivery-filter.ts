import { DELIVERY_STATUSES, type DeliveryFilter, type DeliveryQuery, type DeliveryStatus } from './delivery-log.js';

/** A filter checked and put in the form the stores search by: times in milliseconds, email in lower case. */
export interface NormalizedFilter extends Omit<DeliveryFilter, 'since' | 'until'> {
  sinceMs?: number;
  untilMs?: number;
}

/** A query checked: the filter, the page size and where the page starts. */
export interface NormalizedQuery {
  filter: NormalizedFilter;
  limit: number;
  /** The (received time, event id) the page starts below; undefined from the newest. */
  after: LogPosition | undefined;
}

/** A place in the log's order: newest first by received time, then by delivery key (descending). */
export interface LogPosition {
  receivedAtMs: number;
  /** The entry's `key` (its event id within its academy): unique, so that a cursor never skips nor repeats. */
  key: string;
}

/** The default page size. */
export const DEFAULT_PAGE_SIZE = 50;
/** The largest page. */
export const MAX_PAGE_SIZE = 500;

function timeOf(name: string, value: Date | string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms))
    throw new TypeError(`${name}: not a time: "${String(value)}" (expected ISO 8601, e.g. 2026-11-28T00:00:00Z)`);
  return ms;
}

function textOf(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new TypeError(`${name}: expected text`);
  return value.trim();
}

/** Checks a filter; a `TypeError` with a one-line message names what is wrong. */
export function normalizeFilter(filter: DeliveryFilter = {}): NormalizedFilter {
  const status = textOf('status', filter.status);
  if (status !== undefined && !DELIVERY_STATUSES.includes(status as DeliveryStatus))
    throw new TypeError(`status: "${status}" is none of ${DELIVERY_STATUSES.join(', ')}`);
  if (filter.ids !== undefined && !(Array.isArray(filter.ids) && filter.ids.every((id) => typeof id === 'string')))
    throw new TypeError('ids: expected a list of event ids');
  const normalized: NormalizedFilter = {
    ids: filter.ids,
    type: textOf('type', filter.type),
    status: status as DeliveryStatus | undefined,
    email: textOf('email', filter.email)?.toLowerCase(),
    userId: textOf('userId', filter.userId),
    courseId: textOf('courseId', filter.courseId),
    academy: textOf('academy', filter.academy),
    sinceMs: timeOf('since', filter.since),
    untilMs: timeOf('until', filter.until),
  };
  for (const key of Object.keys(normalized) as (keyof NormalizedFilter)[])
    if (normalized[key] === undefined) delete normalized[key];
  return normalized;
}

/** Encodes a position as an opaque cursor. */
export function encodeCursor(position: LogPosition): string {
  const bytes = new TextEncoder().encode(JSON.stringify([position.receivedAtMs, position.key]));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Decodes a cursor made by `encodeCursor`; a `TypeError` for anything else. */
export function decodeCursor(cursor: string): LogPosition {
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const [receivedAtMs, key] = JSON.parse(text) as unknown[];
    if (typeof receivedAtMs === 'number' && Number.isSafeInteger(receivedAtMs) && typeof key === 'string')
      return { receivedAtMs, key };
  } catch {
    // Reported below.
  }
  throw new TypeError('cursor: not a cursor this log made (use the "next" of a page)');
}

/** Checks a query: filter, `limit` (1 to 500) and `cursor`. */
export function normalizeQuery(query: DeliveryQuery = {}): NormalizedQuery {
  const { limit = DEFAULT_PAGE_SIZE, cursor, ...filter } = query;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    throw new TypeError(`limit: a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return {
    filter: normalizeFilter(filter),
    limit,
    after: cursor === undefined || cursor === '' ? undefined : decodeCursor(cursor),
  };
}

/** Whether `position` comes after `cursor` in the log's order (older, or as old with a smaller key). */
export function isAfter(position: LogPosition, cursor: LogPosition | undefined): boolean {
  if (cursor === undefined) return true;
  return (
    position.receivedAtMs < cursor.receivedAtMs ||
    (position.receivedAtMs === cursor.receivedAtMs && position.key < cursor.key)
  );
}
