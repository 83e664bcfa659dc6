import type { DeliveryFilter, DeliveryLog } from 'acadle-webhooks';
import express, { type Response, type Router } from 'express';
import type { createCsrfToken } from './csrf.js';
import { ADMIN_CSS, confirmPage, deliveryHref, detailPage, listPage, notFoundPage } from './deliveries-view.js';
import { academyParameter, filterFrom, isInvalidQuery, parametersOf, queryFrom } from './delivery-query.js';

// No script and no inline style run on these pages, whatever a payload holds: escaping is the first
// line (html.ts), this policy the second.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function sendPage(response: Response, page: string, status = 200): void {
  response
    .status(status)
    .set({
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
    })
    .type('html')
    .send(page);
}

/**
 * The delivery log's web page, under the admin credentials: a list whose filters live in the URL (a
 * search can be shared, or opened in a new tab), a page per delivery, and replay of one delivery or
 * of everything a filter matches (the count confirmed first). Server-rendered, without script.
 */
export function deliveriesPage(log: DeliveryLog, csrf: ReturnType<typeof createCsrfToken>): Router {
  const router = express.Router();
  router.get('/assets/admin.css', (_, response) => {
    response.type('css').set('cache-control', 'max-age=3600').send(ADMIN_CSS);
  });

  router.get('/', async (request, response, next) => {
    const source = request.query as Record<string, unknown>;
    let filter: DeliveryFilter = {};
    let limit: number | undefined;
    try {
      const query = queryFrom(source);
      ({ limit } = query);
      filter = filterFrom(source);
      const page = await log.findDeliveries(query);
      sendPage(response, listPage({ filter, limit, page, csrf: csrf.token, replayed: source.replayed }));
    } catch (error) {
      if (!isInvalidQuery(error)) return next(error);
      const page = { deliveries: [], next: null };
      sendPage(response, listPage({ filter, limit, page, csrf: csrf.token, error: error.message }), 400);
    }
  });

  router.post('/replay', express.urlencoded({ extended: false, limit: '64kb' }), async (request, response, next) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    if (!csrf.isValid(form.csrf)) {
      response.status(403).type('text').send('Refused: the form is not one this admin served (reload the page)');
      return;
    }
    try {
      if (form.ids !== undefined) {
        const ids = (Array.isArray(form.ids) ? form.ids : [form.ids]).filter(
          (id): id is string => typeof id === 'string',
        );
        // From a delivery's page: that academy's delivery only (the same id may come from two academies).
        const academy = typeof form.academy === 'string' && form.academy !== '' ? form.academy : undefined;
        const { replayed } = await log.replayDeliveries(academy === undefined ? { ids } : { filter: { ids, academy } });
        const page = ids.length === 1 ? deliveryHref(ids[0] as string, academy) : '/admin/deliveries';
        response.redirect(303, `${page}${page.includes('?') ? '&' : '?'}replayed=${replayed}`);
        return;
      }
      const filter = filterFrom(form);
      if (Object.keys(filter).length === 0) {
        sendPage(
          response,
          listPage({
            filter,
            limit: undefined,
            page: { deliveries: [], next: null },
            csrf: csrf.token,
            error: 'Choose a filter before replaying: the page replays what a filter matches.',
          }),
          400,
        );
        return;
      }
      if (form.confirm === undefined) {
        const { matched } = await log.replayDeliveries({ filter, dryRun: true });
        sendPage(response, confirmPage({ filter, matched, csrf: csrf.token }));
        return;
      }
      const { replayed } = await log.replayDeliveries({ filter });
      const parameters = parametersOf(filter);
      parameters.set('replayed', String(replayed));
      response.redirect(303, `/admin/deliveries?${parameters.toString()}`);
    } catch (error) {
      if (!isInvalidQuery(error)) return next(error);
      sendPage(
        response,
        listPage({
          filter: {},
          limit: undefined,
          page: { deliveries: [], next: null },
          csrf: csrf.token,
          error: error.message,
        }),
        400,
      );
    }
  });

  router.get('/:id', async (request, response, next) => {
    try {
      const entry = await log.getDelivery(request.params.id, academyParameter(request.query.academy));
      if (entry === undefined) sendPage(response, notFoundPage(request.params.id), 404);
      else sendPage(response, detailPage(entry, { csrf: csrf.token, replayed: request.query.replayed }));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
