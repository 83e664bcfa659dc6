// Starts the app on a runtime other than Node.js, and the checks every runtime must pass.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { fixtures } from 'acadle-webhooks/testing';
import { describeRecipe, type RunningRecipe } from '../../recipe-contract';
import { MAX_BODY_BYTES, TOKEN } from '../src/app';

const packageDir = join(__dirname, '..');

/** A runtime's server for the contract: `endpoint`, and the ids its handlers ran for (read over HTTP). */
export function recipeAt(base: string, stop: () => Promise<void>): RunningRecipe {
  let handled: string[] = [];
  return {
    endpoint: `${base}/webhooks/acadle`,
    token: TOKEN,
    maxBodyBytes: MAX_BODY_BYTES,
    handledIds: () => handled,
    async idle() {
      handled = (await (await fetch(`${base}/handled`)).json()) as string[];
    },
    stop,
  };
}

/** Spawns `command` (a binary of this package's node_modules/.bin) and waits for its `listening <port>` line. */
export async function spawnServer(command: string, args: string[]): Promise<RunningRecipe> {
  const child: ChildProcess = spawn(join(packageDir, 'node_modules', '.bin', command), args, {
    cwd: packageDir,
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A group of its own: the .bin entry may be a launcher that starts the runtime as its child, and
    // stopping must stop both (a killed launcher left Deno serving, and Jest waiting on its output).
    detached: true,
  });
  let errors = '';
  child.stderr?.on('data', (chunk) => {
    errors += chunk;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${errors}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(-(child.pid as number), 'SIGKILL');
    });
  return recipeAt(`http://127.0.0.1:${port}`, stop);
}

/** A small deterministic generator (mulberry32), so that a failing fuzz case can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a runtime's `DecompressionStream` can decode besides gzip and deflate. */
export interface RuntimeTraits {
  /** Whether it has the `brotli` format: `br` is then stored, else answered 415. */
  brotli: boolean;
}

/** Compressed deliveries, decoded by the runtime's own `DecompressionStream` (the web adapter brings no decoder). */
function describeCompressed(name: string, start: () => Promise<RunningRecipe>, traits: RuntimeTraits): void {
  describe(`${name}: compressed deliveries`, () => {
    let app: RunningRecipe;
    beforeAll(async () => {
      app = await start();
    });
    afterAll(async () => {
      await app?.stop();
    });
    const body = (id: string) => JSON.stringify({ ...JSON.parse(fixtures.user_registered), id: `${name}-${id}` });
    const send = (encoding: string, bytes: Uint8Array<ArrayBuffer>) =>
      fetch(`${app.endpoint}/${app.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body: bytes,
      });

    it('stores gzip, x-gzip and deflate bodies decoded, and runs their handlers', async () => {
      for (const [encoding, encode] of [
        ['gzip', gzipSync],
        ['x-gzip', gzipSync],
        ['deflate', deflateSync],
      ] as const) {
        const response = await send(encoding, encode(body(encoding)));
        expect({ encoding, status: response.status, body: await response.json() }).toEqual({
          encoding,
          status: 200,
          body: { received: true, id: `${name}-${encoding}`, duplicate: false },
        });
      }
      await app.idle();
      expect(app.handledIds()).toEqual(expect.arrayContaining([`${name}-gzip`, `${name}-x-gzip`, `${name}-deflate`]));
    });

    it(
      traits.brotli ? 'stores a br body decoded' : 'answers br 415 (no brotli in its DecompressionStream)',
      async () => {
        const response = await send('br', brotliCompressSync(body('br')));
        expect(response.status).toBe(traits.brotli ? 200 : 415);
        expect((await response.json()) as unknown).toEqual(
          traits.brotli
            ? { received: true, id: `${name}-br`, duplicate: false }
            : { error: 'unsupported_encoding', message: expect.stringContaining('"br"') },
        );
      },
    );

    it('answers 413 to a 10 KB gzip that inflates to 10 MB, over maxBodyBytes once inflated', async () => {
      const bomb = gzipSync(
        Buffer.concat([Buffer.from('{"id":"bomb","type":"x","data":"'), Buffer.alloc(10 * 1024 * 1024, 0x20)]),
      );
      expect(bomb.length).toBeLessThan(app.maxBodyBytes);
      const started = performance.now();
      const response = await send('gzip', bomb).catch((error: unknown) => error);
      // As for any body over the limit, the connection is closed; a runtime may reset it first (workerd).
      if (response instanceof Response) {
        expect(response.status).toBe(413);
        expect((await response.json()).error).toBe('payload_too_large');
      }
      expect(performance.now() - started).toBeLessThan(5000);
      // Still serving.
      expect((await fetch(`${app.endpoint}/${app.token}`, { method: 'GET' })).status).toBe(405);
    });

    it('answers 415 to an unknown coding and 400 to a corrupt gzip body', async () => {
      const unknown = await send('compress', new TextEncoder().encode(body('compress')));
      expect(unknown.status).toBe(415);
      expect((await unknown.json()).error).toBe('unsupported_encoding');
      const corrupt = await send('gzip', new TextEncoder().encode(body('corrupt')));
      expect(corrupt.status).toBe(400);
      expect(await corrupt.json()).toEqual({
        error: 'invalid_encoding',
        message: expect.stringMatching(/^Body is not valid gzip/),
      });
    });
  });
}

/**
 * Runs the recipe contract, compressed deliveries, then a short fuzz: odd methods, paths, headers and
 * bodies never get a 5xx but 503.
 */
export function describeRuntime(name: string, start: () => Promise<RunningRecipe>, traits: RuntimeTraits): void {
  describeRecipe(name, start);
  describeCompressed(name, start, traits);

  describe(`${name}: a short fuzz`, () => {
    let app: RunningRecipe;
    beforeAll(async () => {
      app = await start();
    });
    afterAll(async () => {
      await app?.stop();
    });

    it('answers 200 bodies it should and no 5xx but 503 to 150 generated requests, and keeps serving', async () => {
      const next = random(15);
      const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
      const bodies = [
        '',
        '{',
        'null',
        '[]',
        '{"id":"","type":""}',
        '{"id":1,"type":"user_registered","data":null}',
        '{"id":"x","type":"user_quiz_passed","data":{}}',
        '\u0000\uffff',
        'x'.repeat(70 * 1024),
        JSON.stringify({ id: 'é✓', type: 'user_badge_updated', data: { user: { id: '17' } } }),
      ];
      const paths = ['', `/${TOKEN}`, `/${TOKEN}/`, `?token=${TOKEN}`, '/%E0%A4%A', `/${TOKEN}?token=x`, '/../..'];
      const statuses = new Set<number>();
      let afterOversized = false;
      for (let index = 0; index < 150; index += 1) {
        const method = pick(['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE']);
        const body = method === 'GET' ? undefined : pick(bodies);
        const url = `${app.endpoint}${pick(paths)}`;
        const contentType = pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']);
        const send = () => fetch(url, { method, headers: { 'content-type': contentType }, body });
        // A body over the limit is answered 413 before it is read, and its connection closed: a runtime may
        // reset it while the client still sends, or reset the kept-alive connection the client then reuses
        // (workerd sometimes does both). Such a request is skipped, and the one after it sent once more.
        const oversized = body !== undefined && body.length > MAX_BODY_BYTES;
        // (Not `instanceof Error`: fetch's errors come from another realm under Jest.)
        const first = await send().then(
          (answer) => ({ answer, error: undefined }),
          (error: unknown) => ({ answer: undefined, error }),
        );
        let response = first.answer;
        if (response === undefined) {
          if (oversized) {
            afterOversized = true;
            continue;
          }
          if (!afterOversized) throw first.error;
          response = await send();
        }
        afterOversized = oversized;
        await response.arrayBuffer();
        statuses.add(response.status);
        expect(response.status < 500 || response.status === 503).toBe(true);
      }
      expect([...statuses].some((status) => status === 200)).toBe(true);
      // Still serving after all that.
      expect((await fetch(`${app.endpoint}/${TOKEN}`, { method: 'GET' })).status).toBe(405);
    });
  });
}
