// What the admin tests share: the reference server (embedded default, as `pnpm start` runs it) with
// admin credentials, forwarding to a sink that fails while `sinkUp` is false, and helpers to post
// deliveries and call the admin API with or without the credentials.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryLogEntry, DeliveryPage } from 'acadle-webhooks';
import { waitFor } from 'acadle-webhooks-test-harness';
import { post, type ServerProcess, startServer } from './server-process.js';

export const ADMIN_TOKEN = 'admin_test_token_0123456789ab';
export const ADMIN_PASSWORD = 'admin-password-4567';
export const AUTHORIZATION = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

/** A learner's name and email that would run script if any page put them in HTML unescaped. */
export const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
export const HOSTILE_EMAIL = '<img src=x onerror="window.__pwned=3">@x.com';

export interface AdminFixture {
  target: ServerProcess;
  sink: { up: boolean; received: number };
  /** POSTs a delivery to the webhook endpoint; resolves with the status. */
  send(event: object): Promise<number>;
  /** Calls the admin API (JSON) with the admin credentials unless `headers` replace them. */
  api<T = unknown>(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T }>;
  entry(id: string): Promise<DeliveryLogEntry>;
  list(query: string): Promise<DeliveryPage>;
  /** Waits until the log shows `id` in `status`. */
  waitForStatus(id: string, status: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startAdminFixture(env: Record<string, string> = {}): Promise<AdminFixture> {
  const sink = { up: true, received: 0 };
  const sinkServer: Server = createServer((request, response) => {
    request.resume().on('end', () => {
      sink.received += 1;
      response.writeHead(sink.up ? 204 : 500).end();
    });
  });
  await new Promise<void>((resolve) => sinkServer.listen(0, '127.0.0.1', resolve));
  const target = await startServer({
    WEBHOOK_TOKENS: ADMIN_TOKEN,
    ADMIN_PASSWORD,
    FORWARD_URL: `http://127.0.0.1:${(sinkServer.address() as AddressInfo).port}/`,
    WORKER_ATTEMPTS: '1',
    ...env,
  });
  const api: AdminFixture['api'] = async (path, init = {}) => {
    const response = await fetch(`${target.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: AUTHORIZATION,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text.
    }
    return { status: response.status, body: body as never };
  };
  const fixture: AdminFixture = {
    target,
    sink,
    send: async (event) => (await post(target, `/webhooks/acadle/${ADMIN_TOKEN}`, JSON.stringify(event))).status,
    api,
    entry: async (id) => (await api<DeliveryLogEntry>(`/admin/api/deliveries/${encodeURIComponent(id)}`)).body,
    list: async (query) => (await api<DeliveryPage>(`/admin/api/deliveries?${query}`)).body,
    waitForStatus: async (id, status) => {
      let last: unknown;
      try {
        await waitFor(
          `${id} ${status}`,
          async () => {
            last = (await api<DeliveryLogEntry>(`/admin/api/deliveries/${encodeURIComponent(id)}`)).body;
            return (last as DeliveryLogEntry | undefined)?.status === status;
          },
          30_000,
        );
      } catch (error) {
        // What the log said last, and what the server warned about, tell why (a CI run timed out here once).
        const warnings = target.logs.filter((line) => Number(line.level) >= 40);
        throw new Error(
          `${(error as Error).message}; last answer ${JSON.stringify(last)}; warnings ${JSON.stringify(warnings)}`,
        );
      }
    },
    async stop() {
      await target.stop('SIGTERM');
      await new Promise<void>((resolve) => sinkServer.close(() => resolve()));
    },
  };
  return fixture;
}
