/** The logging calls the SDK makes: pino's signature, so a pino logger fits as is. */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const ignore = () => {};

/** A logger that writes nothing: the default, since a library should not print unasked. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
