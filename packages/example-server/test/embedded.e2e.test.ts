// The reference server on its embedded default, started and killed as `pnpm start` runs it.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent, fixtures } from 'acadle-webhooks/testing';
import { waitFor } from 'acadle-webhooks-test-harness';
import { completedEventIds, e2eResources, metric, postAllFixtures, TOKEN } from './e2e.js';
import { isRunning, post, postmasterPid, processedIds, processesMentioning } from './server-process.js';

const { cleanups, server } = e2eResources();

describe('the reference server on the embedded default', () => {
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

    // The bound: after a kill -9, the next start answers /readyz 200 within 10 s (36 s once).
    const restarted = Date.now();
    const second = await server(env, { dataDir: first.dataDir });
    await waitFor('readyz 200 after the restart', async () => (await fetch(`${second.url}/readyz`)).status === 200);
    expect(Date.now() - restarted).toBeLessThan(10_000);
    // Acadle retries what was not acknowledged. A retry of an acknowledged event is a duplicate; an
    // unacknowledged one may be too (stored just before the crash, its answer lost), or may be new.
    for (const body of deliveries) {
      const { id } = JSON.parse(body);
      const answer = await post(second, `/webhooks/acadle/${TOKEN}`, body);
      expect(answer.status).toBe(200);
      if (acknowledged.has(id)) expect(answer.body.duplicate).toBe(true);
    }
    // The queue itself is the record: log lines written just before a kill -9 may never reach stdout.
    const completed = await completedEventIds(second, cleanups);
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
    const helper = processesMentioning(`database-child-process.mjs ${join(first.dataDir, 'postgres')}`);
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
});
