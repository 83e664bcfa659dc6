import { digestSecret, matchesAnySecret } from './secrets.js';

// Not fatal: bytes that are not UTF-8 become U+FFFD, as `Buffer#toString` made them, and cannot match.
const decoder = new TextDecoder();

/** The `user:password` of a Basic `Authorization` header, or `undefined` when it has none or is not base64. */
export function basicCredentials(header: string | undefined): string | undefined {
  if (header === undefined || !header.startsWith('Basic ')) return undefined;
  try {
    const binary = atob(header.slice(6));
    return decoder.decode(Uint8Array.from(binary, (character) => character.charCodeAt(0)));
  } catch {
    return undefined; // not base64: no credentials, refused like missing ones
  }
}

/** A user name and password for HTTP Basic authentication. */
export interface BasicCredentials {
  /** The user name. */
  username: string;
  /** The password. */
  password: string;
}

/**
 * Creates the check of an `Authorization` header against HTTP Basic credentials, compared in constant
 * time (the receiver checks Acadle's Basic credentials with it; the reference server its admin pages).
 *
 * @example
 * ```ts
 * const isAdmin = createBasicAuthCheck({ username: 'admin', password: process.env.ADMIN_PASSWORD! });
 * if (!isAdmin(request.headers.authorization)) response.status(401).end();
 * ```
 */
export function createBasicAuthCheck(credentials: BasicCredentials): (authorization: string | undefined) => boolean {
  const expected = [digestSecret(`${credentials.username}:${credentials.password}`)];
  return (authorization) => matchesAnySecret(basicCredentials(authorization), expected);
}
