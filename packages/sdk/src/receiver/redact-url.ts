const TOKEN_PARAMETER = /([?&]token=)[^&#]*/gi;

/**
 * A request URL safe to log: the `token` query parameter and the last path segment (where the
 * token travels in `/webhooks/acadle/<token>`) are replaced by `[redacted]`.
 *
 * @example
 * ```ts
 * redactUrl('/webhooks/acadle/s3cr3t?x=1'); // '/webhooks/acadle/[redacted]?x=1'
 * ```
 */
export function redactUrl(url: string): string {
  const queryStart = url.search(/[?#]/);
  const fullPath = queryStart === -1 ? url : url.slice(0, queryStart);
  const rest = queryStart === -1 ? '' : url.slice(queryStart);
  // The token may be followed by slashes (`/webhooks/acadle/<token>/`): they stay, the segment goes.
  const path = fullPath.replace(/\/+$/, '');
  const trailing = fullPath.slice(path.length);
  const lastSlash = path.lastIndexOf('/');
  // The last segment goes even when the query has a token too: which one is the secret is not for a log to guess.
  const redactedPath =
    lastSlash === -1 || lastSlash === path.length - 1 ? path : `${path.slice(0, lastSlash + 1)}[redacted]`;
  return redactedPath + trailing + rest.replace(TOKEN_PARAMETER, '$1[redacted]');
}
