// Runs the recipe's contract against the app as it runs in production: `next build`, then `next start`
// in its own process. The app reports what the test needs once RECIPE_HANDLED_IDS_FILE is set: the ids
// its handlers ran for, appended to that file, and GET /recipe-test/idle.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRecipe } from '../../recipe-contract';

const appDir = join(__dirname, '..');
const nextBin = require.resolve('next/dist/bin/next');
const token = 'nextjs-recipe-token-0123456789';
// Production mode, as `next start` expects (Jest sets NODE_ENV=test), and no telemetry.
const nextEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits or times out first. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`no ${pattern} within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${why}; next wrote:\n${output}`));
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => fail(`next exited (${code})`));
  });
}

/** Starts `next <args>` in the app's folder. */
function next(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [nextBin, ...args], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `next build`; rejects with its output if it fails. */
function nextBuild(): Promise<void> {
  const build = next(['build'], nextEnv);
  let output = '';
  build.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  build.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    build.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`next build failed (${code}):\n${output}`)),
    );
  });
}

describeRecipe('nextjs', async () => {
  await nextBuild();

  const dataDir = mkdtempSync(join(tmpdir(), 'acadle-nextjs-'));
  const handledIdsFile = join(dataDir, 'handled-ids');
  const server = next(['start', '--hostname', '127.0.0.1', '--port', '0'], {
    ...nextEnv,
    WEBHOOK_TOKEN: token,
    RECIPE_HANDLED_IDS_FILE: handledIdsFile,
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const [, url] = await waitForOutput(server, /Local:\s+(http:\/\/\S+)[\s\S]*Ready in/, 30_000).catch((error) => {
    server.kill();
    throw error;
  });
  return {
    endpoint: `${url}/webhooks/acadle`,
    token,
    // The SDK's default, which lib/acadle.ts keeps: Next.js does not limit a route handler's body.
    maxBodyBytes: 1024 * 1024,
    handledIds: () =>
      existsSync(handledIdsFile) ? readFileSync(handledIdsFile, 'utf8').split('\n').filter(Boolean) : [],
    async idle() {
      const response = await fetch(`${url}/recipe-test/idle`);
      if (!response.ok) throw new Error(`GET /recipe-test/idle answered ${response.status}`);
    },
    async stop() {
      server.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
