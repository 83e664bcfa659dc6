import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** HTTP Basic authentication for the admin routes, compared in constant time. */
export function adminAuth(credentials: { username: string; password: string }): RequestHandler {
  const expected = digest(`${credentials.username}:${credentials.password}`);
  return (request, response, next) => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    if (timingSafeEqual(digest(given), expected)) return next();
    response.set('www-authenticate', 'Basic realm="acadle-webhooks admin"').status(401).json({ error: 'unauthorized' });
  };
}
