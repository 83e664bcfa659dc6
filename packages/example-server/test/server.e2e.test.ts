import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent, fixtures } from 'acadle-webhooks/testing';
import { type RedisServer, startPostgres, startRedis, waitFor } from 'acadle-webhooks-test-harness';
import { createPostgresBackend, Queue } from 'bullmq';
import {
  isRunning,
  post,
  postmasterPid,
  processedIds,
  processesMentioning,
  type ServerProcess,
  startServer,
} from './server-process.js';

const TOKEN = 'e2e_token_0123456789abcdef';
/** The SDK's command line, as built by `pnpm build` (the root `pnpm test` builds it first). */
const CLI = require.resolve('acadle-webhooks/package.json').replace(/package\.json$/, 'dist/cli/index.js');
const running: ServerProcess[] = [];
const redisServers: RedisServer[] = [];
const cleanups: (() => Promise<void>)[] = [];

async function server(env: Record<string, string>, options?: Parameters<typeof startServer>[1]) {
  const started = await startServer(env, options);
  running.push(started);
  return started;
}

async function redis() {
  const started = await startRedis();
  redisServers.push(started);
  return started;
}

afterEach(async () => {
  // The test's own connections first: closed by PostgreSQL's shutdown, they would report errors.
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => {});
  for (const started of running.splice(0)) await started.stop('SIGKILL');
  for (const started of redisServers.splice(0)) await started.stop();
});

/** Reads the ids of completed jobs straight from the server's embedded PostgreSQL. */
async function completedEventIds(target: ServerProcess): Promise<() => Promise<Set<string>>> {
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
async function metric(target: ServerProcess, line: RegExp): Promise<number> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  const rows = text.split('\n').filter((row) => line.test(row));
  return rows.reduce((sum, row) => sum + Number(row.split(' ').at(-1)), 0);
}

async function postAllFixtures(target: ServerProcess, path: string) {
  for (const body of Object.values(fixtures)) {
    const answer = await post(target, path, body);
    expect(answer).toEqual({ status: 200, body: { received: true, id: JSON.parse(body).id, duplicate: false } });
  }
  await waitFor('five events processed', () => processedIds(target).length === 5);
  const processed = target.logs.filter((line) => line.msg === 'event processed');
  expect(processed.map((line) => line.type).sort()).toEqual(Object.keys(fixtures).sort());
  for (const line of processed) expect(line).toMatchObject({ attempt: 1, durationMs: expect.any(Number) });
}

describe('the reference server', () => {
  it('memory mode: warns it is not durable, processes the five examples, counts them, and processes a duplicate once', async () => {
    const target = await server({ QUEUE_BACKEND: 'memory', WEBHOOK_TOKENS: TOKEN, WORKER_CONCURRENCY: '1' });
    expect(target.logs.some((line) => line.level === 40 && /not durable/.test(String(line.msg)))).toBe(true);
    await postAllFixtures(target, `/webhooks/acadle/${TOKEN}`);
    const again = await post(target, `/webhooks/acadle?token=${TOKEN}`, fixtures.user_registered);
    expect(again.body.duplicate).toBe(true);
    expect(await metric(target, /^acadle_webhook_requests_total\{status="200",/)).toBe(6);
    expect(await metric(target, /^acadle_webhook_requests_total\{status="200",result="duplicate"\}/)).toBe(1);
    expect(
      await metric(target, /^acadle_webhook_events_processed_total\{type="user_registered",outcome="handled"\}/),
    ).toBe(1);
    expect(await metric(target, /^acadle_webhook_enqueue_duration_seconds_count/)).toBe(6);
    expect(processedIds(target)).toHaveLength(5);
    // Exactly one line per processed event, an unknown type included.
    const unknown = await post(target, `/webhooks/acadle/${TOKEN}`, '{"id":"u-1","type":"user_quiz_passed","data":{}}');
    expect(unknown.status).toBe(200);
    // WORKER_CONCURRENCY=1 works in order: once a later event is processed, u-1 has no attempt left running.
    await post(target, `/webhooks/acadle/${TOKEN}`, '{"id":"u-2","type":"user_quiz_passed","data":{}}');
    await waitFor('a later event processed', () => processedIds(target).includes('u-2'));
    expect(target.logs.filter((line) => line.eventId === 'u-1')).toEqual([
      expect.objectContaining({ msg: 'event processed', outcome: 'unknown' }),
    ]);
    for (const body of Object.values(fixtures)) {
      expect(target.logs.filter((line) => line.eventId === JSON.parse(body).id).map((line) => line.msg)).toEqual([
        'event processed',
      ]);
    }
    expect((await post(target, '/webhooks/acadle/wrong_token_0123456789', fixtures.user_registered)).status).toBe(401);
    expect(JSON.stringify(target.logs)).not.toContain(TOKEN);
  });

  it('embedded mode: generates a token, prints the endpoint URL, processes events durably, and stops cleanly', async () => {
    const target = await server({ ADMIN_PASSWORD: 'admin-password-1' });
    const token = readFileSync(join(target.dataDir, 'webhook-token'), 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(target.stdout()).toContain(`http://localhost:${target.port}/webhooks/acadle/${token}`);
    await postAllFixtures(target, `/webhooks/acadle/${token}`);
    expect((await fetch(`${target.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${target.url}/healthz`)).status).toBe(200);
    // The log line comes as the handler returns; BullMQ marks the job completed just after.
    await waitFor(
      'five completed jobs',
      async () => (await metric(target, /^acadle_webhook_queue_jobs\{state="completed"\}/)) === 5,
    );

    // Bull Board on the Postgres backend, behind Basic auth.
    expect((await fetch(`${target.url}/admin/queues`)).status).toBe(401);
    const board = await fetch(`${target.url}/admin/queues/api/queues`, {
      headers: { authorization: `Basic ${Buffer.from('admin:admin-password-1').toString('base64')}` },
    });
    expect(board.status).toBe(200);
    expect(JSON.stringify(await board.json())).toContain('acadle-webhooks');

    expect(await target.stop('SIGTERM')).toBe(0);
    expect(target.logs.at(-1)?.msg).toBe('stopped');
    expect(JSON.stringify(target.logs)).not.toContain(token);

    // Same data directory: the token is kept, and the events are remembered as duplicates.
    const restarted = await server({}, { dataDir: target.dataDir });
    const again = await post(restarted, `/webhooks/acadle/${token}`, fixtures.user_badge_updated);
    expect(again).toEqual({ status: 200, body: { received: true, id: 'b2c2eUgzU2lWcTkx', duplicate: true } });
  });

  it('embedded mode: after kill -9 mid-stream and a restart, every acknowledged event is processed', async () => {
    // A short lock, so that jobs the killed process held are taken over within seconds.
    const env = { WEBHOOK_TOKENS: TOKEN, WORKER_LOCK_MS: '2000' };
    const first = await server(env);
    const deliveries = Array.from({ length: 120 }, () => JSON.stringify(createEvent('user_lessons_completed')));
    const acknowledged = new Set<string>();
    let sent = 0;
    const stream = (async () => {
      for (const body of deliveries) {
        sent += 1;
        const answer = await post(first, `/webhooks/acadle/${TOKEN}`, body).catch(() => undefined);
        if (answer?.status === 200) acknowledged.add(JSON.parse(body).id);
        if (answer === undefined) break;
      }
    })();
    await waitFor('some deliveries acknowledged', () => acknowledged.size >= 30);
    await first.stop('SIGKILL');
    await stream;
    expect(acknowledged.size).toBeLessThan(deliveries.length);

    const second = await server(env, { dataDir: first.dataDir });
    // Acadle retries what was not acknowledged. A retry of an acknowledged event is a duplicate; an
    // unacknowledged one may be too (stored just before the crash, its answer lost), or may be new.
    for (const body of deliveries) {
      const { id } = JSON.parse(body);
      const answer = await post(second, `/webhooks/acadle/${TOKEN}`, body);
      expect(answer.status).toBe(200);
      if (acknowledged.has(id)) expect(answer.body.duplicate).toBe(true);
    }
    // The queue itself is the record: log lines written just before a kill -9 may never reach stdout.
    const completed = await completedEventIds(second);
    await waitFor(
      'every delivery processed',
      async () => {
        const done = await completed();
        return deliveries.every((body) => done.has(JSON.parse(body).id));
      },
      60_000,
    );
    expect(sent).toBeGreaterThanOrEqual(acknowledged.size);
  });

  it('embedded mode: recovers a PostgreSQL left running by a crash of both the server and its database process', async () => {
    const first = await server({ WEBHOOK_TOKENS: TOKEN });
    const body = JSON.stringify(createEvent('user_registered'));
    expect((await post(first, `/webhooks/acadle/${TOKEN}`, body)).status).toBe(200);
    // Kill the database helper first, so nothing stops PostgreSQL: as in a crash of the whole group.
    const helper = processesMentioning(`embedded-database-process.mjs ${join(first.dataDir, 'postgres')}`);
    expect(helper).toHaveLength(1);
    process.kill(helper[0] as number, 'SIGKILL');
    await first.stop('SIGKILL');
    // PostgreSQL keeps running, orphaned (its command line is no count of it: a backend it forks shows
    // the same one until it renames itself).
    const orphan = postmasterPid(first.dataDir);
    expect(isRunning(orphan)).toBe(true);
    // Should this test fail before the second server stops it, the orphan must not outlive the test.
    cleanups.push(async () => {
      if (isRunning(orphan)) process.kill(orphan, 'SIGKILL');
    });

    const second = await server({ WEBHOOK_TOKENS: TOKEN }, { dataDir: first.dataDir });
    expect(
      second.logs.find((line) => line.msg === 'Stopping the embedded PostgreSQL left running by a previous run'),
    ).toMatchObject({ pid: orphan });
    expect(isRunning(orphan)).toBe(false);
    expect((await post(second, `/webhooks/acadle/${TOKEN}`, body)).body.duplicate).toBe(true);
  });

  it('embedded mode: a second server on the same DATA_DIR refuses to start and leaves the first one running', async () => {
    const first = await server({ WEBHOOK_TOKENS: TOKEN });
    const postgres = postmasterPid(first.dataDir);
    // The database password is in no command line (any local user can list those).
    const password = readFileSync(join(first.dataDir, 'postgres-password'), 'utf8').trim();
    expect(processesMentioning(password)).toEqual([]);
    const second = await server({ WEBHOOK_TOKENS: TOKEN }, { dataDir: first.dataDir, waitUntilReady: false });
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(
      `Cannot start: DATA_DIR ${first.dataDir} is in use by another running server (pid ${first.child.pid}).`,
    );
    expect(
      second.logs.some((line) => line.msg === 'Stopping the embedded PostgreSQL left running by a previous run'),
    ).toBe(false);
    // The first server's database was not touched: same PostgreSQL process, and it still stores and processes.
    expect(postmasterPid(first.dataDir)).toBe(postgres);
    expect(isRunning(postgres)).toBe(true);
    const body = JSON.stringify(createEvent('user_registered'));
    expect((await post(first, `/webhooks/acadle/${TOKEN}`, body)).status).toBe(200);
    await waitFor('the event processed', () => processedIds(first).includes(JSON.parse(body).id));
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);

    // Once the first stops cleanly, the same DATA_DIR starts again and keeps what was stored.
    expect(await first.stop('SIGTERM')).toBe(0);
    const third = await server({ WEBHOOK_TOKENS: TOKEN }, { dataDir: first.dataDir });
    expect((await post(third, `/webhooks/acadle/${TOKEN}`, body)).body.duplicate).toBe(true);
  });

  it('embedded mode: a DATA_DIR claimed by a live server that has not started PostgreSQL yet is in use; a dead claim is not', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'acadle-claimed-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // A claim by a live node process (this test runner) that has not started its database yet.
    writeFileSync(join(dataDir, 'postgres.owner'), `${process.pid}\n`);
    const refused = await server({ WEBHOOK_TOKENS: TOKEN }, { dataDir, waitUntilReady: false });
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toContain(`is in use by another running server (pid ${process.pid})`);
    // A claim left by a process that is gone (a crash during start) does not stop the next start.
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(dataDir, 'postgres.owner'), `${gone}\n`);
    const started = await server({ WEBHOOK_TOKENS: TOKEN }, { dataDir });
    expect(readFileSync(join(dataDir, 'postgres.owner'), 'utf8').split(' ')[0]).toBe(String(started.child.pid));
  });

  (process.getuid?.() === 0 ? it : it.skip)(
    'embedded mode, as root: a DATA_DIR the postgres user cannot reach stops the start with one line naming the folder',
    async () => {
      const closed = mkdtempSync(join(tmpdir(), 'acadle-closed-'));
      chmodSync(closed, 0o700);
      cleanups.push(async () => rmSync(closed, { recursive: true, force: true }));
      const target = await server({ WEBHOOK_TOKENS: TOKEN }, { dataDir: join(closed, 'data'), waitUntilReady: false });
      expect(await target.exited).toBe(1);
      const lines = target.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Cannot start: Embedded PostgreSQL initialise failed: .*Permission denied/);
      expect(lines[0]).toContain(
        `This server runs as root, so PostgreSQL runs as the postgres user, which cannot enter ${closed} (mode 700)`,
      );
    },
  );

  it('logs "event failed" for each failed attempt, retries, then processes once the sink is back', async () => {
    const received: { key: string | undefined; body: Record<string, unknown> }[] = [];
    let failuresLeft = 2;
    const sink = createServer((request, response) => {
      let text = '';
      request
        .on('data', (chunk) => (text += chunk))
        .on('end', () => {
          if (failuresLeft-- > 0) return response.writeHead(502).end();
          received.push({ key: request.headers['idempotency-key'] as string | undefined, body: JSON.parse(text) });
          response.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => sink.close(() => resolve())));
    const { port } = sink.address() as AddressInfo;
    const target = await server({
      QUEUE_BACKEND: 'memory',
      WEBHOOK_TOKENS: TOKEN,
      FORWARD_URL: `http://127.0.0.1:${port}/actions`,
      WORKER_BACKOFF_MS: '50',
    });
    await post(target, `/webhooks/acadle/${TOKEN}`, fixtures.user_certificate_issued);
    await waitFor('the event processed', () => processedIds(target).length === 1);
    const failed = target.logs.filter((line) => line.msg === 'event failed');
    expect(failed.map((line) => line.attempt)).toEqual([1, 2]);
    expect(failed[0]?.err).toMatchObject({ message: expect.stringContaining('answered 502') });
    expect(target.logs.find((line) => line.msg === 'event processed')).toMatchObject({
      attempt: 3,
      type: 'user_certificate_issued',
    });
    expect(received).toEqual([
      {
        key: 'bnljZmc0MQ==:certificate',
        body: expect.objectContaining({
          kind: 'records.certificate_issued',
          payload: expect.objectContaining({ certificateId: 1 }),
        }),
      },
    ]);
  });

  it('the five-minute loop: send with the CLI, break the sink, see the dead letter, fix, replay', async () => {
    let sinkUp = false;
    const sink = createServer((request, response) => {
      request.resume().on('end', () => response.writeHead(sinkUp ? 204 : 500).end());
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => sink.close(() => resolve())));
    const forward = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`;
    const target = await server({
      WEBHOOK_TOKENS: TOKEN,
      FORWARD_URL: forward,
      WORKER_ATTEMPTS: '2',
      WORKER_BACKOFF_MS: '50',
    });

    const cli = spawnSync(
      process.execPath,
      [CLI, 'send', 'user_course_completed', '--url', `${target.url}/webhooks/acadle/${TOKEN}`],
      { encoding: 'utf8' },
    );
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/answered 200\s+1/);
    await waitFor(
      'a dead letter',
      async () => (await metric(target, /^acadle_webhook_queue_jobs\{state="failed"\}/)) === 1,
    );
    expect(target.logs.filter((line) => line.msg === 'event failed').map((line) => line.attempt)).toEqual([1, 2]);

    const replay = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/replay.ts', ...args], {
        cwd: join(__dirname, '..'),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATA_DIR: target.dataDir,
          WEBHOOK_TOKENS: TOKEN,
          LOG_PRETTY: '0',
        },
        encoding: 'utf8',
      });
    const dryRun = replay('--dry-run', '--type', 'user_course_completed');
    expect(dryRun.stdout).toContain('Would replay 1 dead letter.');
    sinkUp = true;
    const replayed = replay('--since', new Date(Date.now() - 60_000).toISOString());
    expect(replayed.stdout).toContain('Replayed 1 dead letter.');
    await waitFor('the replayed event processed', () => processedIds(target).length === 1);
    expect(target.logs.find((line) => line.msg === 'event processed')).toMatchObject({
      type: 'user_course_completed',
      attempt: 1,
    });
  });

  it('redis mode: processes events, and readiness follows Redis going away and coming back', async () => {
    const store = await redis();
    const target = await server({ REDIS_URL: store.url, WEBHOOK_TOKENS: TOKEN });
    await postAllFixtures(target, `/webhooks/acadle/${TOKEN}`);
    expect((await fetch(`${target.url}/readyz`)).status).toBe(200);
    await store.kill();
    await waitFor('readyz 503', async () => (await fetch(`${target.url}/readyz`)).status === 503);
    const down = await post(target, `/webhooks/acadle/${TOKEN}`, JSON.stringify(createEvent('user_registered')));
    expect(down.status).toBe(503);
    await store.start();
    await waitFor('readyz 200', async () => (await fetch(`${target.url}/readyz`)).status === 200, 30_000);
    const body = JSON.stringify(createEvent('user_registered'));
    await waitFor(
      'deliveries stored again',
      async () => (await post(target, `/webhooks/acadle/${TOKEN}`, body)).status === 200,
      30_000,
    );
    await waitFor('the new event processed', () => processedIds(target).includes(JSON.parse(body).id), 30_000);
  });

  it('postgres mode: stores in and works from an external PostgreSQL given by DATABASE_URL', async () => {
    const database = await startPostgres();
    cleanups.push(() => database.stop());
    const { user, password, port, database: name } = database.connection;
    const target = await server({
      DATABASE_URL: `postgres://${user}:${password}@127.0.0.1:${port}/${name}`,
      WEBHOOK_TOKENS: TOKEN,
    });
    expect(target.logs.find((line) => line.msg === 'listening')).toMatchObject({ queueBackend: 'postgres' });
    await postAllFixtures(target, `/webhooks/acadle/${TOKEN}`);
    expect((await fetch(`${target.url}/readyz`)).status).toBe(200);
  });

  it('postgres mode: started while PostgreSQL is down, it stores once it is up, and Bull Board and metrics show that queue', async () => {
    const database = await startPostgres();
    cleanups.push(() => database.stop());
    await database.pause();
    const { user, password, port, database: name } = database.connection;
    const adminPassword = 'admin-password-0123';
    const target = await server({
      DATABASE_URL: `postgres://${user}:${password}@127.0.0.1:${port}/${name}`,
      WEBHOOK_TOKENS: TOKEN,
      ROLE: 'web',
      ADMIN_PASSWORD: adminPassword,
    });
    expect(
      (await post(target, `/webhooks/acadle/${TOKEN}`, JSON.stringify(createEvent('user_registered')))).status,
    ).toBe(503);
    await database.start();
    const body = JSON.stringify(createEvent('user_registered'));
    await waitFor(
      'a delivery stored',
      async () => (await post(target, `/webhooks/acadle/${TOKEN}`, body)).status === 200,
      30_000,
    );
    // ROLE=web runs no worker: the delivery waits in the queue, where the board and the metrics must see it.
    const admin = { authorization: `Basic ${Buffer.from(`admin:${adminPassword}`).toString('base64')}` };
    const board = await fetch(`${target.url}/admin/queues/api/queues?activeQueue=acadle-webhooks&status=waiting`, {
      headers: admin,
    });
    expect(board.status).toBe(200);
    const { queues } = (await board.json()) as { queues: { name: string; counts: { waiting: number } }[] };
    expect(queues.map((queue) => [queue.name, queue.counts.waiting])).toEqual([['acadle-webhooks', 1]]);
    expect(await metric(target, /^acadle_webhook_queue_jobs\{state="waiting"\}/)).toBe(1);
  });

  it('ROLE=web and ROLE=worker run as separate processes on one Redis', async () => {
    const store = await redis();
    const web = await server({ REDIS_URL: store.url, WEBHOOK_TOKENS: TOKEN, ROLE: 'web' });
    const worker = await server({ REDIS_URL: store.url, ROLE: 'worker' });
    const bodies = Array.from({ length: 20 }, () => JSON.stringify(createEvent('user_certificate_issued')));
    for (const body of bodies) expect((await post(web, `/webhooks/acadle/${TOKEN}`, body)).status).toBe(200);
    await waitFor('the worker processed all', () => processedIds(worker).length === 20);
    expect(processedIds(web)).toEqual([]);
    expect(new Set(processedIds(worker))).toEqual(new Set(bodies.map((body) => JSON.parse(body).id)));
  });

  it.each([
    [{ QUEUE_BACKEND: 'bogus' }, /^Configuration error: QUEUE_BACKEND: /],
    [{ PORT: 'eighty' }, /^Configuration error: PORT: /],
    [{ REDIS_URL: 'redis://127.0.0.1:1' }, /^Configuration error: WEBHOOK_TOKENS: required with QUEUE_BACKEND=redis/],
    [{ WEBHOOK_TOKENS: 'short' }, /^Configuration error: WEBHOOK_TOKENS: /],
  ])('refuses to start with %j, in one line naming the variable', async (env, message) => {
    const target = await server(env, { waitUntilReady: false });
    expect(await target.exited).toBe(1);
    expect(target.stderr().trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
