// The reference server as `pnpm start` runs it, in its own process, on memory, Redis and PostgreSQL.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createEvent, fixtures } from 'acadle-webhooks/testing';
import { startPostgres, waitFor } from 'acadle-webhooks-test-harness';
import { CLI, e2eResources, metric, postAllFixtures, TOKEN } from './e2e.js';
import { post, processedIds } from './server-process.js';

const { cleanups, server, redis } = e2eResources();

describe('the reference server', () => {
  it('memory mode: warns it is not durable, processes the five examples, counts them, and processes a duplicate once', async () => {
    const target = await server({ QUEUE_BACKEND: 'memory', WEBHOOK_TOKENS: TOKEN, WORKER_CONCURRENCY: '1' });
    expect(target.logs.some((line) => line.level === 40 && /not durable/.test(String(line.msg)))).toBe(true);
    await postAllFixtures(target, `/webhooks/acadle/${TOKEN}`);
    const again = await post(target, `/webhooks/acadle?token=${TOKEN}`, fixtures.user_registered);
    expect(again.body.duplicate).toBe(true);
    expect(await metric(target, /^acadle_webhook_requests_total\{status="200",/)).toBe(6);
    expect(
      await metric(target, /^acadle_webhook_requests_total\{status="200",result="duplicate",academy="default"\}/),
    ).toBe(1);
    expect(
      await metric(
        target,
        /^acadle_webhook_events_processed_total\{type="user_registered",outcome="handled",academy="default"\}/,
      ),
    ).toBe(1);
    expect(await metric(target, /^acadle_webhook_enqueue_duration_seconds_count/)).toBe(6);
    expect(processedIds(target)).toHaveLength(5);
    // Exactly one line per answer and one per processed event, an unknown type included.
    const unknown = await post(target, `/webhooks/acadle/${TOKEN}`, '{"id":"u-1","type":"user_quiz_passed","data":{}}');
    expect(unknown.status).toBe(200);
    // WORKER_CONCURRENCY=1 works in order: once a later event is processed, u-1 has no attempt left running.
    await post(target, `/webhooks/acadle/${TOKEN}`, '{"id":"u-2","type":"user_quiz_passed","data":{}}');
    await waitFor('a later event processed', () => processedIds(target).includes('u-2'));
    // MemoryQueue starts the handler before the answer is written: the two lines come in either order.
    const u1 = target.logs.filter((line) => line.eventId === 'u-1');
    expect(u1).toHaveLength(2);
    expect(u1).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: 'webhook answered', status: 200, result: 'stored', type: 'user_quiz_passed' }),
        expect.objectContaining({ msg: 'event processed', outcome: 'unknown' }),
      ]),
    );
    for (const [type, body] of Object.entries(fixtures)) {
      const lines = target.logs.filter((line) => line.eventId === JSON.parse(body).id);
      expect(lines.filter((line) => line.msg === 'event processed')).toHaveLength(1);
      expect(lines.filter((line) => line.msg === 'webhook answered').map((line) => line.result)).toEqual(
        type === 'user_registered' ? ['stored', 'duplicate'] : ['stored'],
      );
    }
    expect((await post(target, '/webhooks/acadle/wrong_token_0123456789', fixtures.user_registered)).status).toBe(401);
    await waitFor('the refusal logged', () => target.logs.some((line) => line.result === 'unauthorized'));
    expect(target.logs.find((line) => line.result === 'unauthorized')).toMatchObject({
      level: 30,
      msg: 'webhook answered',
      status: 401,
    });
    expect(JSON.stringify(target.logs)).not.toContain(TOKEN);
  });

  it('academies: WEBHOOK_TOKENS academy=token entries label each delivery in the logs, the metrics and the sink actions', async () => {
    const NORTH = ['north_token_first_0123', 'north_token_second_012'];
    const SOUTH = 'south_token_only_01234';
    const received: { key: string | undefined; body: { academy?: string; kind?: string } }[] = [];
    const sink = createServer((request, response) => {
      let text = '';
      request
        .on('data', (chunk) => (text += chunk))
        .on('end', () => {
          received.push({ key: request.headers['idempotency-key'] as string | undefined, body: JSON.parse(text) });
          response.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => sink.close(() => resolve())));
    const target = await server({
      QUEUE_BACKEND: 'memory',
      WEBHOOK_TOKENS: `north=${NORTH[0]}, south=${SOUTH}, north=${NORTH[1]}`,
      FORWARD_URL: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/actions`,
    });
    const north = createEvent('user_registered');
    const south = createEvent('user_registered');
    expect((await post(target, `/webhooks/acadle/${NORTH[0]}`, JSON.stringify(north))).status).toBe(200);
    // The academy's second token (a rotation) is the same academy.
    expect((await post(target, `/webhooks/acadle/${NORTH[1]}`, JSON.stringify(north))).body.duplicate).toBe(true);
    expect((await post(target, `/webhooks/acadle/${SOUTH}`, JSON.stringify(south))).status).toBe(200);
    expect(
      (await post(target, `/webhooks/acadle/${TOKEN}`, JSON.stringify(createEvent('user_registered')))).status,
    ).toBe(401);
    await waitFor('both processed', () => processedIds(target).length === 2);
    await waitFor('both actions sent', () => received.length === 2);
    expect(
      received
        .map(({ key, body }) => ({ key, academy: body.academy, kind: body.kind }))
        .sort((a, b) => String(a.academy).localeCompare(String(b.academy))),
    ).toEqual([
      { key: `north:${north.id}:welcome`, academy: 'north', kind: 'crm.welcome_user' },
      { key: `south:${south.id}:welcome`, academy: 'south', kind: 'crm.welcome_user' },
    ]);
    const linesOf = (id: string) => target.logs.filter((line) => line.eventId === id);
    expect(linesOf(north.id).map((line) => [line.msg, line.academy])).toEqual(
      expect.arrayContaining([
        ['webhook answered', 'north'],
        ['event processed', 'north'],
      ]),
    );
    expect(linesOf(south.id).every((line) => line.academy === 'south')).toBe(true);
    expect(await metric(target, /^acadle_webhook_requests_total\{status="200",result="stored",academy="north"\}/)).toBe(
      1,
    );
    expect(
      await metric(target, /^acadle_webhook_requests_total\{status="200",result="duplicate",academy="north"\}/),
    ).toBe(1);
    expect(
      await metric(target, /^acadle_webhook_requests_total\{status="401",result="unauthorized",academy="none"\}/),
    ).toBe(1);
    expect(await metric(target, /^acadle_webhook_events_processed_total\{.*academy="south"\}/)).toBe(1);
    expect(JSON.stringify(target.logs)).not.toMatch(/north_token|south_token/);
  });

  it('refuses a bad WEBHOOK_TOKENS entry at start, in one line naming its position and not its text', async () => {
    const started = spawnSync(process.execPath, ['dist/server.js'], {
      cwd: join(__dirname, '..'),
      env: {
        PATH: process.env.PATH,
        QUEUE_BACKEND: 'memory',
        WEBHOOK_TOKENS: `north=${TOKEN},North=secret_token_0123456789`,
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(started.status).not.toBe(0);
    const errors = started.stderr.trim().split('\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      'WEBHOOK_TOKENS: entry 2 (token or academy=token): its academy must be 1 to 64 characters from a-z, 0-9 and -',
    );
    expect(started.stderr + started.stdout).not.toContain('secret_token_0123456789');
  });

  it('takes a delivery sent with Content-Encoding: gzip (as by a compressing proxy), and processes it decoded', async () => {
    const target = await server({ QUEUE_BACKEND: 'memory', WEBHOOK_TOKENS: TOKEN });
    const body = JSON.stringify({ ...JSON.parse(fixtures.user_registered), id: 'gzip-1' });
    const stored = await post(target, `/webhooks/acadle/${TOKEN}`, gzipSync(body), { 'content-encoding': 'gzip' });
    expect(stored).toEqual({ status: 200, body: { received: true, id: 'gzip-1', duplicate: false } });
    await waitFor('the gzip delivery processed', () => processedIds(target).includes('gzip-1'));
    const unknown = await post(target, `/webhooks/acadle/${TOKEN}`, body, { 'content-encoding': 'compress' });
    expect(unknown).toEqual({
      status: 415,
      body: {
        error: 'unsupported_encoding',
        message: 'Content-Encoding "compress" is not supported: send gzip, deflate, br or identity',
      },
    });
  });

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
    cleanups.push(() => new Promise<void>((resolve) => sink.close(() => resolve())));
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
    cleanups.push(() => new Promise<void>((resolve) => sink.close(() => resolve())));
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
      spawnSync(process.execPath, ['dist/replay.js', ...args], {
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
    [{ PROCESSING_SHARE: '0' }, /^Configuration error: PROCESSING_SHARE: above 0/],
    [{ PROCESSING_SHARE: '1.5' }, /^Configuration error: PROCESSING_SHARE: at most 1/],
    [{ PROCESSING_YIELD_MS: '100' }, /^Configuration error: PROCESSING_YIELD_MS: replaced by PROCESSING_SHARE/],
  ])('refuses to start with %j, in one line naming the variable', async (env, message) => {
    const target = await server(env, { waitUntilReady: false });
    expect(await target.exited).toBe(1);
    expect(target.stderr().trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
