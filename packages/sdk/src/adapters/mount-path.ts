import type { ReceiverSource } from 'acadle-webhooks';

/** Where the adapters listen unless told otherwise. */
export const DEFAULT_PATH = '/webhooks/acadle';

/** The options every adapter takes: a receiver's options (or a receiver already built) and where it listens. */
export type AdapterOptions = ReceiverSource & {
  /**
   * The path Acadle posts to, without the token; the token follows as one more segment or as `?token=`.
   * @defaultValue '/webhooks/acadle'
   */
  path?: string;
};

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
