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

/** A logger that writes nothing: the default, since a library should not print unasked. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

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
