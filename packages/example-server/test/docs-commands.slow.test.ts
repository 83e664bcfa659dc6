/**
 * The commands of README.md, docs/getting-started.md and docs/observability.md, run as a reader runs them.
 *
 * A ```sh block runs when the line right before its fence is one of these HTML comments (GitHub
 * does not show them):
 *
 *   <!-- runnable -->                    must exit 0
 *   <!-- runnable: expect='"duplicate":false' -->
 *                                        ... and print that text on standard output
 *   <!-- runnable: background, ready="Acadle endpoint URL", expect="event processed" -->
 *                                        starts in its own process group; the next block runs
 *                                        once it has printed `ready`, and once the document's
 *                                        last block has run it must have printed each `expect`
 *   timeout="<seconds>"                  replaces the limit: 120 s for a block to exit, 300 s
 *                                        for a background block to be ready
 *
 * Values take double or single quotes; `expect` may repeat. Never mark `pnpm test` (this test
 * would start itself) nor a command that needs a network other than the npm registry.
 *
 * Each document gets a fresh copy of the repository in a temporary directory: the files a
 * `git clone` gives, with this working tree's changes, without node_modules or .data. The copy
 * stands in for the "git clone" step of getting-started.md (not marked: it needs GitHub), and
 * keeps the developer's own install and database out of reach. Every block runs in its own
 * `bash -euo pipefail` at the root of the copy (a `cd` does not carry over), in the environment of
 * a shell that sets none of the server's variables. The commands serve on port 3000, as the docs
 * say: the test fails at once when that port is taken. Background blocks get SIGINT (Ctrl-C) on
 * their process group, then SIGKILL; a process still naming the copy is killed by pid before the
 * copy is removed.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { waitFor } from 'acadle-webhooks-test-harness';
import { extractRunnableBlocks, type RunnableBlock } from './runnable-blocks.js';
import { processesMentioning } from './server-process.js';

const repositoryRoot = join(__dirname, '..', '..', '..');
/** The documents whose commands run, with how many runnable blocks each has at least. */
const DOCUMENTS = [
  { file: 'README.md', minimumBlocks: 2 },
  { file: 'docs/getting-started.md', minimumBlocks: 4 },
  { file: 'docs/observability.md', minimumBlocks: 3 },
];
const PORT = 3000;
const EXIT_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 300_000;
/** Log lines of a background process may come a moment after the command that caused them. */
const EXPECT_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

interface Run {
  block: RunnableBlock;
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Exit code (or signal) once the process and its output are closed. */
  exit: string | undefined;
  closed: Promise<void>;
}

const running = new Set<Run>();
const copies = new Set<string>();

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal colour codes start with ESC (\u001b), which is the point.
const plain = (text: string) => text.replaceAll(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
const tail = (text: string) => plain(text).trimEnd().split('\n').slice(-30).join('\n    ');

function report(run: Run): string {
  return `${run.block.location} (${run.exit === undefined ? 'running' : `exit ${run.exit}`}):\n  $ ${run.block.script.replaceAll('\n', '\n    ')}\n  stdout:\n    ${tail(run.stdout)}\n  stderr:\n    ${tail(run.stderr)}`;
}

function failure(message: string, run: Run): Error {
  const others = [...running].filter((other) => other !== run).map(report);
  return new Error([`${message}\n${report(run)}`, ...others].join('\n\n'));
}

/** This environment as a reader's shell would have it: none of the server's variables (OTEL_* included), none of pnpm's or Jest's. */
function readerEnvironment(): NodeJS.ProcessEnv {
  const config = ['config.ts', 'tracing-config.ts']
    .map((file) => readFileSync(join(__dirname, '..', 'src', file), 'utf8'))
    .join('\n');
  const serverVariables = new Set([...config.matchAll(/^ {2}([A-Z][A-Z0-9_]+): z\./gm)].map((match) => match[1]));
  if (serverVariables.size < 10) throw new Error("Could not read the server's variables from src/config.ts");
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    const setForScripts = /^(npm_(lifecycle|package|command)|INIT_CWD$|PNPM_(PACKAGE_NAME|SCRIPT_SRC_DIR)$|JEST_)/;
    if (serverVariables.has(name) || setForScripts.test(name)) delete env[name];
  }
  if (env.NODE_ENV === 'test') delete env.NODE_ENV;
  return env;
}

/** A copy of the repository as a fresh clone of this working tree would be, in a new temporary directory. */
function freshCopy(): string {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed in ${repositoryRoot}: ${listed.stderr}`);
  const parent = mkdtempSync(join(tmpdir(), 'acadle-docs-'));
  // Enterable by others, as /home/<user> or /opt are: run as root, the embedded PostgreSQL runs as
  // the `postgres` user, which must reach its binaries (troubleshooting.md, "cannot enter … (mode 700) as root").
  chmodSync(parent, 0o755);
  const root = join(parent, 'acadle-webhooks');
  copies.add(root);
  for (const path of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(repositoryRoot, path))) continue; // deleted in the working tree
    mkdirSync(dirname(join(root, path)), { recursive: true });
    copyFileSync(join(repositoryRoot, path), join(root, path));
  }
  return root;
}

async function assertPortFree(): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(PORT, '0.0.0.0', () => probe.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(
      `Port ${PORT} is in use: the documented commands serve on localhost:${PORT}. Stop what listens there (\`ss -ltnp 'sport = :${PORT}'\` shows it) and run this test again.`,
    );
  }
}

function launch(block: RunnableBlock, cwd: string, env: NodeJS.ProcessEnv): Run {
  // detached: a process group of its own, so that the block and everything it starts stop together.
  const child = spawn('bash', ['-euo', 'pipefail', '-c', block.script], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { block, child, stdout: '', stderr: '', exit: undefined, closed: Promise.resolve() };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    run.stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    run.stderr += chunk;
  });
  run.closed = new Promise((resolve) => {
    child.once('close', (code, signal) => {
      run.exit = String(code ?? signal);
      resolve();
    });
  });
  running.add(run);
  return run;
}

/** Sends `signal` to the run's process group (0: only checks it exists); false when none is left. */
function signalGroup(run: Run, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-(run.child.pid as number), signal);
    return true;
  } catch {
    return false; // no process left in the group
  }
}

async function stop(run: Run): Promise<void> {
  if (!running.delete(run)) return;
  signalGroup(run, 'SIGINT');
  try {
    await waitFor('the process group to stop', () => !signalGroup(run, 0), STOP_TIMEOUT_MS);
  } catch {
    signalGroup(run, 'SIGKILL');
  }
  await run.closed;
}

/** Kills, by pid, what still runs from `root` (the embedded PostgreSQL runs in a process group of its own). */
async function removeCopy(root: string): Promise<void> {
  if (!copies.delete(root)) return;
  await waitFor('processes of the copy to stop', () => processesMentioning(root).length === 0, STOP_TIMEOUT_MS).catch(
    () => {
      for (const pid of processesMentioning(root)) process.kill(pid, 'SIGKILL');
    },
  );
  rmSync(dirname(root), { recursive: true, force: true });
}

async function runToEnd(block: RunnableBlock, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const run = launch(block, cwd, env);
  const limit = block.timeoutMs ?? EXIT_TIMEOUT_MS;
  const timer = new Promise<'timeout'>((resolve) => setTimeout(resolve, limit, 'timeout').unref());
  if ((await Promise.race([run.closed, timer])) === 'timeout') {
    signalGroup(run, 'SIGKILL');
    await run.closed;
    running.delete(run);
    throw failure(`Did not finish within ${limit / 1000} s`, run);
  }
  running.delete(run);
  if (run.exit !== '0') throw failure('Failed', run);
  for (const text of block.expect) {
    if (!plain(run.stdout).includes(text)) throw failure(`Its output lacks "${text}"`, run);
  }
}

async function startBackground(block: RunnableBlock, cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const run = launch(block, cwd, env);
  const limit = block.timeoutMs ?? READY_TIMEOUT_MS;
  await waitFor(
    `"${block.ready}"`,
    () => {
      if (run.exit !== undefined) throw failure(`Exited before printing "${block.ready}"`, run);
      return plain(run.stdout).includes(block.ready as string);
    },
    limit,
  ).catch((error: Error) => {
    throw error.message.includes(block.location) ? error : failure(`Not ready within ${limit / 1000} s`, run);
  });
  return run;
}

async function runDocument(file: string): Promise<void> {
  await assertPortFree();
  const blocks = extractRunnableBlocks(readFileSync(join(repositoryRoot, file), 'utf8'), file);
  const env = readerEnvironment();
  const root = freshCopy();
  const background: Run[] = [];
  try {
    for (const block of blocks) {
      if (block.background) background.push(await startBackground(block, root, env));
      else await runToEnd(block, root, env);
    }
    for (const run of background) {
      for (const text of run.block.expect) {
        await waitFor(`"${text}"`, () => plain(run.stdout).includes(text), EXPECT_TIMEOUT_MS).catch(() => {
          throw failure(`Its output lacks "${text}" after the later blocks ran`, run);
        });
      }
    }
  } finally {
    for (const run of background.reverse()) await stop(run);
    await removeCopy(root);
  }
}

// A test that times out leaves runDocument going: stop what it started anyway.
afterAll(async () => {
  for (const run of [...running]) await stop(run);
  for (const root of [...copies]) await removeCopy(root);
});

describe('runnable markers', () => {
  it.each(DOCUMENTS)('$file has at least $minimumBlocks runnable blocks', ({ file, minimumBlocks }) => {
    const blocks = extractRunnableBlocks(readFileSync(join(repositoryRoot, file), 'utf8'), file);
    expect(blocks.length).toBeGreaterThanOrEqual(minimumBlocks);
    expect(blocks.some((block) => block.background)).toBe(true);
  });
});

describe('the documented commands', () => {
  it.each(DOCUMENTS)(
    'run as written in $file, on a fresh copy of the repository',
    async ({ file }) => {
      await runDocument(file);
    },
    20 * 60_000,
  );
});
