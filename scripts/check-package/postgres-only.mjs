import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, CheckError } from './check.mjs';
import { freshProject } from './fresh-project.mjs';
import { childEnv, runOrThrow } from './run.mjs';
import { consumerFiles, installedVersion, root, sdkDir } from './sdk-package.mjs';

/**
 * Proves a consumer with bullmq and pg but no ioredis stores and processes a delivery in a real PostgreSQL,
 * type-checks (node16, skipLibCheck off), and is told in one line to install ioredis for a Redis Cluster.
 */
export async function checkPostgresOnly(temp, tarball) {
  const folder = join(temp, 'postgres-only');
  const dependencies = ['bullmq', 'pg', 'typescript', '@types/node'].map((name) => `${name}@${installedVersion(name)}`);
  const database = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'start-postgres.ts')], {
    cwd: sdkDir,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const [url] = await Promise.all([
      new Promise((resolve, reject) => {
        database.stdout.setEncoding('utf8').once('data', (line) => resolve(line.trim().split('\n')[0]));
        database.once('exit', (code) => reject(new CheckError(`PostgreSQL did not start (exit ${code})`)));
      }),
      freshProject(folder, tarball, dependencies),
    ]);
    for (const file of ['postgres-only.mjs', 'postgres-only-types.mts'])
      copyFileSync(join(consumerFiles, file), join(folder, file));
    const { stdout } = await runOrThrow('node postgres-only.mjs failed', process.execPath, ['postgres-only.mjs'], {
      cwd: folder,
      env: { ...childEnv, DATABASE_URL: url },
      timeoutMs: 60_000,
    });
    const tsc = join(folder, 'node_modules', 'typescript', 'bin', 'tsc');
    const options = [
      '--noEmit',
      '--strict',
      '--module',
      'node16',
      '--skipLibCheck',
      'false',
      'postgres-only-types.mts',
    ];
    await runOrThrow('type errors without ioredis', process.execPath, [tsc, ...options], { cwd: folder });
    // A Redis Cluster needs ioredis, loaded only then: asked for here, one line says what to install.
    const cluster =
      "try { new BullMQQueue({ redis: { clusterNodes: ['127.0.0.1:1'] } }) } catch (e) { console.log(e.name + ': ' + e.message) }";
    const expected =
      'MissingPeerError: acadle-webhooks/bullmq needs the ioredis package for Redis Cluster: npm install ioredis';
    for (const [format, args] of [
      ['CJS', ['-e', `const { BullMQQueue } = require('acadle-webhooks/bullmq'); ${cluster}`]],
      ['ESM', ['--input-type=module', '-e', `import { BullMQQueue } from 'acadle-webhooks/bullmq'; ${cluster}`]],
    ]) {
      const answer = await runOrThrow(`${format}: Redis Cluster without ioredis`, process.execPath, args, {
        cwd: folder,
      });
      assert(
        answer.stdout.trim() === expected,
        `${format}: Redis Cluster without ioredis said: ${answer.stdout.slice(0, 300)}`,
      );
    }
    return `${stdout.trim()}; tsc (node16, skipLibCheck off) passes; a Redis Cluster asks for ioredis in one line`;
  } finally {
    database.stdin.end();
    await new Promise((resolve) => (database.exitCode === null ? database.once('exit', resolve) : resolve()));
  }
}
