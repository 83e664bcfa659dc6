import type { AcademyPausing } from 'acadle-webhooks';
import express, { type Router } from 'express';
import type { Logger } from 'pino';

/**
 * Pausing and resuming one academy, under the admin credentials (and `sameOriginWrites`): while
 * paused, its new deliveries are answered 503 with Retry-After (Acadle keeps them and retries) and
 * its stored ones wait; other academies go on. On Redis and PostgreSQL the pause is kept in the
 * store: it outlives a restart, and every process sees it within a second.
 */
export function academiesApi(queue: AcademyPausing, academies: () => string[], logger: Logger): Router {
  const router = express.Router();
  router.get('/', async (_, response, next) => {
    try {
      const paused = new Set(await queue.pausedAcademies());
      response.json({ academies: academies().map((name) => ({ name, paused: paused.has(name) })) });
    } catch (error) {
      next(error);
    }
  });
  for (const action of ['pause', 'resume'] as const) {
    router.post(`/:name/${action}`, async (request, response, next) => {
      try {
        const { name } = request.params;
        // Only a configured academy: a name from the request never opens a queue of its own.
        if (!academies().includes(name)) {
          response.status(404).json({ error: 'not_found', message: 'No academy of this name is configured' });
          return;
        }
        if (action === 'pause') await queue.pauseAcademy(name);
        else await queue.resumeAcademy(name);
        logger.info({ academy: name }, action === 'pause' ? 'academy paused' : 'academy resumed');
        response.json({ academy: name, paused: action === 'pause' });
      } catch (error) {
        next(error);
      }
    });
  }
  return router;
}
