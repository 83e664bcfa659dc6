/** The logging calls the SDK makes: pino's signature, so a pino logger fits as is. */
export interface Logger {
  /** Routine detail, such as a refused request. */
  debug(fields: object, message?: string): void;
  /** A normal event worth noting, such as an event type without a handler. */
  info(fields: object, message?: string): void;
  /** A problem the SDK recovered from, such as a retry or an unauthenticated receiver. */
  warn(fields: object, message?: string): void;
  /** A failure that needs attention, such as a delivery moved to the dead letters. */
  error(fields: object, message?: string): void;
  /** A logger that adds `bindings` to every line (pino's `child`); optional. */
  child?(bindings: object): Logger;
}

const ignore = () => {};

/** A logger that writes nothing: give it as `logger` to silence the SDK. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/** An error as a log field: its name, message and code (an `Error` would print as `{}`). */
function describeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const { code } = error as { code?: unknown };
  return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
}

function writeLine(level: 'warn' | 'error', fields: object, message: string | undefined): void {
  const { err, ...rest } = fields as { err?: unknown };
  let details: string;
  try {
    details = JSON.stringify(err === undefined ? rest : { ...rest, err: describeError(err) });
  } catch {
    details = '{}';
  }
  console.error(`[acadle-webhooks] ${level}: ${message ?? ''} ${details === '{}' ? '' : details}`.trimEnd());
}

/**
 * The default logger: warnings and errors on stderr, one line each (a failing handler, a dead letter,
 * a refused request, a queue that cannot store), debug and info dropped. Give a pino logger (or any
 * {@link Logger}) for more, or {@link silentLogger} for nothing.
 *
 * @example
 * ```ts
 * createReceiver({ queue, auth, logger: consoleLogger }); // the same as leaving `logger` out
 * ```
 */
export const consoleLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: (fields, message) => writeLine('warn', fields, message),
  error: (fields, message) => writeLine('error', fields, message),
};

/** `logger.child(bindings)`, or an equivalent wrapper for loggers without `child`. */
export function childLogger(logger: Logger, bindings: object): Logger {
  if (typeof logger.child === 'function') return logger.child(bindings);
  const bound = (write: (fields: object, message?: string) => void) => (fields: object, message?: string) =>
    write.call(logger, { ...bindings, ...fields }, message);
  return {
    debug: bound(logger.debug),
    info: bound(logger.info),
    warn: bound(logger.warn),
    error: bound(logger.error),
    child: (more) => childLogger(logger, { ...bindings, ...more }),
  };
}
