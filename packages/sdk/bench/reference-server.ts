// The reference server as `pnpm start` runs it (`node dist/server.js` of packages/example-server,
// built), for the benchmarks: what customers deploy, not only the SDK.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from 'acadle-webhooks-test-harness';

/** The built reference server of this repository; `--server=<path>` points the benchmark at another build. */
export const DEFAULT_SERVER_SCRIPT = join(__dirname, '..', '..', 'example-server', 'dist', 'server.js');

export interface ReferenceServer {
  kind: string;
  port: number;
  child: ChildProcess;
  /** Its DATA_DIR (the embedded PostgreSQL's, on the default). */
  dataDir: string;
  /** Resident memory, handlers run so far and deliveries not yet processed, from the server's own /metrics. */
  stats(): Promise<{ rss: number; processed: number; backlog: number }>;
  /**
   * Resolves once the server has processed what it stored (at most 300 s), so that its worker does
   * not run beside the next server's measurement. Servers without a worker (ROLE=web) resolve at once.
   */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

/** Sums the samples of `name` in a Prometheus text exposition whose labels contain `labels`. */
function sample(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && line.includes(labels)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * Starts the reference server with `env` (plus a fresh DATA_DIR, the port, the token, JSON logs to
 * /dev/null as a log shipper would take them) and resolves once /healthz answers.
 */
export async function startReferenceServer(
  kind: string,
  options: { token: string; env?: Record<string, string>; script?: string },
): Promise<ReferenceServer> {
  const port = await freePort();
  // Embedded PostgreSQL runs as the `postgres` user when we are root: the folder must be enterable.
  const dataDir = mkdtempSync(join(process.env.BENCH_TMPDIR ?? '/tmp', 'acadle-bench-server-'));
  chmodSync(dataDir, 0o755);
  const child = spawn(process.execPath, [options.script ?? DEFAULT_SERVER_SCRIPT], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      WEBHOOK_TOKENS: options.token,
      LOG_PRETTY: '0',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`reference server (${kind}) exited with ${child.exitCode}`);
    const ready = await fetch(`${base}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`reference server (${kind}) did not answer /healthz within 120 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const server: ReferenceServer = {
    kind,
    port,
    child,
    dataDir,
    async stats() {
      const text = await (await fetch(`${base}/metrics`)).text();
      return {
        rss: sample(text, 'process_resident_memory_bytes'),
        processed: sample(text, 'acadle_webhook_events_processed_total{', 'outcome="handled"'),
        backlog: ['waiting', 'active', 'delayed'].reduce(
          (sum, state) => sum + sample(text, 'acadle_webhook_queue_jobs{', `state="${state}"`),
          0,
        ),
      };
    },
    async drained() {
      if (options.env?.ROLE === 'web') return;
      const deadline = Date.now() + 300_000;
      while ((await server.stats()).backlog > 0) {
        if (Date.now() > deadline) throw new Error(`reference server (${kind}) did not drain within 300 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killed = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(killed);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
