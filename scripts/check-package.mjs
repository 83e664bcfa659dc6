#!/usr/bin/env node
// Checks the SDK as someone else's project gets it from npm: the manifest, `npm pack`, publint and
// attw on the tarball, then a fresh project that installs the tarball with plain npm and imports,
// requires, runs and type-checks every subpath of `exports` (so a new subpath is covered without
// editing this file). Builds nothing: run `pnpm build` first. `--keep` keeps the temp directory.
// The checks live in scripts/check-package/; this file lists them in the order they run. Run with
// `node --import tsx` (`pnpm check:package`), since the redis-server launcher is the test harness's, in TypeScript.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAttw } from './check-package/attw.mjs';
import { check, failures } from './check-package/check.mjs';
import { installConsumer } from './check-package/consumer-project.mjs';
import {
  checkBin,
  checkDeadLetters,
  checkMixedBuilds,
  checkReadmeHandlerTest,
  checkReadmeUsage,
} from './check-package/consumer-scripts.mjs';
import { checkCoreLoadsNoPeer, checkSameExports, exportCounts, probeEntries } from './check-package/entry-points.mjs';
import { checkManifest } from './check-package/manifest.mjs';
import { checkMapsAndLinks } from './check-package/maps-and-links.mjs';
import { npmPack } from './check-package/npm-pack.mjs';
import { checkExpressConsumer, checkWithoutBullmq, OPENTELEMETRY_PACKAGES } from './check-package/partial-peers.mjs';
import { checkPostgresOnly } from './check-package/postgres-only.mjs';
import { checkPreflight } from './check-package/preflight.mjs';
import { checkPublint } from './check-package/publint.mjs';
import { checkTarballContents } from './check-package/tarball-contents.mjs';
import { checkTypes, startTypeChecks } from './check-package/type-checks.mjs';

const keep = process.argv.includes('--keep');

async function main() {
  if (!(await check('preflight', checkPreflight))) return;
  await check('manifest', checkManifest);

  const temp = mkdtempSync(join(tmpdir(), 'acadle-webhooks-check-'));
  const cleanUp = () => (keep ? console.log(`kept ${temp}`) : rmSync(temp, { recursive: true, force: true }));
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  try {
    let pack;
    const packed = await check('npm pack', async () => {
      pack = await npmPack(temp);
      return pack.summary;
    });
    if (!packed) return;
    const { tarball, files } = pack;
    await check('tarball contents', () => checkTarballContents(files));
    await check('source maps and README links', () => checkMapsAndLinks(files));

    const project = join(temp, 'consumer');
    // The slow part (npm install) runs while publint and attw check the tarball.
    const installStarted = performance.now();
    const install = installConsumer(project, tarball);
    install.catch(() => {});
    await check('publint', () => checkPublint(tarball));
    await check('attw', () => checkAttw(tarball));
    if (!(await check('npm install in a fresh project', () => install, installStarted))) return;

    let esm;
    let cjs;
    await check('import (ESM) of every entry point', async () => {
      esm = await probeEntries(project, 'probe.mjs');
      return exportCounts(esm);
    });
    await check('require (CJS) of every entry point', async () => {
      cjs = await probeEntries(project, 'probe.cjs');
      return exportCounts(cjs);
    });
    if (esm && cjs) {
      await check('ESM and CJS builds export the same names', () => checkSameExports(esm, cjs));
      await check('core entry loads no peer dependency', () => checkCoreLoadsNoPeer(esm, cjs));
    }
    await check('README usage runs from ESM', () => checkReadmeUsage(project, 'usage.mjs'));
    await check('README usage runs from CJS', () => checkReadmeUsage(project, 'usage.cjs'));
    await check('bin: npx acadle-webhooks example user_course_completed', () => checkBin(project));
    await check('an app mixing require and import: errors recognized across the builds', () =>
      checkMixedBuilds(project),
    );
    await check('dead-letters list and replay (npx) against a real redis-server', () => checkDeadLetters(project));
    await check("README's handler test runs with node --test", () => checkReadmeHandlerTest(project));

    // Consumers that install only some peers: Express with or without OpenTelemetry, none, PostgreSQL without ioredis.
    await check('Express without @opentelemetry/api: a delivery is answered and processed', () =>
      checkExpressConsumer(temp, tarball, 'express-only', []),
    );
    await check(
      'Express with @opentelemetry/api and an SDK registered: receive, enqueue and process spans in one trace',
      () => checkExpressConsumer(temp, tarball, 'express-otel', OPENTELEMETRY_PACKAGES),
    );
    await check('a consumer without bullmq: importing acadle-webhooks/bullmq fails with one line', () =>
      checkWithoutBullmq(temp, tarball),
    );
    await check('PostgreSQL only (bullmq + pg, no ioredis): stores and processes a delivery; types check', () =>
      checkPostgresOnly(temp, tarball),
    );

    // The three compilations run at once; each line shows the time of the whole batch.
    const typeChecksStarted = performance.now();
    for (const { name, result } of startTypeChecks(project)) {
      await check(name, () => checkTypes(result), typeChecksStarted);
    }
  } finally {
    cleanUp();
  }
}

const started = performance.now();
await main();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.log(`check:package failed (${failures.join('; ')}) after ${seconds} s`);
  process.exitCode = 1;
} else {
  console.log(`check:package passed in ${seconds} s`);
}
