// Consumers that install only some peers: Express with or without OpenTelemetry, or no peer at all.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert } from './check.mjs';
import { freshProject } from './fresh-project.mjs';
import { run, runOrThrow } from './run.mjs';
import { consumerFiles, installedVersion } from './sdk-package.mjs';

/** What a consumer installs to trace with OpenTelemetry: the API and a minimal SDK. */
export const OPENTELEMETRY_PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/core',
];

/** Proves an Express consumer with only `otel` besides answers and processes a delivery (with spans when `otel` is set). */
export async function checkExpressConsumer(temp, tarball, folder, otel) {
  const dependencies = ['express', ...otel].map((dependency) => `${dependency}@${installedVersion(dependency)}`);
  await freshProject(join(temp, folder), tarball, dependencies);
  copyFileSync(join(consumerFiles, 'tracing.mjs'), join(temp, folder, 'tracing.mjs'));
  const args = ['tracing.mjs', ...(otel.length > 0 ? ['spans'] : [])];
  const { stdout } = await runOrThrow('node tracing.mjs failed', process.execPath, args, {
    cwd: join(temp, folder),
  });
  return stdout.trim();
}

/** Proves that without bullmq, importing acadle-webhooks/bullmq fails with one line saying what to install. */
export async function checkWithoutBullmq(temp, tarball) {
  const folder = join(temp, 'no-peers');
  await freshProject(folder, tarball, []);
  const expected = 'acadle-webhooks/bullmq needs the bullmq package: npm install bullmq';
  for (const [format, args] of [
    ['CJS', ['-e', "require('acadle-webhooks/bullmq')"]],
    ['ESM', ['--input-type=module', '-e', "import 'acadle-webhooks/bullmq'"]],
  ]) {
    const { code, stderr } = await run(process.execPath, args, { cwd: folder });
    assert(code !== 0 && stderr.includes(expected), `${format}: exit ${code}, stderr: ${stderr.slice(0, 300)}`);
  }
  await runOrThrow('the core entry failed without peers', process.execPath, ['-e', "require('acadle-webhooks')"], {
    cwd: folder,
  });
  return `ESM and CJS: "${expected} …"; the core entry loads`;
}
