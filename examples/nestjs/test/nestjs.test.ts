// Runs the recipe's contract against the app as Nest users run it: compiled by tsc (as `nest build`
// does), then started with node in its own process. Not with NestFactory inside the test: Nest 12 is
// ESM-only, and Jest requires ES modules only on Node 24.9+ ("Must use import to load ES Module" here).
// The app reports what the test needs once RECIPE_HANDLED_IDS_FILE is set: the ids its handlers ran for,
// appended to that file, and GET /recipe-test/idle.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeRecipe } from '../../recipe-contract';
import { MAX_BODY_BYTES } from '../src/config';

const appDir = join(__dirname, '..');
const token = 'nestjs-recipe-token-0123456789';

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits or times out first. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`no ${pattern} within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${why}; the app wrote:\n${output}`));
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
    child.once('exit', (code) => fail(`the app exited (${code})`));
  });
}

/** Compiles src/ into dist/, as `nest build` does; rejects with tsc's output if it fails. */
async function compile(): Promise<void> {
  const tsc = require.resolve('typescript/bin/tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: appDir });
  } catch (error) {
    throw new Error(`tsc -p tsconfig.build.json failed:\n${(error as { stdout?: string }).stdout}`);
  }
}

describeRecipe('nestjs', async () => {
  await compile();
  const dataDir = mkdtempSync(join(tmpdir(), 'acadle-nestjs-'));
  const handledIdsFile = join(dataDir, 'handled-ids');
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: appDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      WEBHOOK_TOKEN: token,
      RECIPE_HANDLED_IDS_FILE: handledIdsFile,
      // Plain log lines, so that the URL in "Listening on <url>" ends where the line does.
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const [, url] = await waitForOutput(child, /Listening on (http:\/\/\S+)/).catch((error) => {
    child.kill();
    throw error;
  });
  return {
    endpoint: `${url}/webhooks/acadle`,
    token,
    maxBodyBytes: MAX_BODY_BYTES,
    handledIds: () =>
      existsSync(handledIdsFile) ? readFileSync(handledIdsFile, 'utf8').split('\n').filter(Boolean) : [],
    async idle() {
      const response = await fetch(`${url}/recipe-test/idle`);
      if (!response.ok) throw new Error(`GET /recipe-test/idle answered ${response.status}`);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
