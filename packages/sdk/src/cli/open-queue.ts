import { createRequire } from 'node:module';
import type * as BullMQEntry from '../queue/bullmq/index.js';
import { silentLogger } from '../shared/logger.js';
import { withTimeout } from '../shared/with-timeout.js';
import { CliError } from './cli-io.js';

/** Where `dead-letters` finds the queue: exactly one of `--redis`, `--redis-cluster` and `--postgres`, and `--queue`. */
export interface StoreOptions {
  redis?: string;
  redisCluster?: string;
  postgres?: string;
  queue?: string;
}

/** A queue opened for `dead-letters`, with the SDK's BullMQ entry it was built from. */
export interface OpenedQueue {
  bullmq: typeof BullMQEntry;
  queue: BullMQEntry.BullMQQueue;
  /** Closes the queue and its connections (so that the process can exit), giving up after a few seconds. */
  close(): Promise<void>;
}

/** The store `--redis`, `--redis-cluster` or `--postgres` names. */
export interface QueueStore {
  backend: 'redis' | 'postgres';
  url: string;
  /** With `--redis-cluster`: its nodes, `host:port` each. */
  clusterNodes?: string[];
}

// A variable, not a literal: TypeScript would resolve the literal to the built dist/, and loading it
// here only (external in the bundle) lets every other command run without bullmq installed.
const BULLMQ_ENTRY: string = 'acadle-webhooks/bullmq';
const CONNECT_TIMEOUT_MS = 5000;
const CLOSE_TIMEOUT_MS = 5000;

const PROTOCOLS = { redis: ['redis:', 'rediss:'], postgres: ['postgres:', 'postgresql:'] };
const EXAMPLES = { redis: 'redis://127.0.0.1:6379', postgres: 'postgres://user:password@127.0.0.1:5432/database' };
const NAMES = { redis: 'Redis', postgres: 'PostgreSQL' };

/** The store named by `--redis` or `--postgres`; a one-line error unless exactly one, and a URL of its kind. */
export function storeOf(options: StoreOptions): QueueStore {
  if ([options.redis, options.redisCluster, options.postgres].filter((option) => option !== undefined).length > 1)
    throw new CliError('Use one of --redis, --redis-cluster and --postgres: the dead letters are in one of them');
  if (options.redisCluster !== undefined) {
    const clusterNodes = options.redisCluster.split(',').map((node) => node.trim());
    if (!clusterNodes.every((node) => /^[^\s,:]+:\d{1,5}$/.test(node)))
      throw new CliError(`Invalid --redis-cluster "${options.redisCluster}": expected host:port,host:port,…`);
    return { backend: 'redis', url: clusterNodes.join(','), clusterNodes };
  }
  const backend = options.redis !== undefined ? 'redis' : options.postgres !== undefined ? 'postgres' : undefined;
  if (backend === undefined)
    throw new CliError(`Name where the queue is: --redis ${EXAMPLES.redis} or --postgres ${EXAMPLES.postgres}`);
  const url = options[backend] as string;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (!PROTOCOLS[backend].includes(protocol))
    throw new CliError(`Invalid --${backend} "${withoutPassword(url)}": expected a URL such as ${EXAMPLES[backend]}`);
  return { backend, url };
}

/** The URL without its password, to print. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Whether `name` resolves from this package, as the SDK's BullMQ entry resolves its peers. */
function isInstalled(name: string): boolean {
  try {
    createRequire(__filename).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** The SDK's BullMQ entry; a one-line error naming what to install when bullmq or the driver is missing. */
async function loadBullMQ(backend: QueueStore['backend']): Promise<typeof BullMQEntry> {
  const needed = ['bullmq', backend === 'redis' ? 'ioredis' : 'pg'];
  const missing = new CliError(
    `dead-letters${backend === 'redis' ? '' : ' --postgres'} needs ${needed.join(' and ')}: npm install ${needed.join(' ')}`,
  );
  // Checked first: BullMQ itself loads the driver only once it connects, with an error of its own.
  if (!needed.every(isInstalled)) throw missing;
  try {
    return (await import(BULLMQ_ENTRY)) as typeof BullMQEntry;
  } catch (error) {
    const { code } = (error ?? {}) as { code?: unknown };
    if (code === 'missing_peer' || code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw missing;
    throw error;
  }
}

/**
 * Loads the SDK's BullMQ entry (bullmq and its driver with it), opens the queue `queueName` (the
 * SDK's default when unset) in `store`, and checks that the store answers; one-line errors for
 * what is missing or unreachable.
 */
export async function openQueue(store: QueueStore, queueName: string | undefined): Promise<OpenedQueue> {
  const bullmq = await loadBullMQ(store.backend);
  // Silent: the command reports what fails itself, in one line on its own output.
  const common = { queueName, logger: silentLogger };
  const queue = new bullmq.BullMQQueue(
    store.backend === 'redis'
      ? { redis: store.clusterNodes ? { clusterNodes: store.clusterNodes } : store.url, ...common }
      : { postgres: { connectionString: store.url }, ...common },
  );
  const close = () => withTimeout(queue.close(), CLOSE_TIMEOUT_MS, () => new Error('close timed out')).catch(() => {});
  try {
    // Redis reconnects forever and the ping would only time out: its first connection error is the answer.
    const connectionError = new Promise<never>((_, reject) => queue.queue.once('error', reject));
    await Promise.race([queue.ping(CONNECT_TIMEOUT_MS), connectionError]);
  } catch (error) {
    await close();
    // Not `instanceof Error`: errors of Node's own modules come from another realm under Jest.
    const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
    // BullMQ's advice (run the migrations) is for servers: a database without its schema is most likely the wrong one.
    const reason =
      name === 'SchemaMigrationRequiredError'
        ? 'no BullMQ queue was ever stored there (its schema is missing); is it the database your server uses?'
        : typeof message === 'string'
          ? message
          : String(error);
    throw new CliError(
      `Cannot read the queue from ${NAMES[store.backend]} at ${withoutPassword(store.url)}: ${reason}`,
    );
  }
  return { bullmq, queue, close };
}
