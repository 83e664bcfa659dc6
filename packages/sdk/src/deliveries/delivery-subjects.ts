import type { DeliveryLogEntry } from './delivery-log.js';

/** Who and what a delivery is about, read from its body for the log's search: the entry's own fields. */
export type DeliverySubjects = Pick<
  DeliveryLogEntry,
  'userId' | 'email' | 'courseId' | 'lessonId' | 'certificateId' | 'badgeId'
>;

const NONE: DeliverySubjects = {
  userId: null,
  email: null,
  courseId: null,
  lessonId: null,
  certificateId: null,
  badgeId: null,
};

/** An id as the log keeps it: a number or a non-empty string, as text (Acadle sends ids both ways). */
function idOf(object: unknown): string | null {
  if (typeof object !== 'object' || object === null) return null;
  const id = (object as { id?: unknown }).id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (typeof id === 'string' && id.trim() !== '') return id.trim();
  return null;
}

/**
 * The learner and the course, lesson, certificate or badge of a delivery, from `data` in its body;
 * `null` for what it does not carry. Never throws: a body that is not JSON has no subjects (the
 * processor reports it; the log still keeps it).
 */
export function deliverySubjects(body: string): DeliverySubjects {
  let data: unknown;
  try {
    data = (JSON.parse(body) as { data?: unknown } | null)?.data;
  } catch {
    return NONE;
  }
  if (typeof data !== 'object' || data === null) return NONE;
  const { user, course, lesson, certificate, badge } = data as Record<string, unknown>;
  const email = typeof user === 'object' && user !== null ? (user as { email?: unknown }).email : undefined;
  return {
    userId: idOf(user),
    email: typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : null,
    courseId: idOf(course),
    lessonId: idOf(lesson),
    certificateId: idOf(certificate),
    badgeId: idOf(badge),
  };
}
