import type { EventType } from '../events/event-types.js';

/** A delivery body as Acadle sends it (timestamps as text, the `competed_at` typo included). */
export interface AcadleDelivery<T extends string = EventType> {
  /** The event id, unique per event (Acadle's retries reuse it). */
  id: string;
  /** The payload version. */
  version: string;
  /** The event type. */
  type: T;
  /** The event's objects (`user`, `course`, ...), as Acadle writes them. */
  data: Record<string, unknown>;
}

/** Fields to change in a `createEvent` delivery; `data` is merged deeply into the generated data. */
export interface CreateEventOverrides {
  /** The event id; reuse one to imitate a retry. @defaultValue a new, unique id in Acadle's style */
  id?: string;
  /** The payload version. @defaultValue `'2020-12-04'` */
  version?: string;
  /** Fields merged deeply into the generated `data`, e.g. `{ user: { email: 'ada@example.com' } }`. */
  data?: Record<string, unknown>;
}

const FIRST_NAMES = ['Amara', 'Bilal', 'Chen', 'Daniela', 'Emeka', 'Freya', 'Gustavo', 'Hana', 'Ivan', 'Jia'];
const LAST_NAMES = ['Okafor', 'Schmidt', 'Nakamura', 'García', 'Kowalski', 'Haddad', 'Lindqvist', 'Mehta'];
const COURSES = ['Sales Foundations', 'Onboarding 101', 'Data Privacy Essentials', 'Advanced Excel'];
const LESSONS = ['Welcome', 'Key Concepts', 'Hands-on Exercise', 'Final Quiz'];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

let sequence = 0;

function randomInt(below: number): number {
  const [random = 0] = globalThis.crypto.getRandomValues(new Uint32Array(1));
  return random % below;
}

function pick<T>(values: readonly T[]): T {
  const value = values[randomInt(values.length)];
  if (value === undefined) throw new RangeError('Cannot pick from an empty list');
  return value;
}

// Acadle's ids are base64 of a random token followed by a number, e.g. "a3MwZHNVWDNSczZuVXVTMTQy".
function newEventId(): string {
  sequence += 1;
  let token = '';
  for (let i = 0; i < 16; i += 1) token += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return btoa(`${token}${sequence}`);
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `2020-12-04 10:43:17`, the style Acadle uses for `created_at`. */
function spaceSeparated(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/** `2020-12-04T11:19:19.385163Z`, the style Acadle uses for completion and issue times. */
function isoMicroseconds(date: Date): string {
  return date.toISOString().replace('Z', `${pad(randomInt(1000), 3)}Z`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeDeep(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    if (key === '__proto__') continue;
    const current = target[key];
    target[key] = isPlainObject(current) && isPlainObject(value) ? mergeDeep({ ...current }, value) : value;
  }
  return target;
}

/** `gustavo.garcia` for Gustavo García: names keep their accents, but many email validators accept only ASCII. */
function emailLocalPart(first: string, last: string): string {
  // NFKD splits "í" into "i" and a combining accent, which goes with any other non-ASCII character.
  return `${first}.${last}`
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '');
}

function generateData(type: EventType, now: Date): Record<string, unknown> {
  const first = pick(FIRST_NAMES);
  const last = pick(LAST_NAMES);
  const registeredAt = new Date(now.getTime() - randomInt(90 * 86_400) * 1000);
  const user = {
    id: 1 + randomInt(1_000_000),
    name: `${first} ${last}`,
    email: `${emailLocalPart(first, last)}@example.com`,
    created_at: spaceSeparated(type === 'user_registered' ? now : registeredAt),
    timezone: 'UTC',
  };
  const courseName = pick(COURSES);
  const course = {
    id: 1 + randomInt(500),
    name: courseName,
    description: `${courseName}: a self-paced course`,
    duration: `0${1 + randomInt(8)}:${pick(['00', '15', '30', '45'])}`,
  };
  switch (type) {
    case 'user_registered':
      return { user };
    case 'user_course_completed':
      return { user, course: { ...course, competed_at: isoMicroseconds(now), timezone: 'UTC' } };
    case 'user_lessons_completed':
      return {
        user,
        course,
        lesson: { id: 1 + randomInt(5_000), name: pick(LESSONS), competed_at: isoMicroseconds(now), timezone: 'UTC' },
      };
    case 'user_certificate_issued':
      return {
        user,
        certificate: {
          id: 1 + randomInt(500),
          name: `${courseName} Certificate`,
          issued_at: isoMicroseconds(now),
          timezone: 'UTC',
        },
      };
    case 'user_badge_updated':
      return { user, badge: { id: 1 + randomInt(100), name: `${courseName} Badge`, category: 'Certification Badge' } };
  }
}

/**
 * Builds a realistic delivery of `type`, with a unique id, shaped exactly as Acadle sends it.
 *
 * @example
 * ```ts
 * import { createEvent } from 'acadle-webhooks/testing';
 *
 * const delivery = createEvent('user_course_completed', { data: { user: { email: 'ada@example.com' } } });
 * await fetch(url, { method: 'POST', body: JSON.stringify(delivery), headers: { 'content-type': 'application/json' } });
 * ```
 */
export function createEvent<T extends EventType>(type: T, overrides: CreateEventOverrides = {}): AcadleDelivery<T> {
  const data = generateData(type, new Date());
  return {
    id: overrides.id ?? newEventId(),
    version: overrides.version ?? '2020-12-04',
    type,
    data: overrides.data ? mergeDeep(data, overrides.data) : data,
  };
}
