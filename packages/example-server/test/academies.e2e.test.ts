// Many academies on the reference server as `pnpm start` runs it: ACADEMIES_FILE, read again on SIGHUP.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from 'acadle-webhooks/testing';
import { runningEmbeddedDatabase, waitFor } from 'acadle-webhooks-test-harness';
import { CLI, e2eResources } from './e2e.js';
import { post } from './server-process.js';

jest.setTimeout(180_000);

const { server } = e2eResources();
const ADMIN_PASSWORD = 'academies-admin-password';
const ADMIN = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` };

const NORTH = ['north_file_token_first', 'north_file_token_second'];
const SOUTH = 'south_file_token_012345';
const EAST = 'east_file_token_0123456';
const basic = (username: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
});

function academiesFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'acadle-academies-')), 'academies.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const deliver = (target: Parameters<typeof post>[0], token: string, headers: Record<string, string> = {}) =>
  post(target, `/webhooks/acadle/${token}`, JSON.stringify(createEvent('user_registered')), headers);

describe('ACADEMIES_FILE', () => {
  it('names each academy by its tokens (with Basic credentials of its own), and is read again on SIGHUP without dropping a request', async () => {
    const file = academiesFile([
      { name: 'north', tokens: NORTH },
      { name: 'south', tokens: [SOUTH], basic: { username: 'south', password: 'south-password' } },
    ]);
    const target = await server({ QUEUE_BACKEND: 'memory', ACADEMIES_FILE: file });
    expect((await deliver(target, NORTH[0] as string)).status).toBe(200);
    expect((await deliver(target, SOUTH)).status).toBe(401);
    expect((await deliver(target, SOUTH, basic('south', 'south-password'))).status).toBe(200);
    expect((await deliver(target, EAST)).status).toBe(401);
    // The log lines come through the server's stdout, maybe after the answers: waited for.
    const answered = () =>
      target.logs.filter((line) => line.msg === 'webhook answered' && line.status === 200).map((line) => line.academy);
    await waitFor('both answers logged', () => answered().length === 2);
    expect(answered()).toEqual(['north', 'south']);

    // North's first token retired, east added; deliveries keep coming while the server reloads.
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'north', tokens: [NORTH[1]] },
        { name: 'east', tokens: [EAST] },
      ]),
    );
    const during = Array.from({ length: 100 }, (_, index) =>
      new Promise((resolve) => setTimeout(resolve, index * 5)).then(() => deliver(target, NORTH[1] as string)),
    );
    setTimeout(() => target.child.kill('SIGHUP'), 200);
    expect((await Promise.all(during)).map((answer) => answer.status)).toEqual(Array(100).fill(200));
    const reloaded = await target.waitForLog('the reload', (line) => line.msg === 'academies reloaded');
    expect(reloaded.academies).toEqual(['north', 'east']);
    expect((await deliver(target, NORTH[0] as string)).status).toBe(401);
    expect((await deliver(target, EAST)).status).toBe(200);
    expect((await deliver(target, SOUTH, basic('south', 'south-password'))).status).toBe(401);

    // A file that does not pass is refused, in one line that names no token; the academies stay.
    writeFileSync(
      file,
      `[{"name": "east", "tokens": ["${EAST}"]}, {"name": "West", "tokens": ["west_file_token_0123"]}]`,
    );
    target.child.kill('SIGHUP');
    const refused = await target.waitForLog('the refusal', (line) => /ACADEMIES_FILE refused/.test(String(line.msg)));
    expect(refused.msg).toBe(
      'ACADEMIES_FILE refused, the previous academies stay: entry 2: name: 1 to 64 characters from a-z, 0-9 and -',
    );
    expect((await deliver(target, EAST)).status).toBe(200);
    writeFileSync(file, `[{"name": "east", "tokens": ["${EAST}"]`);
    target.child.kill('SIGHUP');
    await target.waitForLog('a second refusal', (line) => /is not JSON/.test(String(line.msg)));
    expect((await deliver(target, EAST)).status).toBe(200);
    expect(JSON.stringify(target.logs) + target.stderr()).not.toMatch(/file_token|south-password/);
  });

  it.each([
    [
      'a token shared by two academies',
      [
        { name: 'a', tokens: [EAST] },
        { name: 'b', tokens: [EAST] },
      ],
      'entry 2 (b): a token is also a token of a; each academy needs its own',
    ],
    [
      'an academy listed twice',
      [
        { name: 'a', tokens: [EAST] },
        { name: 'a', tokens: [SOUTH] },
      ],
      'entry 2 (a): a second entry for this academy; list its tokens in one',
    ],
    [
      'a short token',
      [{ name: 'a', tokens: ['short'] }],
      'entry 1 (a): tokens.0: 16 to 256 URL-safe characters (A-Z a-z 0-9 . _ ~ -)',
    ],
    ['an unknown field', [{ name: 'a', tokens: [EAST], rate: 5 }], 'entry 1 (a): unknown field rate'],
    [
      'an address that is none',
      [{ name: 'a', tokens: [EAST], allowedIps: ['10.0.0.300'] }],
      'auth.academies[0].allowedIps: "10.0.0.300" is not an IP address or CIDR range',
    ],
  ])('refuses %s at start, in one line that names no token', (_, content, message) => {
    const started = spawnSync(process.execPath, ['dist/server.js'], {
      cwd: join(__dirname, '..'),
      env: { PATH: process.env.PATH, QUEUE_BACKEND: 'memory', ACADEMIES_FILE: academiesFile(content) },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(started.status).toBe(1);
    expect(started.stderr.trim().split('\n')).toEqual([`Configuration error: ACADEMIES_FILE: ${message}`]);
    expect(started.stderr + started.stdout).not.toMatch(/file_token/);
  });

  it('refuses ACADEMIES_FILE beside WEBHOOK_TOKENS', () => {
    const started = spawnSync(process.execPath, ['dist/server.js'], {
      cwd: join(__dirname, '..'),
      env: {
        PATH: process.env.PATH,
        QUEUE_BACKEND: 'memory',
        WEBHOOK_TOKENS: EAST,
        ACADEMIES_FILE: academiesFile([{ name: 'a', tokens: [SOUTH] }]),
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(started.status).toBe(1);
    expect(started.stderr.trim()).toBe(
      'Configuration error: ACADEMIES_FILE: set it or WEBHOOK_TOKENS, not both (list every academy in the file)',
    );
  });

  it('pauses one academy from the admin API on the embedded default: 503 with Retry-After for it, its stored deliveries held, the others untouched, kept across a restart; resumed from the CLI, its held ones are processed', async () => {
    const file = academiesFile([
      { name: 'north', tokens: [NORTH[0]] },
      { name: 'south', tokens: [SOUTH] },
    ]);
    const env = { ACADEMIES_FILE: file, ADMIN_PASSWORD };
    let target = await server(env);
    const admin = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${target.url}/admin/api/academies${path}`, {
        method: path ? 'POST' : 'GET',
        headers: { ...ADMIN, ...headers },
      });
    const processedOf = (academy: string) =>
      target.logs.filter((line) => line.msg === 'event processed' && line.academy === academy).length;
    expect(await admin('/north/pause', { origin: 'https://elsewhere.example' }).then((r) => r.status)).toBe(403);
    expect(await admin('/west/pause').then((r) => r.status)).toBe(404);
    expect(await fetch(`${target.url}/admin/api/academies/north/pause`, { method: 'POST' }).then((r) => r.status)).toBe(
      401,
    );

    // A backlog of north's, then the pause: what is stored waits.
    for (let start = 0; start < 2000; start += 50)
      await Promise.all(Array.from({ length: 50 }, () => deliver(target, NORTH[0] as string)));
    expect(await admin('/north/pause').then((r) => r.json())).toEqual({ academy: 'north', paused: true });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const processedAtPause = processedOf('north');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(processedOf('north')).toBe(processedAtPause);
    expect(processedAtPause).toBeLessThan(2000);
    const refused = await fetch(`${target.url}/webhooks/acadle/${NORTH[0]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(createEvent('user_registered')),
    });
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([503, 'academy_paused']);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await deliver(target, SOUTH)).status).toBe(200);
    await waitFor('south processed while north is paused', () => processedOf('south') === 1);
    expect(await admin('').then((r) => r.json())).toEqual({
      academies: [
        { name: 'north', paused: true },
        { name: 'south', paused: false },
      ],
    });

    // The pause is in the store: a restart keeps it.
    const dataDir = target.dataDir;
    await target.stop('SIGTERM');
    target = await server(env, { dataDir });
    expect((await deliver(target, NORTH[0] as string)).status).toBe(503);
    const connection = runningEmbeddedDatabase(dataDir);
    if (!connection) throw new Error('the embedded PostgreSQL is not running');
    const url = `postgres://${connection.user}:${encodeURIComponent(connection.password)}@127.0.0.1:${connection.port}/${connection.database}`;
    const cli = (...args: string[]) =>
      execFileSync(process.execPath, [CLI, 'academies', ...args, '--postgres', url], { encoding: 'utf8' });
    expect(cli('paused').trim()).toBe('north');
    expect(processedOf('north')).toBe(0);
    expect(cli('resume', 'north')).toMatch(/^Resumed north/);
    // Every process trusts what it read of a pause for a second at most; then the held ones go.
    await waitFor('north taken again', async () => (await deliver(target, NORTH[0] as string)).status === 200);
    await waitFor('the held deliveries processed', () => processedOf('north') >= 2000 - processedAtPause + 1, 60_000);
    expect(JSON.stringify(target.logs)).not.toMatch(/file_token/);
  });

  it('processes all 30 of B before half the backlog of A sent first, on the embedded default as `pnpm start` runs it', async () => {
    const A = 'academy_a_token_0123456';
    const B = 'academy_b_token_0123456';
    const target = await server({
      ACADEMIES_FILE: academiesFile([
        { name: 'a', tokens: [A] },
        { name: 'b', tokens: [B] },
      ]),
      LOG_LEVEL: 'info',
    });
    const send = async (token: string, count: number) => {
      for (let start = 0; start < count; start += 50)
        await Promise.all(
          Array.from({ length: Math.min(50, count - start) }, () =>
            deliver(target, token).then((answer) => expect(answer.status).toBe(200)),
          ),
        );
    };
    const processedOf = (academy: string) =>
      target.logs.filter((line) => line.msg === 'event processed' && line.academy === academy).length;
    await send(A, 3000);
    const backlog = 3000 - processedOf('a');
    await send(B, 30);
    await waitFor('all 30 of B processed', () => processedOf('b') === 30, 120_000);
    const processedOfBacklog = processedOf('a') - (3000 - backlog);
    console.log(
      JSON.stringify({ backlogOfAWhenBSent: backlog, processedOfThatBacklogWhenBFinished: processedOfBacklog }),
    );
    expect(backlog).toBeGreaterThan(1000);
    expect(processedOfBacklog).toBeLessThan(backlog / 2);
    await waitFor('all processed', () => processedOf('a') === 3000, 120_000);
  });
});
