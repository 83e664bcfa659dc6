import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { DataDirInUseError, startFailure } from './cannot-start-error.js';
import { forkDatabaseProcess } from './database-process.js';
import { freePort } from './free-port.js';
import { isAlive, isPid, runsWith, waitForExit } from './process-identity.js';

/** A PostgreSQL running inside `DATA_DIR`, started and stopped with the server. */
export interface EmbeddedDatabase {
  connection: { host: string; port: number; user: string; password: string; database: string };
  stop(): Promise<void>;
}

// How the database process is recognized in a command line (see `owner`).
const HELPER = 'database-child-process.mjs';
const ownerFileOf = (dataDir: string) => join(dataDir, 'postgres.owner');

/**
 * What `DATA_DIR/postgres.owner` says, when it still holds: the pid of the server that claimed the
 * directory and, once its PostgreSQL runs, the pid of its database process. A pid counts only while
 * that process is still what it was (a node process; our helper on this very directory): after a
 * reboot the pids may be anyone's.
 */
function owner(dataDir: string, databaseDir: string): { serverPid: number; helperPid?: number } | undefined {
  const ownerFile = ownerFileOf(dataDir);
  if (!existsSync(ownerFile)) return undefined;
  const [serverPid, helperPid] = readFileSync(ownerFile, 'utf8').trim().split(/\s+/).map(Number);
  if (!isPid(serverPid)) return undefined;
  // When nothing can tell what a process is, a live pid is taken for ours: refusing to start is
  // better than stopping another server's database.
  if (isPid(helperPid)) return runsWith(helperPid, [HELPER, databaseDir], true) ? { serverPid, helperPid } : undefined;
  // Claimed, PostgreSQL not started yet.
  return runsWith(serverPid, ['node'], true) ? { serverPid } : undefined;
}

/**
 * Claims `DATA_DIR` for this server, or refuses when another running server has it; when that server
 * has just died, waits (bounded) while its database process stops PostgreSQL, as it does when its
 * server goes away.
 */
async function claimDataDir(dataDir: string, databaseDir: string): Promise<void> {
  const current = owner(dataDir, databaseDir);
  if (current !== undefined) {
    if (current.serverPid !== process.pid && isAlive(current.serverPid))
      throw new DataDirInUseError(dataDir, current.serverPid);
    if (current.helperPid !== undefined) await waitForExit(current.helperPid, 15_000);
  }
  // At once, so that a second server started meanwhile finds the directory taken.
  writeFileSync(ownerFileOf(dataDir), `${process.pid}\n`);
}

/**
 * A server killed with `kill -9` leaves its PostgreSQL running (or at least its `postmaster.pid`).
 * Stops that PostgreSQL, which this server started in this very directory, and clears the lock.
 */
async function recoverStaleInstance(databaseDir: string, logger: Logger): Promise<void> {
  const lockFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  // Only a postgres process serving this directory is ours to stop; when its command line cannot be
  // read, it is left alone.
  const ours = runsWith(pid, ['postgres', databaseDir], false);
  if (ours) {
    logger.warn({ pid }, 'Stopping the embedded PostgreSQL left running by a previous run');
    process.kill(pid, 'SIGINT'); // PostgreSQL's fast shutdown: consistent, no recovery needed
    await waitForExit(pid, 15_000);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (existsSync(lockFile) && !(ours && isAlive(pid))) {
    logger.warn({ lockFile }, 'Removing a stale postmaster.pid left by a crash');
    rmSync(lockFile, { force: true });
  }
}

/**
 * Starts (initialising on first use) the embedded PostgreSQL in `dataDir/postgres`.
 *
 * @throws {DataDirInUseError} when another running server owns `dataDir`: its database is left alone.
 */
export async function startEmbeddedDatabase(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = join(dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  await claimDataDir(dataDir, databaseDir);
  const asRoot = process.getuid?.() === 0;
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its directory
  // inside DATA_DIR (the secrets in DATA_DIR stay readable by their owner only).
  if (asRoot) chmodSync(dataDir, statSync(dataDir).mode | 0o011);
  const passwordFile = join(dataDir, 'postgres-password');
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const chosenPort = port === 0 ? await freePort() : port;
  await recoverStaleInstance(databaseDir, logger);

  const database = await forkDatabaseProcess({
    helperPath: fileURLToPath(new URL(`./${HELPER}`, import.meta.url)),
    databaseDir,
    port: chosenPort,
    password,
    createPostgresUser: asRoot,
    detached: true,
    failure: (message) => startFailure(message, dataDir, asRoot),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'Initialising the embedded PostgreSQL (first start)');
    await database.send('initialise');
  }
  await database.send('start');
  writeFileSync(ownerFileOf(dataDir), `${process.pid} ${database.pid}\n`);
  logger.info({ port: chosenPort, databaseDir }, 'Embedded PostgreSQL started');
  return {
    connection: { host: '127.0.0.1', port: chosenPort, user: 'postgres', password, database: 'postgres' },
    async stop() {
      await database.send('stop');
      rmSync(ownerFileOf(dataDir), { force: true });
      database.disconnect();
    },
  };
}
