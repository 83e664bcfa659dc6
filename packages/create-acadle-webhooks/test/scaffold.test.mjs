// The scaffold as a user gets it: SDK tarball + template, the CLI, npm install, npm test, build, start,
// one documented delivery end to end, graceful stop. Run with `node --import tsx --test test/scaffold.test.mjs`
// (the shared test harness is TypeScript).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, startRedis } from 'acadle-webhooks-test-harness';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sdkDir = resolve(packageDir, '..', 'sdk');
const bin = join(packageDir, 'bin', 'create-acadle-webhooks.mjs');
// Outside the repository, so that nothing resolves from its node_modules (as in a user's folder). As root,
// PostgreSQL runs as `postgres`: the folder must be enterable by other users (the repository's parent is).
const workRoot = process.env.CREATE_ACADLE_WEBHOOKS_TEST_DIR ?? resolve(packageDir, '..', '..', '..');
const TOKEN = 'scaffold-test-token-0123456789';

/** The environment without what the runner (npm, pnpm) passed down to us. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

let tmp;
let tarball;
let createTarball;

function run(command, args, cwd, extraEnv = {}) {
  const result = spawnSync(command, args, { cwd, env: { ...cleanEnv, ...extraEnv }, encoding: 'utf8' });
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(' ')} in ${cwd} exited ${result.status}\n${result.stdout}\n${result.stderr}`,
  );
  return result.stdout;
}

function runBin(args, cwd = tmp) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, env: cleanEnv, encoding: 'utf8' });
}

before(() => {
  tmp = mkdtempSync(join(workRoot, '.create-acadle-webhooks-test-'));
  chmodSync(tmp, 0o755);
  // The SDK as built by `pnpm build` (the root `pnpm test:slow` builds it first).
  if (!existsSync(join(sdkDir, 'dist', 'index.js'))) run('npx', ['tsup', '--silent'], sdkDir);
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], sdkDir));
  tarball = join(tmp, packed[0].filename);
  run(process.execPath, [join(packageDir, 'scripts', 'build-template.mjs')], packageDir);
  // The scaffolder as npm users run it: its packed tarball, through \`npm exec\` (what \`npm create\` does).
  const packedCreate = JSON.parse(
    run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], packageDir),
  );
  createTarball = join(tmp, packedCreate[0].filename);
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('refuses a non-empty target directory, in one line', () => {
  const dir = join(tmp, 'not-empty');
  mkdirSync(dir);
  writeFileSync(join(dir, 'keep.txt'), 'mine\n');
  const result = runBin([dir, '--no-install']);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^create-acadle-webhooks: .*not empty.*\n$/);
  assert.equal(result.stderr.trim().split('\n').length, 1);
  assert.equal(readFileSync(join(dir, 'keep.txt'), 'utf8'), 'mine\n');
  assert.equal(existsSync(join(dir, 'package.json')), false);
});

test('refuses a folder name that is not a valid npm package name, in one line', () => {
  for (const name of ['My-App', '.hidden', '_private', 'has space', 'a'.repeat(215)]) {
    const result = runBin([name, '--no-install']);
    assert.equal(result.status, 1, name);
    assert.match(result.stderr, /^create-acadle-webhooks: .*not a valid npm package name.*\n$/, name);
    assert.equal(result.stderr.trim().split('\n').length, 1, name);
    assert.equal(existsSync(join(tmp, name)), false, name);
  }
});

test('scaffolds a project that installs, tests, builds, starts and processes a delivery', {
  timeout: 600_000,
}, async () => {
  const project = join(tmp, 'acadle-receiver');
  run(
    'npm',
    [
      'exec',
      '--yes',
      `--package=${createTarball}`,
      '--',
      'create-acadle-webhooks',
      project,
      '--sdk',
      tarball,
      '--no-install',
    ],
    tmp,
  );
  chmodSync(project, 0o755);

  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'acadle-receiver');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.dependencies['acadle-webhooks'], `file:${tarball}`);
  assert.equal(JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8')).extends, undefined);
  assert.match(readFileSync(join(project, '.gitignore'), 'utf8'), /node_modules[\s\S]*dist[\s\S]*\.data/);
  assert.match(readFileSync(join(project, '.env.example'), 'utf8'), /QUEUE_BACKEND=embedded/);
  const harness = spawnSync('grep', ['-rl', 'test-harness', join(project, 'src')], { encoding: 'utf8' });
  assert.equal(harness.stdout, '', 'src imports the monorepo test harness');

  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
  run('npm', ['test'], project);
  run('npm', ['run', 'build'], project);

  const port = await freePort();
  const server = spawn(process.execPath, ['dist/server.js'], {
    cwd: project,
    env: {
      ...cleanEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(project, '.data'),
      WEBHOOK_TOKENS: TOKEN,
      LOG_PRETTY: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  server.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  server.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolveExit) => server.once('exit', (code, signal) => resolveExit({ code, signal })));
  try {
    const base = `http://127.0.0.1:${port}`;
    await until(
      120_000,
      async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200,
      () => `not ready\n${stdout}\n${stderr}`,
    );

    const { fixtures } = await import(
      pathToFileURL(join(project, 'node_modules', 'acadle-webhooks', 'dist', 'testing', 'index.mjs')).href
    );
    const response = await fetch(`${base}/webhooks/acadle/${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: fixtures.user_course_completed,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { received: true, id: 'bDJOU0M0MQ==', duplicate: false });

    await until(
      30_000,
      () => stdout.includes('crm.mark_course_complete') && stdout.includes('event processed'),
      () => `no processed log\n${stdout}\n${stderr}`,
    );
    server.kill('SIGTERM');
    const { code, signal } = await Promise.race([exited, sleep(40_000).then(() => ({ code: 'timeout' }))]);
    assert.equal(code, 0, `exit ${code} ${signal ?? ''}\n${stdout}\n${stderr}`);
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
  }
  await runOnRedis(project);
  rmSync(project, { recursive: true, force: true });
});

/**
 * `--backend redis` writes the same project but for its .env.example and README: the installed and built
 * project is then run against a real redis-server, with the variables that .env.example names.
 */
async function runOnRedis(project) {
  const redisProject = join(tmp, 'acadle-receiver-redis');
  run(
    'npm',
    [
      'exec',
      '--yes',
      `--package=${createTarball}`,
      '--',
      'create-acadle-webhooks',
      redisProject,
      '--sdk',
      tarball,
      '--backend',
      'redis',
      '--no-install',
    ],
    tmp,
  );
  assert.match(readFileSync(join(redisProject, '.env.example'), 'utf8'), /REDIS_URL=redis:\/\//);
  const differing = spawnSync(
    'diff',
    ['-rq', '-x', '.env.example', '-x', 'README.md', '-x', 'package.json', project, redisProject],
    { encoding: 'utf8' },
  );
  const onlyInstalled = differing.stdout
    .split('\n')
    .filter((line) => line && !/^Only in .*acadle-receiver: (node_modules|dist|\.data|package-lock\.json)$/.test(line));
  assert.deepEqual(onlyInstalled, [], 'the redis project differs in more than its .env.example and README');

  const redis = await startRedis();
  try {
    const port = await freePort();
    // node itself, as the Dockerfile and systemd run it: \`npm start\` exits at once on SIGTERM, without
    // passing it on (seen here with npm 11), so a process manager must not stop the server through npm.
    const server = spawn(process.execPath, ['dist/server.js'], {
      cwd: project,
      env: {
        ...cleanEnv,
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_URL: redis.url,
        WEBHOOK_TOKENS: TOKEN,
        LOG_PRETTY: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    server.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise((resolveExit) => server.once('exit', (code) => resolveExit(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await until(
        60_000,
        async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200,
        () => `not ready on Redis\n${stdout}`,
      );
      assert.match(stdout, /"queueBackend":"redis"/);
      const body = JSON.stringify({
        id: 'redis-1',
        version: '2020-12-04',
        type: 'user_registered',
        data: {
          user: {
            id: 17,
            name: 'John Doe',
            email: 'johndoe@email.com',
            created_at: '2020-12-04 10:43:17',
            timezone: 'UTC',
          },
        },
      });
      const response = await fetch(`${base}/webhooks/acadle/${TOKEN}`, { method: 'POST', body });
      assert.deepEqual(await response.json(), { received: true, id: 'redis-1', duplicate: false });
      await until(
        30_000,
        () =>
          /"eventId":"redis-1"[^\n]*"msg":"event processed"|"msg":"event processed"[^\n]*"eventId":"redis-1"/.test(
            stdout,
          ),
        () => `not processed on Redis\n${stdout}`,
      );
      server.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(40_000).then(() => 'timeout')]);
      assert.equal(code, 0, `exit ${code}\n${stdout}`);
      assert.match(stdout, /"msg":"stopped"/);
    } finally {
      if (server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
    }
  } finally {
    await redis.stop();
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(ms, check, message) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(250);
  }
  assert.fail(message());
}
