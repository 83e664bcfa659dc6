// Real servers for integration tests: a throwaway Debian `redis-server` and an embedded PostgreSQL,
// each on a free loopback port with its own data directory. Never mocks; never skips.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// One copy of the embedded-PostgreSQL process protocol: the reference server's.
import { forkDatabaseProcess, freePort } from 'acadle-webhooks-embedded-database/process';

export { freePort };

const DATABASE_PROCESS = require.resolve('acadle-webhooks-embedded-database/database-child-process.mjs');

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    }).catch(() => false);
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Nothing listened on port ${port} within ${timeoutMs} ms`);
}

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts again on the same port and directory (the AOF brings the data back). */
  start(): Promise<void>;
  /** SIGSTOP: connections are still accepted by the kernel, but nothing is answered (a hung Redis). */
  freeze(): void;
  /** SIGCONT after `freeze`: Redis answers again, including what was sent meanwhile. */
  thaw(): void;
  stop(): Promise<void>;
}

/** Starts `redis-server` (appendonly on, `appendfsync always`) on a free port; fails clearly when it is missing. */
export async function startRedis(extraArguments: string[] = []): Promise<RedisServer> {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('redis-server is not installed: apt-get install -y redis-server (bash .ci/run does it)');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'acadle-redis-'));
  chmodSync(dir, 0o755);
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes'];
      args.push('--appendfsync', 'always', '--save', '', ...extraArguments);
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await waitForPort(port, 10_000);
    },
    async kill() {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child?.kill('SIGKILL');
      await exited;
    },
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async stop() {
      if (child && child.exitCode === null) await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

export interface PostgresServer {
  port: number;
  connection: { host: string; port: number; user: string; password: string; database: string };
  start(): Promise<void>;
  /** Stops the server (fast shutdown), keeping its data. */
  pause(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts an embedded PostgreSQL in a temporary directory on a free port, in a child process driven
 * by the same code as the reference server's embedded default (its crash handling included).
 */
export async function startPostgres(): Promise<PostgresServer> {
  const port = await freePort();
  const databaseDir = mkdtempSync(join(tmpdir(), 'acadle-pg-'));
  const password = 'test-password';
  const database = await forkDatabaseProcess({
    helperPath: DATABASE_PROCESS,
    databaseDir,
    port,
    password,
    createPostgresUser: process.getuid?.() === 0,
  });
  await database.send('initialise');
  const server: PostgresServer = {
    port,
    connection: { host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' },
    start: () => database.send('start'),
    pause: () => database.send('stop'),
    async stop() {
      await database.send('stop').catch(() => {});
      database.disconnect();
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
