import { resolve } from 'node:path';
import { z } from 'zod';
import { academiesFromEntries, readAcademiesFile } from './academies.js';
import { commaSeparated } from './comma-separated.js';
import { duration } from './duration.js';
import { redisConnectionFromEnv, redisEnvironment } from './redis-connection-from-env.js';
import { TRACING_ENVIRONMENT, tracingConfig } from './tracing-config.js';

// Environment -> typed configuration, validated once at start. Everything else receives `Config`.

/**
 * `WEBHOOK_TOKENS`: `token` (the academy `default`) or `academy=token` entries, grouped by academy in
 * their order. A bad entry is named by its position, never by its text (it may hold a token).
 */
const webhookTokens = commaSeparated.transform((entries, context) => {
  const read = academiesFromEntries(entries);
  if ('academies' in read) return read.academies;
  context.addIssue({ code: 'custom', message: read.problem });
  return z.NEVER;
});

const flag = z.enum(['0', '1', 'true', 'false']).transform((value) => value === '1' || value === 'true');

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).optional(),
  QUEUE_BACKEND: z.enum(['embedded', 'redis', 'postgres', 'memory']).optional(),
  ...redisEnvironment,
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  WEBHOOK_TOKENS: webhookTokens.optional(),
  ACADEMIES_FILE: z.string().min(1).optional(),
  WEBHOOK_AUTH: z.enum(['token', 'none']).default('token'),
  ADMIN_USER: z.string().min(1).default('admin'),
  ADMIN_PASSWORD: z.string().min(8, 'at least 8 characters').optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(4),
  WORKER_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  WORKER_BACKOFF_MS: z.coerce.number().int().min(1).default(1000),
  WORKER_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  RETENTION_PROCESSED: duration.prefault('7d'),
  RETENTION_DEAD_LETTERS: duration.prefault('30d'),
  PROCESSING_SHARE: z.coerce.number().gt(0, 'above 0').max(1, 'at most 1').default(0.3),
  // Replaced by PROCESSING_SHARE: refused rather than ignored, so an old setting is not silently lost.
  PROCESSING_YIELD_MS: z
    .never({ error: 'replaced by PROCESSING_SHARE (0.3 by default; 1 never holds processing back)' })
    .optional(),
  FORWARD_URL: z.url({ protocol: /^https?$/ }).optional(),
  FORWARD_TIMEOUT_MS: z.coerce.number().int().min(1).default(5000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: flag.optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  ...TRACING_ENVIRONMENT,
});

/** The server's configuration. */
export type Config = ReturnType<typeof loadConfig>;

/** The default data directory: `.data` in this package. */
const defaultDataDir = resolve(import.meta.dirname, '..', '.data');

/** Reads and checks the environment; throws `ConfigError` with one line naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = environment.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${String(issue?.path[0])}: ${issue?.message}`);
  }
  const values = parsed.data;
  const redis = redisConnectionFromEnv(values);
  if (redis.problem) throw new ConfigError(redis.problem);
  const queueBackend =
    values.QUEUE_BACKEND ?? (redis.connection ? 'redis' : values.DATABASE_URL ? 'postgres' : 'embedded');
  if (queueBackend === 'redis' && !redis.connection) {
    throw new ConfigError('REDIS_URL: required with QUEUE_BACKEND=redis (or REDIS_SENTINELS, or REDIS_CLUSTER_NODES)');
  }
  if (values.REDIS_MIN_REPLICAS > 0 && queueBackend !== 'redis') {
    throw new ConfigError(`REDIS_MIN_REPLICAS: Redis only, not QUEUE_BACKEND=${queueBackend}`);
  }
  if (queueBackend === 'postgres' && !values.DATABASE_URL) {
    throw new ConfigError('DATABASE_URL: required with QUEUE_BACKEND=postgres');
  }
  if (values.ACADEMIES_FILE && values.WEBHOOK_TOKENS?.length) {
    throw new ConfigError('ACADEMIES_FILE: set it or WEBHOOK_TOKENS, not both (list every academy in the file)');
  }
  const academiesFile = values.ACADEMIES_FILE && resolve(values.ACADEMIES_FILE);
  let webhookAcademies = values.WEBHOOK_TOKENS?.length ? values.WEBHOOK_TOKENS : undefined;
  if (academiesFile) {
    try {
      webhookAcademies = readAcademiesFile(academiesFile);
    } catch (error) {
      throw new ConfigError(`ACADEMIES_FILE: ${(error as Error).message}`);
    }
  }
  const shared = queueBackend === 'redis' || queueBackend === 'postgres';
  if (shared && !webhookAcademies && values.WEBHOOK_AUTH !== 'none' && values.ROLE !== 'worker') {
    throw new ConfigError(
      `WEBHOOK_TOKENS: required with QUEUE_BACKEND=${queueBackend}, or ACADEMIES_FILE (or WEBHOOK_AUTH=none to accept unauthenticated deliveries)`,
    );
  }
  if ((queueBackend === 'embedded' || queueBackend === 'memory') && values.ROLE !== 'all') {
    throw new ConfigError(
      `ROLE: web and worker need a shared queue (QUEUE_BACKEND=redis or postgres), not ${queueBackend}`,
    );
  }
  return {
    port: values.PORT,
    host: values.HOST,
    publicUrl: values.PUBLIC_URL,
    dataDir: resolve(values.DATA_DIR ?? defaultDataDir),
    queueBackend,
    redis: redis.connection,
    /** Replicas that must hold a delivery before it is acknowledged (Redis `WAIT`). */
    redisMinReplicas: values.REDIS_MIN_REPLICAS,
    databaseUrl: values.DATABASE_URL,
    embeddedPostgresPort: values.EMBEDDED_POSTGRES_PORT,
    role: values.ROLE,
    /** The academies and their tokens, from `WEBHOOK_TOKENS` or `ACADEMIES_FILE` (`undefined` when neither is set). */
    webhookAcademies,
    /** `ACADEMIES_FILE`, resolved: read again on SIGHUP. */
    academiesFile: academiesFile || undefined,
    webhookAuth: values.WEBHOOK_AUTH,
    admin: values.ADMIN_PASSWORD ? { username: values.ADMIN_USER, password: values.ADMIN_PASSWORD } : undefined,
    worker: {
      concurrency: values.WORKER_CONCURRENCY,
      attempts: values.WORKER_ATTEMPTS,
      backoffMs: values.WORKER_BACKOFF_MS,
      // A crashed worker's jobs are taken over after this long (lock expiry, then the next stalled check).
      lockDurationMs: values.WORKER_LOCK_MS,
      stalledIntervalMs: values.WORKER_LOCK_MS,
    },
    /** How long processed deliveries and dead letters are kept (the dedupe window is apart: 7 days). */
    retention: { processedMs: values.RETENTION_PROCESSED, deadLettersMs: values.RETENTION_DEAD_LETTERS },
    // ROLE=all only: processing's share of its unhindered rate while requests are being answered.
    processingShare: values.ROLE === 'all' ? values.PROCESSING_SHARE : 1,
    forward: values.FORWARD_URL ? { url: values.FORWARD_URL, timeoutMs: values.FORWARD_TIMEOUT_MS } : undefined,
    log: { level: values.LOG_LEVEL, pretty: values.LOG_PRETTY ?? Boolean(process.stdout.isTTY) },
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    tracing: tracingConfig(values),
  };
}

/** A configuration problem, reported as one line at start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'invalid_config';
}

/** `loadConfig()`, or, on a bad value, one line on stderr naming the variable and exit code 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
}
