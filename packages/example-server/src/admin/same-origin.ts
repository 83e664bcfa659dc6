import type { RequestHandler } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses (403) a state-changing request that a browser sent from another site: browsers send Basic
 * credentials cross-site, so a page elsewhere could otherwise make an admin's browser replay
 * deliveries. `Sec-Fetch-Site` decides where browsers send it; otherwise `Origin` must name this
 * host. Clients that send neither (curl, scripts) are not browsers and pass, on their credentials.
 */
export function sameOriginWrites(): RequestHandler {
  return (request, response, next) => {
    if (SAFE_METHODS.has(request.method)) return next();
    const site = request.get('sec-fetch-site');
    const origin = request.get('origin');
    let allowed = true;
    if (site !== undefined) allowed = site === 'same-origin' || site === 'none';
    else if (origin !== undefined) {
      try {
        allowed = new URL(origin).host === request.get('host');
      } catch {
        allowed = false;
      }
    }
    if (allowed) return next();
    response.status(403).json({ error: 'cross_origin', message: 'Refused: a change to the admin from another origin' });
  };
}
