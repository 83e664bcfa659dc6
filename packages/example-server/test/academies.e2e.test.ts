// Many academies on the reference server as `pnpm start` runs it: ACADEMIES_FILE, read again on SIGHUP.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent } from 'acadle-webhooks/testing';
import { e2eResources } from './e2e.js';
import { post } from './server-process.js';

const { server } = e2eResources();

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
    expect(
      target.logs.filter((line) => line.msg === 'webhook answered' && line.status === 200).map((line) => line.academy),
    ).toEqual(['north', 'south']);

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
});
