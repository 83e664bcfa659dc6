// Starts the reference server as `pnpm start` does (its own process, real backends) and reads its logs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from 'acadle-webhooks-test-harness';

export interface LogLine {
  msg?: string;
  level?: number;
  [field: string]: unknown;
}

export interface ServerProcess {
  port: number;
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Every JSON log line so far. */
  logs: LogLine[];
  /** Everything written to stdout, raw. */
  stdout(): string;
  stderr(): string;
  waitForLog(what: string, predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

// Under Jest (CommonJS) from this file; run as an ES module script (`pnpm screenshots`), from the package folder.
const packageDir = typeof __dirname === 'string' ? join(__dirname, '..') : process.cwd();

/** Spawns the server with `env` added to a clean test environment; resolves once it is listening (or started as a worker). */
export async function startServer(
  env: Record<string, string> = {},
  options: { dataDir?: string; port?: number; waitUntilReady?: boolean } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'acadle-server-'));
  // As `pnpm start` runs it: the built server (`pnpm run build`, which this package's `pnpm test` runs first).
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: packageDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_PRETTY: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let out = '';
  let err = '';
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        logs.push(JSON.parse(line));
      } catch {
        // not a log line
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: ServerProcess = {
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    child,
    logs,
    stdout: () => out,
    stderr: () => err,
    waitForLog: async (what, predicate, timeoutMs = 30_000) =>
      (await waitFor(
        what,
        () => {
          if (child.exitCode !== null)
            throw new Error(`server exited (${child.exitCode}) while waiting for ${what}:\n${err}`);
          return logs.find(predicate);
        },
        timeoutMs,
      )) as LogLine,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    exited,
  };
  if (options.waitUntilReady !== false) {
    await server.waitForLog(
      'the server to start',
      (line) => line.msg === 'listening' || line.msg === 'worker started',
      60_000,
    );
  }
  return server;
}

/** The event ids the server logged as processed. */
export function processedIds(server: ServerProcess): string[] {
  return server.logs.filter((line) => line.msg === 'event processed').map((line) => String(line.eventId));
}

/** POSTs `body` to the webhook endpoint. */
export async function post(
  server: ServerProcess,
  path: string,
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

/** Pids of processes whose command line contains `text` (found in /proc). */
export function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The pid of the embedded PostgreSQL serving `dataDir` (from its `postmaster.pid`). */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** Whether process `pid` runs. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
