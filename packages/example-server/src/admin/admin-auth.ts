import { createBasicAuthCheck } from 'acadle-webhooks';
import type { RequestHandler } from 'express';

/** HTTP Basic authentication for the admin routes, with the SDK's constant-time check. */
export function adminAuth(credentials: { username: string; password: string }): RequestHandler {
  const isAdmin = createBasicAuthCheck(credentials);
  return (request, response, next) => {
    if (isAdmin(request.headers.authorization)) return next();
    response.set('www-authenticate', 'Basic realm="acadle-webhooks admin"').status(401).json({ error: 'unauthorized' });
  };
}
