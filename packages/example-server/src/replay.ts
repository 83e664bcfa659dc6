// pnpm --filter acadle-webhooks-example-server replay [--status S] [--type T] [--since ISO] [--id ID] [--dry-run]
// Puts dead letters (or processed deliveries) back in the queue, with the server's own configuration (same environment).
import { parseArgs } from 'node:util';
import { BullMQQueue, type RedisConnection } from 'acadle-webhooks/bullmq';
import {
  type EmbeddedDatabase,
  orExitWhenCannotStart,
  runningEmbeddedDatabase,
  startEmbeddedDatabase,
} from 'acadle-webhooks-embedded-database';
import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';

const { values } = parseArgs({
  options: {
    status: { type: 'string', default: 'dead' },
    type: { type: 'string' },
    since: { type: 'string' },
    id: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`Usage: pnpm --filter acadle-webhooks-example-server replay [--status S] [--type T] [--since ISO] [--id ID ...] [--dry-run]

Re-enqueues dead letters (failed deliveries) of the server's queue, or processed ones with --status processed.
  --status S    dead (the default) or processed
  --type T      only events of type T
  --since ISO   only deliveries received at or after this time (e.g. 2026-11-28T00:00:00Z)
  --id ID       only this event id (repeatable)
  --dry-run     count what would be replayed, change nothing
Uses the server's environment variables (QUEUE_BACKEND, REDIS_URL, DATABASE_URL, DATA_DIR).`);
  process.exit(0);
}
if (values.status !== 'dead' && values.status !== 'processed') {
  console.error(`Invalid --status "${values.status}": dead or processed`);
  process.exit(1);
}
if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) {
  console.error(`Invalid --since "${values.since}": expected an ISO 8601 time such as 2026-11-28T00:00:00Z`);
  process.exit(1);
}

const config = loadConfigOrExit();
if (config.queueBackend === 'memory') {
  console.error('QUEUE_BACKEND=memory keeps dead letters inside the server process: nothing to replay from here.');
  process.exit(1);
}
const logger = createLogger({ ...config, log: { ...config.log, level: 'warn' } });

/** The embedded database: the running server's, or started for the replay. */
async function embeddedConnection(): Promise<{
  connection: EmbeddedDatabase['connection'];
  stop?: () => Promise<void>;
}> {
  const running = runningEmbeddedDatabase(config.dataDir);
  if (running) return { connection: running };
  const database = await startEmbeddedDatabase(config.dataDir, config.embeddedPostgresPort, logger);
  return { connection: database.connection, stop: () => database.stop() };
}

const embedded =
  config.queueBackend === 'embedded' ? await orExitWhenCannotStart(embeddedConnection(), 'Cannot replay') : undefined;
const queue = new BullMQQueue(
  config.queueBackend === 'redis'
    ? { redis: config.redis as RedisConnection }
    : {
        postgres: embedded
          ? { ...embedded.connection, migrate: true }
          : { connectionString: config.databaseUrl, migrate: true },
      },
);
try {
  const { matched, replayed } = await queue.replayDeliveries({
    filter: { status: values.status as 'dead' | 'processed', type: values.type, since: values.since, ids: values.id },
    dryRun: values['dry-run'],
  });
  const count = values['dry-run'] ? matched : replayed;
  const nouns = values.status === 'dead' ? ['dead letter', 'dead letters'] : ['delivery', 'deliveries'];
  console.log(`${values['dry-run'] ? 'Would replay' : 'Replayed'} ${count} ${nouns[count === 1 ? 0 : 1]}.`);
} finally {
  await queue.close();
  await embedded?.stop?.();
}
