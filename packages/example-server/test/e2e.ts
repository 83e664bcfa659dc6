// What the end-to-end suites share: the token, the built CLI, servers and stores that are stopped after
// each test, and helpers that read the server's metrics and logs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures } from 'acadle-webhooks/testing';
import { type RedisServer, startRedis, waitFor } from 'acadle-webhooks-test-harness';
import { createPostgresBackend, Queue } from 'bullmq';
import { post, processedIds, type ServerProcess, startServer } from './server-process.js';

export const TOKEN = 'e2e_token_0123456789abcdef';
/** The SDK's command line, as built by `pnpm build` (the root `pnpm test` builds it first). */
export const CLI = require.resolve('acadle-webhooks/package.json').replace(/package\.json$/, 'dist/cli/index.js');

/**
 * Servers, Redis instances and other resources that a test starts, all stopped after each test
 * (registers the `afterEach` hook; call it once at the top of a test file).
 */
export function e2eResources() {
  const running: ServerProcess[] = [];
  const redisServers: RedisServer[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    // The test's own connections first: closed by PostgreSQL's shutdown, they would report errors.
    for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => {});
    for (const started of running.splice(0)) await started.stop('SIGKILL');
    for (const started of redisServers.splice(0)) await started.stop();
  });
  return {
    cleanups,
    async server(env: Record<string, string>, options?: Parameters<typeof startServer>[1]) {
      const started = await startServer(env, options);
      running.push(started);
      return started;
    },
    async redis() {
      const started = await startRedis();
      redisServers.push(started);
      return started;
    },
  };
}

/** Reads the ids of completed jobs straight from the server's embedded PostgreSQL. */
export async function completedEventIds(
  target: ServerProcess,
  cleanups: (() => Promise<unknown>)[],
): Promise<() => Promise<Set<string>>> {
  const started = await target.waitForLog('the database port', (line) => line.msg === 'Embedded PostgreSQL started');
  const password = readFileSync(join(target.dataDir, 'postgres-password'), 'utf8').trim();
  const connection = {
    host: '127.0.0.1',
    port: Number(started.port),
    user: 'postgres',
    password,
    database: 'postgres',
  };
  const queue = new Queue('acadle-webhooks', { connection }, createPostgresBackend);
  cleanups.push(() => queue.close());
  return async () => {
    const jobs = await queue.getJobs(['completed'], 0, -1);
    return new Set(jobs.map((job) => String(job.data.id)));
  };
}

/** The sum of the samples whose line matches `line` (0 when none does). */
export async function metric(target: ServerProcess, line: RegExp): Promise<number> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  const rows = text.split('\n').filter((row) => line.test(row));
  return rows.reduce((sum, row) => sum + Number(row.split(' ').at(-1)), 0);
}

/** Posts Acadle's five documented examples, and checks each is acknowledged and processed once. */
export async function postAllFixtures(target: ServerProcess, path: string) {
  for (const body of Object.values(fixtures)) {
    const answer = await post(target, path, body);
    expect(answer).toEqual({ status: 200, body: { received: true, id: JSON.parse(body).id, duplicate: false } });
  }
  await waitFor('five events processed', () => processedIds(target).length === 5);
  const processed = target.logs.filter((line) => line.msg === 'event processed');
  expect(processed.map((line) => line.type).sort()).toEqual(Object.keys(fixtures).sort());
  for (const line of processed) expect(line).toMatchObject({ attempt: 1, durationMs: expect.any(Number) });
}
