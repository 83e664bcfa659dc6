import { pino } from 'pino';
import type { Config } from './config.js';
import { traceLogFields } from './trace-log-fields.js';

/** JSON logs on stdout; pretty when stdout is a terminal or LOG_PRETTY=1. */
export function createLogger(config: Config) {
  return pino({
    level: config.log.level,
    base: { service: 'acadle-webhooks', role: config.role },
    // Basic credentials of the admin routes, and anything named like a secret.
    redact: ['req.headers.authorization', '*.password', '*.token', '*.tokens'],
    // With tracing on, each line written during a request or an attempt carries its traceId and spanId.
    mixin: config.tracing ? traceLogFields : undefined,
    transport: config.log.pretty ? { target: 'pino-pretty', options: { colorize: true } } : undefined,
  });
}
