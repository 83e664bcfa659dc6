import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The token the admin's forms carry: an HMAC of the admin credentials, the same in every process of a
 * deployment (a form served by one web process may be posted to another) and unknown to anyone
 * without the password. Checked beside `sameOriginWrites`, as the second line against cross-site
 * forms, in constant time (digests of equal length).
 */
export function createCsrfToken(credentials: { username: string; password: string }): {
  token: string;
  isValid(candidate: unknown): boolean;
} {
  const token = createHmac('sha256', credentials.password)
    .update(`acadle-webhooks admin forms:${credentials.username}`)
    .digest('base64url');
  const expected = digest(token);
  return {
    token,
    isValid: (candidate) => typeof candidate === 'string' && timingSafeEqual(digest(candidate), expected),
  };
}
