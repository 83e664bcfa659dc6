import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_TYPES, MemoryQueue } from 'acadle-webhooks';
import { fixtures } from 'acadle-webhooks/testing';
import express from 'express';
import { createExpressMiddleware } from '../src/adapters/express/index.js';
import { acadleRetryDelaysMs } from '../src/cli/acadle-retry-schedule.js';
import type { CliIo } from '../src/cli/cli-io.js';
import { runCli } from '../src/cli/run-cli.js';

const TOKEN = 'cli_token_0123456789abcdef';

function io(stdin = ''): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin: (async function* () {
      yield stdin;
    })(),
    out: () => out,
    err: () => err,
  };
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function receiver() {
  const queue = new MemoryQueue({ processor: () => {} });
  const app = express().use('/webhooks/acadle', createExpressMiddleware({ queue, auth: { tokens: [TOKEN] } }));
  const { server, url } = await listen(app);
  servers.push(server);
  return { queue, endpoint: `${url}/webhooks/acadle/${TOKEN}`, base: `${url}/webhooks/acadle` };
}

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'acadle-cli-')), name);
  writeFileSync(path, content);
  return path;
}

describe('acadle-webhooks example', () => {
  it.each(EVENT_TYPES)('prints the documented %s example as valid JSON', async (type) => {
    const cli = io();
    expect(await runCli(['example', type], cli)).toBe(0);
    expect(JSON.parse(cli.out())).toEqual(JSON.parse(fixtures[type]));
  });

  it('lists the types with --list', async () => {
    const cli = io();
    expect(await runCli(['example', '--list'], cli)).toBe(0);
    expect(cli.out().trim().split('\n')).toEqual([...EVENT_TYPES]);
  });

  it('refuses an unknown type, listing the valid ones', async () => {
    const cli = io();
    expect(await runCli(['example', 'user_quiz_passed'], cli)).toBe(1);
    expect(cli.err()).toContain(
      'Unknown event type "user_quiz_passed". Valid types: user_registered, user_course_completed',
    );
  });

  it('has --help on every command', async () => {
    for (const command of [[], ['example'], ['validate'], ['send']]) {
      const cli = io();
      expect(await runCli([...command, '--help'], cli)).toBe(0);
      expect(cli.out()).toMatch(/^Usage: acadle-webhooks/);
    }
  });
});

describe('acadle-webhooks validate', () => {
  it('prints the normalized event with ISO dates and exits 0', async () => {
    const cli = io();
    expect(await runCli(['validate', file('course.json', fixtures.user_course_completed)], cli)).toBe(0);
    const event = JSON.parse(cli.out());
    expect(event).toMatchObject({ id: 'bDJOU0M0MQ==', type: 'user_course_completed', known: true });
    expect(event.data.course.completed_at).toBe('2020-12-04T11:19:19.385Z');
    expect(event.data.course).not.toHaveProperty('competed_at');
  });

  it('prints each problem with its JSON path and exits 1', async () => {
    const body = JSON.parse(fixtures.user_lessons_completed);
    body.data.lesson.competed_at = 'soon';
    body.data.user.id = 'seventeen';
    const cli = io();
    expect(await runCli(['validate', file('bad.json', JSON.stringify(body))], cli)).toBe(1);
    expect(cli.err()).toContain('Invalid (invalid_payload):');
    expect(cli.err()).toContain('data.user.id: ');
    expect(cli.err()).toContain('data.lesson.competed_at: Invalid timestamp');
  });

  it('reads standard input for -, with --json output', async () => {
    const cli = io('{"id":1,"type":"user_registered"');
    expect(await runCli(['validate', '-', '--json'], cli)).toBe(1);
    expect(JSON.parse(cli.out())).toMatchObject({ ok: false, error: { code: 'invalid_json' } });
  });

  it('says which file is missing', async () => {
    const cli = io();
    expect(await runCli(['validate', '/nonexistent/payload.json'], cli)).toBe(1);
    expect(cli.err()).toContain('No such file: /nonexistent/payload.json');
  });

  it('works as a process on piped standard input, with exit codes', () => {
    const cli = (input: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'validate', '-'], {
        cwd: join(__dirname, '..'),
        input,
        encoding: 'utf8',
      });
    const valid = cli(fixtures.user_badge_updated);
    expect(valid.status).toBe(0);
    expect(JSON.parse(valid.stdout).data.badge.id).toBe(21);
    const invalid = cli('{"id":"x","type":"user_badge_updated","data":{}}');
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain('data.user');
  });
});

describe('acadle-webhooks send', () => {
  it('posts realistic deliveries with unique ids and summarizes the answers', async () => {
    const { queue, endpoint } = await receiver();
    const cli = io();
    expect(
      await runCli(['send', 'user_course_completed', '--url', endpoint, '--count', '20', '--concurrency', '5'], cli),
    ).toBe(0);
    expect(cli.out()).toMatch(/answered 200\s+20/);
    expect(cli.out()).toMatch(/latency p50\s+\d/);
    expect(cli.out()).toMatch(/latency p99\s+\d/);
    expect(cli.out()).toMatch(/duplicates reported\s+0/);
    expect(queue.pending).toBe(0);
  });

  it('re-sends a share of the ids with --duplicates, and counts the duplicates reported', async () => {
    const { endpoint } = await receiver();
    const cli = io();
    expect(
      await runCli(['send', 'user_registered', '--url', endpoint, '--count', '20', '--duplicates', '0.25'], cli),
    ).toBe(0);
    expect(cli.out()).toMatch(/answered 200\s+20/);
    expect(cli.out()).toMatch(/duplicates reported\s+5/);
  });

  it('sends a payload file, taking the token from --token', async () => {
    const { base } = await receiver();
    const cli = io();
    expect(
      await runCli(['send', file('badge.json', fixtures.user_badge_updated), '--url', base, '--token', TOKEN], cli),
    ).toBe(0);
    expect(cli.out()).toMatch(/answered 200\s+1/);
  });

  it('says the token is wrong on a 401, and exits 1', async () => {
    const { base } = await receiver();
    const cli = io();
    expect(await runCli(['send', 'user_registered', '--url', `${base}/not_the_token_0123456789`], cli)).toBe(1);
    expect(cli.out()).toMatch(/answered 401\s+1/);
    expect(cli.err()).toContain('401 Unauthorized: the token is wrong or missing');
  });

  it('explains a refused connection', async () => {
    const { server, url } = await listen(express());
    server.close();
    const cli = io();
    expect(await runCli(['send', 'user_registered', '--url', `${url}/webhooks/acadle/${TOKEN}`], cli)).toBe(1);
    expect(cli.err()).toContain(`Could not connect to ${url}: connection refused. Is the server running?`);
  });

  it.each([
    [['send', 'user_registered', '--url', 'localhost:3000/hooks'], 'Invalid --url "localhost:3000/hooks"'],
    [['send', 'user_registered', '--url', 'ftp://example.com/x'], 'only http and https'],
    [['send', 'user_quiz_passed', '--url', 'http://127.0.0.1:1/x'], 'Valid types: user_registered'],
    [['send', './missing.json', '--url', 'http://127.0.0.1:1/x'], 'No such file: ./missing.json'],
    [['send', 'user_registered', '--url', 'http://127.0.0.1:1/x', '--count', 'zero'], 'expected a whole number'],
    [['send', 'user_registered'], "required option '--url <endpoint>'"],
  ])('refuses %j with a clear message', async (args, message) => {
    const cli = io();
    expect(await runCli(args, cli)).toBe(1);
    expect(cli.err()).toContain(message);
  });

  it('rehearses an outage with --retry-like-acadle: retries on the compressed schedule until a 200', async () => {
    let calls = 0;
    const app = express().post('/hook', (_, response) => {
      calls += 1;
      response
        .status(calls <= 3 ? 503 : 200)
        .json(calls <= 3 ? { error: 'queue_unavailable' } : { received: true, duplicate: false });
    });
    const { server, url } = await listen(app);
    servers.push(server);
    const cli = io();
    const started = Date.now();
    expect(await runCli(['send', 'user_registered', '--url', `${url}/hook`, '--retry-like-acadle'], cli)).toBe(0);
    expect(calls).toBe(4);
    const retries = cli.err().trim().split('\n');
    expect(retries).toHaveLength(3);
    expect(retries[0]).toMatch(/: 503; retry 1 of \d+ in 17 ms \(Acadle: 1\.0 min\)$/);
    expect(retries[2]).toMatch(/retry 3 of \d+ in 67 ms \(Acadle: 4\.0 min\)$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(cli.out()).toMatch(/answered 200\s+1/);
  });
});

describe('the retry schedule', () => {
  it('doubles from one minute, waits at most 12 hours, and stays within three days', () => {
    const delays = acadleRetryDelaysMs();
    expect(delays.slice(0, 3)).toEqual([60_000, 120_000, 240_000]);
    expect(Math.max(...delays)).toBe(12 * 3_600_000);
    expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeLessThanOrEqual(72 * 3_600_000);
  });
});
