import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProcessor, type Delivery, silentLogger } from 'acadle-webhooks';
import { createEvent } from 'acadle-webhooks/testing';
import {
  freePort,
  type PostgresServer,
  type RedisServer,
  startPostgres,
  startRedis,
  startRedisCluster,
  waitFor,
} from 'acadle-webhooks-test-harness';
import type { CliIo } from '../src/cli/cli-io.js';
import { runCli } from '../src/cli/run-cli.js';
import {
  BullMQQueue,
  type BullMQQueueOptions,
  type BullMQWorkerOptions,
  createBullMQWorker,
  DEFAULT_QUEUE_NAME,
} from '../src/queue/bullmq/index.js';

jest.setTimeout(30_000);

function io(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin: (async function* () {})(),
    out: () => out,
    err: () => err,
  };
}

/** Runs the command line in-process; the output with the exit code. */
async function cli(...args: string[]) {
  const streams = io();
  const code = await runCli(args, streams);
  return { code, out: streams.out(), err: streams.err() };
}

const REQUEST = { remoteAddress: '203.0.113.7', userAgent: 'Acadle-Webhooks/1.0', contentType: 'application/json' };

function delivery(body: object): Delivery {
  const text = JSON.stringify(body);
  const { id, type } = JSON.parse(text);
  return { id, type, body: text, receivedAt: new Date().toISOString(), request: REQUEST };
}

type Connection =
  | { redis: string | { clusterNodes: string[] } }
  | { postgres: { connectionString: string; migrate: true } };

let redis: RedisServer;
let postgres: PostgresServer;
let sequence = 0;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  // The CLI loads the built `acadle-webhooks/bullmq`, as it does once installed: `pnpm test` builds it first.
  const built = await import('acadle-webhooks/bullmq' as string);
  if (typeof built.BullMQQueue.prototype.findDeliveries !== 'function')
    throw new Error('dist/ is older than src/: run `npx tsup` first');
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  await Promise.all([redis?.stop(), postgres?.stop()]);
});

/**
 * A queue whose worker runs `user_registered` and `user_course_completed` handlers that throw
 * while `failing` is set, one attempt each; invalid payloads become dead letters at once.
 */
function queueWith(connection: Connection) {
  sequence += 1;
  const queueName = `deliveries-${sequence}-${Date.now()}`;
  const queue = new BullMQQueue({ ...connection, queueName, logger: silentLogger } as BullMQQueueOptions);
  const state = { failing: true, processed: [] as { id: string; attempt: number }[] };
  const handler = (event: { id: string }, context: { attempt: number }) => {
    if (state.failing) throw new Error('CRM unreachable');
    state.processed.push({ id: event.id, attempt: context.attempt });
  };
  // Silent: these dead letters are made on purpose.
  const worker = createBullMQWorker(
    createProcessor({ handlers: { user_registered: handler, user_course_completed: handler }, logger: silentLogger }),
    { ...connection, queueName, attempts: 1, logger: silentLogger } as BullMQWorkerOptions,
  );
  cleanups.push(
    () => worker.close(),
    () => queue.close(),
  );
  /** Enqueues the bodies and waits until the log holds `total` dead letters. */
  async function deadLetter(bodies: object[], total: number) {
    for (const body of bodies) await queue.enqueue(delivery(body));
    await waitFor(
      `${total} dead letters`,
      async () => (await queue.listDeadLetters({ limit: 500 })).deliveries.length === total,
    );
  }
  return { queue, queueName, state, deadLetter };
}

const lastLine = (out: string) => out.trim().split('\n').at(-1);

describe('acadle-webhooks dead-letters and deliveries on Redis', () => {
  const registered = createEvent('user_registered', { data: { user: { email: 'Jane@X.com', id: 42 } } });
  const completed = createEvent('user_course_completed', { data: { course: { id: 77 } } });
  const invalid = createEvent('user_registered', { data: { user: { created_at: 'not a date' } } });
  let fixture: ReturnType<typeof queueWith>;
  let between: string;
  let args: string[];

  beforeAll(async () => {
    fixture = queueWith({ redis: redis.url });
    await fixture.deadLetter([registered, completed], 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fixture.deadLetter([invalid], 3);
    args = ['--redis', redis.url, '--queue', fixture.queueName];
  });

  it('lists each dead letter, newest first: received at, event id, type, status, email, attempts, last error', async () => {
    const { code, out } = await cli('dead-letters', 'list', ...args);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^received at\s+event id\s+event type\s+status\s+email\s+attempts\s+last error$/);
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toBe('3 dead letters.');
    const entry = await fixture.queue.getDelivery(registered.id);
    expect(lines.find((line) => line.includes(registered.id))).toMatch(
      new RegExp(
        `^${entry?.receivedAt}\\s+${registered.id}\\s+user_registered\\s+dead\\s+jane@x\\.com\\s+1\\s+CRM unreachable$`,
      ),
    );
    expect(lines[1]).toContain(invalid.id);
    expect(lines.find((line) => line.includes(invalid.id))).toContain('data.user.created_at');
  });

  it('prints the page as JSON with --json, as findDeliveries answers it', async () => {
    const { code, out } = await cli('dead-letters', 'list', ...args, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(await fixture.queue.findDeliveries({ status: 'dead' }));
    expect(JSON.parse(out).deliveries).toHaveLength(3);
  });

  it('says "No dead letters." for a queue without any', async () => {
    const { code, out } = await cli('dead-letters', 'list', '--redis', redis.url, '--queue', 'no-such-queue');
    expect(code).toBe(0);
    expect(out).toBe('No dead letters.\n');
  });

  it.each([
    ['--type', () => ['--type', 'user_course_completed'], () => [completed.id]],
    ['--id (repeatable)', () => ['--id', registered.id, '--id', invalid.id], () => [invalid.id, registered.id]],
    ['--since', () => ['--since', between], () => [invalid.id]],
    ['--until', () => ['--until', between], () => [completed.id, registered.id]],
    ['--email, without case', () => ['--email', 'JANE@x.com'], () => [registered.id]],
    ['--user-id', () => ['--user-id', '42'], () => [registered.id]],
    ['--course-id', () => ['--course-id', '77'], () => [completed.id]],
    ['--status', () => ['--status', 'dead', '--type', 'user_registered'], () => [invalid.id, registered.id]],
    ['--limit', () => ['--limit', '1'], () => [invalid.id]],
  ])('picks deliveries with %s', async (_, filter, expected) => {
    const { code, out } = await cli('deliveries', 'list', ...args, ...filter(), '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out).deliveries.map((entry: { id: string }) => entry.id)).toEqual(expected());
  });

  it('goes on from a cursor that a list printed', async () => {
    const first = await cli('deliveries', 'list', ...args, '--limit', '2');
    const cursor = lastLine(first.out)?.match(/more with --cursor (\S+)$/)?.[1];
    expect(cursor).toBeDefined();
    const rest = await cli('deliveries', 'list', ...args, '--limit', '2', '--cursor', cursor as string, '--json');
    expect(JSON.parse(rest.out).deliveries.map((entry: { id: string }) => entry.id)).toEqual([registered.id]);
  });

  it('shows one delivery in full: attempts, duplicates, conflicts, request metadata and its body, exactly', async () => {
    const { code, out } = await cli('deliveries', 'show', invalid.id, ...args);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^event id\\s+${invalid.id}$`, 'm'));
    expect(out).toMatch(/^status\s+dead$/m);
    expect(out).toMatch(/^duplicates\s+0$/m);
    expect(out).toMatch(/^remote address\s+203\.0\.113\.7$/m);
    expect(out).toMatch(/^user agent\s+Acadle-Webhooks\/1\.0$/m);
    expect(out).toMatch(/^attempts:\n#\s+started at\s+duration\s+error\n1\s+\S+\s+\d+ ms\s+.*data\.user\.created_at/m);
    expect(out.endsWith(`body (as received):\n${JSON.stringify(invalid)}\n`)).toBe(true);

    const json = await cli('dead-letters', 'show', invalid.id, ...args, '--json');
    expect(JSON.parse(json.out)).toEqual(await fixture.queue.getDelivery(invalid.id));
    expect(JSON.parse(json.out)).toMatchObject({ body: JSON.stringify(invalid), request: REQUEST });
  });

  it('exits 1 with one line when show finds no such delivery', async () => {
    const { code, out, err } = await cli('dead-letters', 'show', 'no-such-event', ...args);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`Error: No dead letter with event id "no-such-event" in queue "${fixture.queueName}"\n`);
  });

  it('changes nothing with replay --dry-run, and says how many it would replay', async () => {
    const { code, out } = await cli('dead-letters', 'replay', ...args, '--dry-run');
    expect(code).toBe(0);
    expect(out).toBe('Would replay 3 dead letters.\n');
    const json = await cli(
      'deliveries',
      'replay',
      ...args,
      '--status',
      'dead',
      '--type',
      'user_registered',
      '--dry-run',
      '--json',
    );
    expect(JSON.parse(json.out)).toEqual({ matched: 2 });
    expect((await fixture.queue.listDeadLetters()).deliveries).toHaveLength(3);
  });

  it('refuses a replay that names nothing, rather than replaying every delivery', async () => {
    const { code, err } = await cli('deliveries', 'replay', ...args);
    expect(code).toBe(1);
    expect(err).toBe('Error: Name what to replay: --id, or a filter such as --status dead or --type and --since\n');
  });

  it('replays the chosen dead letters, then processed ones: each handler runs again', async () => {
    const { queue, state, deadLetter } = queueWith({ redis: redis.url });
    const first = createEvent('user_registered');
    const second = createEvent('user_course_completed');
    await deadLetter([first, second], 2);
    state.failing = false;
    const where = ['--redis', redis.url, '--queue', queue.queue.name];

    const { code, out } = await cli('dead-letters', 'replay', ...where, '--id', first.id);
    expect(code).toBe(0);
    expect(out).toBe('Replayed 1 dead letter.\n');
    await waitFor('the replayed event processed', () => state.processed.length === 1);
    expect(state.processed).toEqual([{ id: first.id, attempt: 1 }]);
    expect((await queue.listDeadLetters()).deliveries.map((entry) => entry.id)).toEqual([second.id]);

    const rest = await cli('dead-letters', 'replay', ...where, '--json');
    expect(JSON.parse(rest.out)).toEqual({ replayed: 1 });
    await waitFor('both processed', () => state.processed.length === 2);
    await waitFor(
      'both logged as processed',
      async () => (await queue.findDeliveries({ status: 'processed' })).deliveries.length === 2,
    );

    const again = await cli('deliveries', 'replay', ...where, '--status', 'processed', '--type', 'user_registered');
    expect(again.out).toBe('Replayed 1 delivery.\n');
    await waitFor('processed once more', () => state.processed.length === 3);
    expect(state.processed.at(-1)).toEqual({ id: first.id, attempt: 1 });
    expect((await queue.getDelivery(first.id))?.replays).toHaveLength(2);
  });

  it.each([
    [[], 'Error: Name where the queue is: --redis redis://127.0.0.1:6379 or --postgres'],
    [
      ['--redis', 'redis://127.0.0.1:1', '--postgres', 'postgres://u@127.0.0.1:1/d'],
      'Error: Use one of --redis, --redis-cluster and --postgres',
    ],
    [
      ['--redis-cluster', 'redis://127.0.0.1:7000'],
      'Error: Invalid --redis-cluster "redis://127.0.0.1:7000": expected',
    ],
    [['--redis', 'localhost:6379'], 'Error: Invalid --redis "localhost:6379": expected a URL such as redis://'],
    [
      ['--redis', 'redis://127.0.0.1:1', '--since', 'yesterday'],
      'Error: Invalid --since "yesterday": expected an ISO 8601 time',
    ],
    [
      ['--redis', 'redis://127.0.0.1:1', '--status', 'lost'],
      'Error: Invalid --status: "lost" is none of waiting, active, retrying, processed, dead',
    ],
    [['--redis', 'redis://127.0.0.1:1', '--limit', '0'], "error: option '--limit <n>' argument '0' is invalid"],
  ])('refuses %j with one line, before connecting', async (options, message) => {
    const { code, out, err } = await cli('deliveries', 'list', ...options);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.split('\n')[0]).toContain(message);
  });

  it('says in one line that nothing answers where Redis should be', async () => {
    const port = await freePort();
    const { code, err } = await cli('dead-letters', 'list', '--redis', `redis://127.0.0.1:${port}`);
    expect(code).toBe(1);
    expect(err).toBe(
      `Error: Cannot read the queue from Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
  });
});

describe('acadle-webhooks dead-letters on Redis Cluster', () => {
  it('lists and replays dead letters with --redis-cluster', async () => {
    const cluster = await startRedisCluster(3);
    cleanups.push(() => cluster.stop());
    const { queueName, state, deadLetter } = queueWith({ redis: { clusterNodes: cluster.addresses.split(',') } });
    const failed = createEvent('user_registered');
    await deadLetter([failed], 1);
    const args = ['--redis-cluster', cluster.addresses, '--queue', queueName, '--json'];
    const listed = await cli('dead-letters', 'list', ...args);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out).deliveries).toEqual([expect.objectContaining({ id: failed.id, status: 'dead' })]);
    state.failing = false;
    const replayed = await cli('dead-letters', 'replay', ...args);
    expect(JSON.parse(replayed.out)).toEqual({ replayed: 1 });
    await waitFor('processed after the replay', () => state.processed.some((entry) => entry.id === failed.id));
  });
});

describe('acadle-webhooks deliveries on PostgreSQL', () => {
  it('lists, shows and replays', async () => {
    const { user, password, host, port, database } = postgres.connection;
    const url = `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
    const { queue, state, deadLetter } = queueWith({ postgres: { connectionString: url, migrate: true } });
    const event = createEvent('user_course_completed', { data: { user: { email: 'ann@x.com' } } });
    await deadLetter([event], 1);
    const args = ['--postgres', url, '--queue', queue.queue.name];

    const listed = await cli('deliveries', 'list', ...args, '--email', 'ann@x.com', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out).deliveries).toEqual([
      expect.objectContaining({ id: event.id, type: 'user_course_completed', status: 'dead' }),
    ]);
    expect((await cli('deliveries', 'show', event.id, ...args)).out).toContain(JSON.stringify(event));

    state.failing = false;
    const replayed = await cli('dead-letters', 'replay', ...args);
    expect(replayed.out).toBe('Replayed 1 dead letter.\n');
    await waitFor('the replayed event processed', () => state.processed.length === 1);
    expect(await queue.queue.getFailedCount()).toBe(0);
  });

  it('says in one line that a database without BullMQ tables is likely the wrong one', async () => {
    const { user, password, host, port } = postgres.connection;
    const url = `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/template1`;
    const { code, err } = await cli('dead-letters', 'list', '--postgres', url);
    expect(code).toBe(1);
    expect(err).toBe(
      `Error: Cannot read the queue from PostgreSQL at ${url.replace(encodeURIComponent(password), '***')}: no BullMQ queue was ever stored there (its schema is missing); is it the database your server uses?\n`,
    );
  });
});

describe('acadle-webhooks dead-letters without its peers', () => {
  /** The built package alone in a project, with its dependencies but none of its optional peers. */
  function installedWithoutPeers(): string {
    const project = mkdtempSync(join(tmpdir(), 'acadle-no-peers-'));
    const installed = join(project, 'node_modules', 'acadle-webhooks');
    mkdirSync(installed, { recursive: true });
    cpSync(join(__dirname, '..', 'package.json'), join(installed, 'package.json'));
    cpSync(join(__dirname, '..', 'dist'), join(installed, 'dist'), { recursive: true });
    for (const dependency of ['commander', 'zod', 'cli-progress'])
      symlinkSync(
        realpathSync(join(__dirname, '..', 'node_modules', dependency)),
        join(project, 'node_modules', dependency),
      );
    cleanups.push(async () => rmSync(project, { recursive: true, force: true }));
    return installed;
  }

  it('runs the other commands and --version, and says in one line what dead-letters needs', () => {
    const installed = installedWithoutPeers();
    // Without the NODE_PATH that pnpm's bin shims set (it reaches every package of the workspace).
    const { NODE_PATH: _, ...env } = process.env;
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(installed, 'dist', 'cli', 'index.js'), ...args], { encoding: 'utf8', env });
    expect(JSON.parse(run('example', 'user_registered').stdout).type).toBe('user_registered');
    // The built file reads the package.json at the package root, next to dist/.
    expect(run('--version').stdout).toBe(
      `${JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version}\n`,
    );
    const redisRun = run('dead-letters', 'list', '--redis', redis.url);
    expect(redisRun.status).toBe(1);
    expect(redisRun.stderr).toBe('Error: dead-letters needs bullmq and ioredis: npm install bullmq ioredis\n');
    const postgresRun = run('dead-letters', 'replay', '--postgres', 'postgres://u@127.0.0.1:1/d');
    expect(postgresRun.stderr).toBe('Error: dead-letters --postgres needs bullmq and pg: npm install bullmq pg\n');
  });
});

describe('acadle-webhooks --version', () => {
  it.each(['--version', '-V'])('prints the version from package.json with %s', async (flag) => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    expect(await cli(flag)).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it("names the SDK's default queue in the help of deliveries and dead-letters", async () => {
    expect((await cli('deliveries', 'list', '--help')).out).toContain(`(default: "${DEFAULT_QUEUE_NAME}")`);
    const { code, out } = await cli('dead-letters', 'list', '--help');
    expect(code).toBe(0);
    expect(out).toContain(`(default: "${DEFAULT_QUEUE_NAME}")`);
  });
});
