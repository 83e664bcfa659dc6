import type { DeliveryFilter, DeliveryQuery, DeliveryStatus } from 'acadle-webhooks';

/** The filters of the admin API and page, as their query parameters name them, with the SDK's names. */
export const FILTER_PARAMETERS = {
  email: 'email',
  type: 'type',
  status: 'status',
  user_id: 'userId',
  course_id: 'courseId',
  academy: 'academy',
  since: 'since',
  until: 'until',
} as const satisfies Record<string, keyof DeliveryFilter>;

export type FilterParameter = keyof typeof FILTER_PARAMETERS;

/** A bad query parameter: the API answers 400 with its message. */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError';
}

function textOf(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidQueryError(`${name}: give it once, as text`);
  return value.trim() === '' ? undefined : value.trim();
}

/** The filter named by query parameters (or a JSON object with the same names; camelCase names too). */
export function filterFrom(source: Record<string, unknown>): DeliveryFilter {
  const filter: Record<string, string> = {};
  for (const [parameter, key] of Object.entries(FILTER_PARAMETERS)) {
    const value = textOf(parameter, source[parameter] ?? source[key]);
    if (value !== undefined) filter[key] = value;
  }
  return filter as DeliveryFilter & { status?: DeliveryStatus };
}

/** The query (filter, `limit`, `cursor`) named by query parameters. */
export function queryFrom(source: Record<string, unknown>): DeliveryQuery {
  const query: DeliveryQuery = filterFrom(source);
  const limit = textOf('limit', source.limit);
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit)) throw new InvalidQueryError('limit: a whole number from 1 to 500');
    query.limit = Number(limit);
  }
  const cursor = textOf('cursor', source.cursor);
  if (cursor !== undefined) query.cursor = cursor;
  return query;
}

/** The query parameters of a filter (for links and forms), the empty ones left out. */
export function parametersOf(filter: DeliveryFilter): URLSearchParams {
  const parameters = new URLSearchParams();
  for (const [parameter, key] of Object.entries(FILTER_PARAMETERS)) {
    const value = filter[key];
    if (typeof value === 'string' && value !== '') parameters.set(parameter, value);
  }
  return parameters;
}

/** Whether an error is the SDK's one-line refusal of a filter or cursor (a TypeError), or ours. */
export function isInvalidQuery(error: unknown): error is Error {
  return error instanceof InvalidQueryError || (error instanceof Error && error.name === 'TypeError');
}

/** The `academy` of a delivery's URL (`?academy=north`), when it names one. */
export function academyParameter(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
