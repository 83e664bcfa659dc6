/** The answer of the node and web adapters outside their path, in the receiver's error shape. */
export const NOT_FOUND = {
  status: 404,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ error: 'not_found', message: 'No Acadle webhook endpoint at this path' }),
};

/** Where the adapters listen unless told otherwise. */
export const DEFAULT_PATH = '/webhooks/acadle';

/**
 * The part of `url` (path and query) below `path`, as the receiver expects it (`/<token>`, `/?token=…`),
 * or `undefined` when `url` is elsewhere: `/webhooks/acadlefoo` is not under `/webhooks/acadle`.
 */
export function urlUnderPath(url: string, path: string): string | undefined {
  const base = path.replace(/\/+$/, '');
  if (!url.startsWith(base)) return undefined;
  const rest = url.slice(base.length);
  if (rest === '' || rest[0] === '?') return `/${rest}`;
  return rest[0] === '/' ? rest : undefined;
}
