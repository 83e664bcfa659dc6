import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/** A PostgreSQL running inside `DATA_DIR`, started and stopped with the server. */
export interface EmbeddedDatabase {
  connection: { host: string; port: number; user: string; password: string; database: string };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A server killed with `kill -9` leaves its PostgreSQL running (or at least its `postmaster.pid`).
 * Stops that PostgreSQL, which this server started in this very directory, and clears the lock.
 */
async function recoverStaleInstance(databaseDir: string, logger: Logger): Promise<void> {
  const lockFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  let ours = false;
  try {
    // Only a postgres process serving this directory is ours to stop: after a reboot the pid may be anyone's.
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    ours = commandLine.includes('postgres') && commandLine.includes(databaseDir);
  } catch {
    ours = false;
  }
  if (Number.isInteger(pid) && pid > 0 && ours && isAlive(pid)) {
    logger.warn({ pid }, 'Stopping the embedded PostgreSQL left running by a previous run');
    process.kill(pid, 'SIGINT'); // PostgreSQL's fast shutdown: consistent, no recovery needed
    const deadline = Date.now() + 15_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (existsSync(lockFile) && !(ours && isAlive(pid))) {
    logger.warn({ lockFile }, 'Removing a stale postmaster.pid left by a crash');
    rmSync(lockFile, { force: true });
  }
}

/**
 * The connection to the embedded PostgreSQL a running server started in `dataDir` (its port is in
 * `postmaster.pid`), or `undefined` when none runs.
 */
export function runningEmbeddedDatabase(dataDir: string): EmbeddedDatabase['connection'] | undefined {
  const lockFile = join(dataDir, 'postgres', 'postmaster.pid');
  const passwordFile = join(dataDir, 'postgres-password');
  if (!existsSync(lockFile) || !existsSync(passwordFile)) return undefined;
  const [pid, , , port] = readFileSync(lockFile, 'utf8').split('\n');
  if (!isAlive(Number(pid))) return undefined;
  const password = readFileSync(passwordFile, 'utf8').trim();
  return { host: '127.0.0.1', port: Number(port), user: 'postgres', password, database: 'postgres' };
}

/** Starts (initialising on first use) the embedded PostgreSQL in `dataDir/postgres`. */
export async function startEmbeddedDatabase(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = join(dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its directory
  // inside DATA_DIR (the secrets in DATA_DIR stay readable by their owner only).
  if (asRoot) chmodSync(dataDir, statSync(dataDir).mode | 0o011);
  const passwordFile = join(dataDir, 'postgres-password');
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const chosenPort = port === 0 ? await freePort() : port;
  await recoverStaleInstance(databaseDir, logger);

  const child = fork(
    fileURLToPath(new URL('./embedded-database-process.mjs', import.meta.url)),
    [databaseDir, String(chosenPort), password, String(asRoot)],
    {
      detached: true,
      execArgv: [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`The embedded PostgreSQL process exited with ${code}`)));
  });
  let sequence = 0;
  const send = (command: 'initialise' | 'start' | 'stop') =>
    new Promise<void>((resolve, reject) => {
      const id = (sequence += 1);
      const listener = (message: { id?: number; ok?: boolean; message?: string }) => {
        if (message.id !== id) return;
        child.off('message', listener);
        if (message.ok) resolve();
        else reject(new Error(`Embedded PostgreSQL ${command} failed: ${message.message}`));
      };
      child.on('message', listener);
      child.send({ id, command });
    });

  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'Initialising the embedded PostgreSQL (first start)');
    await send('initialise');
  }
  await send('start');
  logger.info({ port: chosenPort, databaseDir }, 'Embedded PostgreSQL started');
  return {
    connection: { host: '127.0.0.1', port: chosenPort, user: 'postgres', password, database: 'postgres' },
    async stop() {
      await send('stop');
      child.disconnect();
    },
  };
}
