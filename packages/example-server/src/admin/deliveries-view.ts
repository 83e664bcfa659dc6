import {
  DELIVERY_STATUSES,
  type DeliveryFilter,
  type DeliveryLogEntry,
  type DeliveryPage,
  parseEvent,
} from 'acadle-webhooks';
import { parametersOf } from './delivery-query.js';
import { type Html, html } from './html.js';

const BASE = '/admin/deliveries';

/** The link to one delivery's page. */
/** A delivery's page; outside `default`, its academy says which of the same id from two academies. */
export const deliveryHref = (id: string, academy?: string | null) =>
  `${BASE}/${encodeURIComponent(id)}${academy && academy !== 'default' ? `?academy=${encodeURIComponent(academy)}` : ''}`;

function layout(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · acadle-webhooks</title>
<link rel="stylesheet" href="${BASE}/assets/admin.css">
</head>
<body>
<header><a href="${BASE}">Deliveries</a> <a href="/admin/queues">Queue internals (Bull Board)</a></header>
<main>
${body}
</main>
</body>
</html>
`.text;
}

const status = (value: string) => html`<span class="status status-${value}">${value}</span>`;

/** A notice after a replay, from the `replayed` parameter of the redirect (a number, or nothing). */
function replayedNotice(replayed: unknown): Html | undefined {
  if (typeof replayed !== 'string' || !/^\d+$/.test(replayed)) return undefined;
  const count = Number(replayed);
  return html`<p class="notice" role="status">Replayed ${count} ${count === 1 ? 'delivery' : 'deliveries'}.</p>`;
}

function filterForm(filter: DeliveryFilter, limit: number | undefined): Html {
  const field = (name: string, label: string, value: string | undefined, placeholder = '') =>
    html`<label>${label} <input name="${name}" value="${value ?? ''}" placeholder="${placeholder}"></label>`;
  return html`<form class="filters" method="get" action="${BASE}">
${field('email', 'Email', filter.email as string | undefined, 'jane@example.com')}
${field('user_id', 'User id', filter.userId)}
${field('course_id', 'Course id', filter.courseId)}
${field('type', 'Type', filter.type, 'user_course_completed')}
<label>Status <select name="status"><option value="">any</option>${DELIVERY_STATUSES.map(
    (value) => html`<option${filter.status === value ? html` selected` : ''}>${value}</option>`,
  )}</select></label>
${field('academy', 'Academy', filter.academy)}
${field('since', 'Since', filter.since as string | undefined, '2026-11-28T00:00:00Z')}
${field('until', 'Until', filter.until as string | undefined, '2026-11-29T00:00:00Z')}
${limit === undefined ? '' : html`<input type="hidden" name="limit" value="${limit}">`}
<button type="submit">Search</button> <a href="${BASE}">Clear</a>
</form>`;
}

/** The list page: the filters (in the URL), a page of deliveries, the next page, and bulk replay. */
export function listPage(options: {
  filter: DeliveryFilter;
  limit: number | undefined;
  page: DeliveryPage;
  csrf: string;
  replayed?: unknown;
  error?: string;
}): string {
  const { filter, page, csrf } = options;
  const rows = page.deliveries.map(
    (entry) => html`<tr>
<td><time>${entry.receivedAt}</time></td>
<td><a href="${deliveryHref(entry.id, entry.academy)}">${entry.id}</a></td>
<td>${entry.type}</td>
<td>${status(entry.status)}</td>
<td>${entry.email ?? ''}${entry.userId ? html` <span class="muted">#${entry.userId}</span>` : ''}</td>
<td>${entry.courseId ?? ''}</td>
<td>${entry.attempts.length}</td>
<td class="error">${entry.attempts.at(-1)?.error ?? ''}</td>
</tr>`,
  );
  const next = new URLSearchParams(parametersOf(filter));
  if (options.limit !== undefined) next.set('limit', String(options.limit));
  if (page.next !== null) next.set('cursor', page.next);
  const hidden = [...parametersOf(filter)].map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  const filtered = [...parametersOf(filter)].length > 0;
  return layout(
    'Deliveries',
    html`<h1>Deliveries</h1>
${replayedNotice(options.replayed)}
${options.error ? html`<p class="problem" role="alert">${options.error}</p>` : ''}
${filterForm(filter, options.limit)}
<table class="deliveries">
<thead><tr><th>Received</th><th>Event id</th><th>Type</th><th>Status</th><th>Learner</th><th>Course</th><th>Attempts</th><th>Last error</th></tr></thead>
<tbody>
${rows.length > 0 ? rows : html`<tr><td colspan="8" class="muted">No deliveries match.</td></tr>`}
</tbody>
</table>
${page.next === null ? '' : html`<p><a rel="next" href="${BASE}?${next.toString()}">Older deliveries →</a></p>`}
${
  filtered
    ? html`<form class="bulk" method="post" action="${BASE}/replay">
<input type="hidden" name="csrf" value="${csrf}">
${hidden}
<button type="submit">Replay everything this filter matches…</button> <span class="muted">(all pages; you confirm the count first)</span>
</form>`
    : ''
}`,
  );
}

/** The confirmation of a bulk replay: how many processed or dead deliveries the filter matches. */
export function confirmPage(options: { filter: DeliveryFilter; matched: number; csrf: string }): string {
  const { filter, matched, csrf } = options;
  const parameters = parametersOf(filter);
  const hidden = [...parameters].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  const criteria = [...parameters].map(([name, value]) => html`<li><code>${name}</code> = ${value}</li>`);
  return layout(
    'Confirm replay',
    html`<h1>Replay ${matched} ${matched === 1 ? 'delivery' : 'deliveries'}?</h1>
<p>${matched} processed or dead ${matched === 1 ? 'delivery matches' : 'deliveries match'}:</p>
<ul>${criteria}</ul>
<p class="muted">Deliveries still waiting, active or retrying are left alone: they run anyway. Each replayed delivery runs its handlers again.</p>
${
  matched === 0
    ? html`<p><a href="${BASE}?${parameters.toString()}">Back</a></p>`
    : html`<form method="post" action="${BASE}/replay">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="confirm" value="${matched}">
${hidden}
<button type="submit">Replay ${matched}</button> <a href="${BASE}?${parameters.toString()}">Cancel</a>
</form>`
}`,
  );
}

function parsedEvent(body: string): Html {
  const result = parseEvent(body);
  if (result.ok) return html`<pre class="json">${JSON.stringify(result.event.data, null, 2)}</pre>`;
  return html`<p class="problem">${result.error.message}</p><ul>${result.error.issues.map(
    (issue) => html`<li><code>${issue.path.join('.') || '(body)'}</code>: ${issue.message}</li>`,
  )}</ul>`;
}

/** One delivery: what it is about, the parsed event, every attempt, the raw body, and a replay button. */
export function detailPage(entry: DeliveryLogEntry, options: { csrf: string; replayed?: unknown }): string {
  const fields: [string, string | number | null | undefined][] = [
    ['Event id', entry.id],
    ['Type', entry.type],
    ['Received', entry.receivedAt],
    ['Academy', entry.academy],
    ['User id', entry.userId],
    ['Email', entry.email],
    ['Course id', entry.courseId],
    ['Lesson id', entry.lessonId],
    ['Certificate id', entry.certificateId],
    ['Badge id', entry.badgeId],
    ['Next retry', entry.nextRetryAt],
    ['Duplicates', entry.duplicates],
    ['Conflicts', entry.conflicts],
    ['Replayed', entry.replays.join(', ') || null],
    ['Remote address', entry.request?.remoteAddress],
    ['User agent', entry.request?.userAgent],
  ];
  const finished = entry.status === 'processed' || entry.status === 'dead';
  return layout(
    `Delivery ${entry.id}`,
    html`<h1>Delivery <code>${entry.id}</code> ${status(entry.status)}</h1>
${replayedNotice(options.replayed)}
<dl class="fields">${fields.map(([label, value]) => html`<dt>${label}</dt><dd>${value ?? '–'}</dd>`)}</dl>
<form method="post" action="${BASE}/replay">
<input type="hidden" name="csrf" value="${options.csrf}">
<input type="hidden" name="ids" value="${entry.id}">
${entry.academy === null ? '' : html`<input type="hidden" name="academy" value="${entry.academy}">`}
<button type="submit"${finished ? '' : html` disabled title="Waiting, active or retrying: it runs anyway"`}>Replay this delivery</button>
</form>
<h2>Attempts</h2>
<table class="attempts"><thead><tr><th>#</th><th>Started</th><th>Duration</th><th>Error</th></tr></thead><tbody>
${
  entry.attempts.length === 0
    ? html`<tr><td colspan="4" class="muted">None yet.</td></tr>`
    : entry.attempts.map(
        (attempt) =>
          html`<tr><td>${attempt.attempt}</td><td>${attempt.startedAt}</td><td>${attempt.durationMs} ms</td><td class="error">${attempt.error ?? 'processed'}</td></tr>`,
      )
}
</tbody></table>
<h2>Event data, as the handlers see it</h2>
${parsedEvent(entry.body)}
<h2>Body, as received</h2>
<pre class="body">${entry.body}</pre>`,
  );
}

/** The page of a delivery the log does not have. */
export function notFoundPage(id: string): string {
  return layout(
    'Not found',
    html`<h1>No delivery <code>${id}</code></h1><p>The log has none with this event id: it may never have come, or be older than the retention.</p><p><a href="${BASE}">All deliveries</a></p>`,
  );
}

/** The admin pages' style sheet (served from the same origin: the pages allow no inline style or script). */
export const ADMIN_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f7f8fa; }
header { background: #1d2330; padding: 10px 24px; }
header a { color: #fff; margin-right: 18px; text-decoration: none; }
main { padding: 16px 24px; }
h1 { font-size: 20px; }
h2 { font-size: 16px; margin-top: 28px; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin-bottom: 16px; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: #555; }
.filters input, .filters select { font: inherit; padding: 4px 6px; min-width: 150px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
td time { white-space: nowrap; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
th { font-size: 12px; color: #555; }
td.error { color: #a3261b; max-width: 420px; overflow-wrap: anywhere; }
.status { padding: 1px 7px; border-radius: 9px; font-size: 12px; background: #e3e6eb; }
.status-processed { background: #d5f0dc; } .status-dead { background: #f7d4d0; }
.status-retrying { background: #fbe8c0; } .status-active { background: #d3e4fb; }
.muted { color: #777; }
.notice { background: #d5f0dc; padding: 8px 12px; } .problem { background: #f7d4d0; padding: 8px 12px; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: #fff; padding: 12px; }
dt { color: #555; } dd { margin: 0; overflow-wrap: anywhere; }
pre { background: #fff; padding: 12px; overflow: auto; border: 1px solid #e3e6eb; white-space: pre-wrap; overflow-wrap: anywhere; }
.bulk { margin-top: 16px; }
button { font: inherit; padding: 5px 12px; }
`;
