// The consumer's scripts (scripts/package-consumer), run with plain node in the installed consumer project.
import { join } from 'node:path';
import { startRedis } from 'acadle-webhooks-test-harness';
import { assert, CheckError } from './check.mjs';
import { readmeExampleFile } from './consumer-project.mjs';
import { childEnv, runOrThrow } from './run.mjs';
import { manifest, README_EXAMPLES } from './sdk-package.mjs';

/** Proves the README's usage (parse, receive, queue, process, the Express adapter over HTTP) runs from `file`. */
export async function checkReadmeUsage(project, file) {
  const { stdout } = await runOrThrow(`node ${file} failed`, process.execPath, [file], { cwd: project });
  return `parseEvent, createReceiver + MemoryQueue + createProcessor, Express adapter over HTTP; ${stdout.trim()}`;
}

/** Proves the package's bin runs through npx and prints an example event as JSON. */
export async function checkBin(project) {
  const args = ['--no', manifest.name, 'example', 'user_course_completed'];
  const { stdout } = await runOrThrow('the command failed', 'npx', args, { cwd: project });
  let printed;
  try {
    printed = JSON.parse(stdout);
  } catch {
    throw new CheckError('the command did not print JSON', stdout);
  }
  assert(printed.type === 'user_course_completed', `printed type ${printed.type}`);
  return 'prints the example as JSON';
}

/** Proves an error thrown from the ES module build is recognized by the CommonJS build in one app. */
export async function checkMixedBuilds(project) {
  const { stdout } = await runOrThrow('node mixed-builds.mjs failed', process.execPath, ['mixed-builds.mjs'], {
    cwd: project,
  });
  return `a NonRetryableError from the ES module build dead-letters at once in the CommonJS queue: ${stdout.trim()}`;
}

/** Proves the bin lists and replays dead letters (npx) against a real redis-server. */
export async function checkDeadLetters(project) {
  const redis = await startRedis();
  try {
    const { stdout } = await runOrThrow('node dead-letters.mjs failed', process.execPath, ['dead-letters.mjs'], {
      cwd: project,
      env: { ...childEnv, REDIS_URL: redis.url },
      timeoutMs: 60_000,
    });
    return stdout.trim();
  } finally {
    await redis.stop();
  }
}

/** Proves the README's handler test compiles and passes with node --test against the packed package. */
export async function checkReadmeHandlerTest(project) {
  const index = README_EXAMPLES.findIndex((example) => example.includes('deliver('));
  assert(index !== -1, 'the README has no example that calls deliver');
  const source = readmeExampleFile(index);
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  const compile = ['--module', 'node16', '--target', 'es2022', '--outDir', 'readme-out', '--skipLibCheck', source];
  await runOrThrow('the example does not compile', process.execPath, [tsc, ...compile], { cwd: project });
  const compiled = join('readme-out', source.replace(/\.mts$/, '.mjs'));
  const { stdout } = await runOrThrow('the example fails', process.execPath, ['--test', compiled], {
    cwd: project,
  });
  const passed = /# pass (\d+)/.exec(stdout)?.[1];
  assert(Number(passed) > 0 && /# fail 0/.test(stdout), `node --test: ${stdout.slice(-300)}`);
  return `${passed} tests pass, from the packed package`;
}
