// autocannon against one benchmark server: for a time (load), or a number of deliveries (post).
import autocannon from 'autocannon';
import { bodyTemplate, nextSequence, webhookUrl } from './deliveries.js';

/** What a load generator needs of a server: its name for errors, and its port. */
export interface LoadTarget {
  kind: string;
  port: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

/** POSTs of `bytes`-byte deliveries, each with a new event id. */
function deliveryRequests(bytes: number): autocannon.Request[] {
  const body = bodyTemplate(bytes);
  return [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: body(nextSequence()) }),
    },
  ];
}

/** Requests per second, p50 and p99 of `seconds` of load; fails on any non-2xx, error or timeout. */
export async function load(
  server: LoadTarget,
  seconds: number,
  connections: number,
  bytes: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: webhookUrl(server.port),
    connections,
    duration: seconds,
    requests: deliveryRequests(bytes),
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${server.kind}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Posts `amount` 1 KiB deliveries with new ids, 50 connections at most; fails on any non-2xx or error. */
export async function post(server: LoadTarget, amount: number): Promise<void> {
  const result = await autocannon({
    url: webhookUrl(server.port),
    connections: Math.min(50, amount),
    amount,
    requests: deliveryRequests(1024),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${server.kind}: ${result.non2xx} non-2xx, ${result.errors} errors while posting ${amount}`);
}
