import type { DeliveryLog, ReplaySelection } from 'acadle-webhooks';
import express, { type Router } from 'express';
import { academyParameter, filterFrom, InvalidQueryError, isInvalidQuery, queryFrom } from './delivery-query.js';

/** The most event ids one replay request names. */
const MAX_REPLAY_IDS = 1000;

/** The replay a request body asks for; an `InvalidQueryError` says what is wrong with it. */
export function replaySelectionFrom(body: unknown): ReplaySelection {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidQueryError('Send a JSON object: { "ids": [...] } or { "filter": {...}, "dryRun": true }');
  const { ids, filter, dryRun } = body as { ids?: unknown; filter?: unknown; dryRun?: unknown };
  if (dryRun !== undefined && typeof dryRun !== 'boolean') throw new InvalidQueryError('dryRun: true or false');
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id !== ''))
      throw new InvalidQueryError('ids: a list of event ids');
    if (ids.length > MAX_REPLAY_IDS)
      throw new InvalidQueryError(`ids: at most ${MAX_REPLAY_IDS}; replay more with a filter`);
    return { ids, dryRun: dryRun === true };
  }
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter))
    throw new InvalidQueryError('Name what to replay: "ids", or a "filter" such as { "status": "dead" }');
  const picked = filterFrom(filter as Record<string, unknown>);
  if (Object.keys(picked).length === 0)
    throw new InvalidQueryError(
      'filter: name at least one of email, type, status, user_id, course_id, academy, since, until',
    );
  return { filter: picked, dryRun: dryRun === true };
}

/**
 * The delivery log's JSON API, under the admin credentials: list and search, one delivery in full,
 * replay. A bad filter answers 400 with one line; nothing a client sends answers 500.
 */
export function deliveriesApi(log: DeliveryLog): Router {
  const router = express.Router();
  router.get('/', async (request, response, next) => {
    try {
      response.json(await log.findDeliveries(queryFrom(request.query as Record<string, unknown>)));
    } catch (error) {
      if (isInvalidQuery(error)) response.status(400).json({ error: 'invalid_query', message: error.message });
      else next(error);
    }
  });
  router.post('/replay', express.json({ limit: '256kb' }), async (request, response, next) => {
    try {
      if (!request.is('application/json'))
        throw new InvalidQueryError('Send the replay as JSON (Content-Type: application/json)');
      const selection = replaySelectionFrom(request.body);
      const result = await log.replayDeliveries(selection);
      response.json(selection.dryRun ? { matched: result.matched } : { replayed: result.replayed });
    } catch (error) {
      if (isInvalidQuery(error)) response.status(400).json({ error: 'invalid_replay', message: error.message });
      else next(error);
    }
  });
  router.get('/:id', async (request, response, next) => {
    try {
      const entry = await log.getDelivery(request.params.id, academyParameter(request.query.academy));
      if (entry === undefined)
        response.status(404).json({ error: 'not_found', message: 'No delivery with this event id in the log' });
      else response.json(entry);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
