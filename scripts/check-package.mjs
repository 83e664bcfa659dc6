#!/usr/bin/env node
// Checks the SDK as someone else's project gets it from npm: the manifest, `npm pack`, publint and
// attw on the tarball, then a fresh project that installs the tarball with plain npm and imports,
// requires, runs and type-checks every subpath of `exports` (so a new subpath is covered without
// editing this file). Builds nothing: run `pnpm build` first. `--keep` keeps the temp directory.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sdkDir = join(root, 'packages', 'sdk');
const consumerFiles = join(root, 'scripts', 'package-consumer');
const manifest = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8'));
const keep = process.argv.includes('--keep');

const subpaths = Object.keys(manifest.exports ?? {}).filter((subpath) => subpath !== './package.json');
const specifierOf = (subpath) => (subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`);
const peers = Object.keys(manifest.peerDependencies ?? {});
// Installed next to the tarball, at the versions the workspace itself uses (typescript from the root).
const CONSUMER_DEPENDENCIES = [...peers, 'typescript', '@types/node', '@types/express', '@types/pg'];
// A few exports per subpath that the README and docs rely on; every subpath must export something.
const EXPECTED_EXPORTS = {
  '.': { parseEvent: 'function', createReceiver: 'function', createProcessor: 'function', MemoryQueue: 'function' },
  './express': { createExpressMiddleware: 'function' },
  './bullmq': { BullMQQueue: 'function', createBullMQWorker: 'function', replayFailed: 'function' },
  './node': { createNodeHandler: 'function' },
  './testing': { fixtures: 'object', createEvent: 'function' },
};
// node16 also checks the package's .d.ts and .d.mts files themselves (skipLibCheck off, as some
// consumers have it) and the README's examples; the other two skip those, saving about 5 s each.
const README_EXAMPLES = readmeExamples();
const TYPE_CONFIGS = {
  node16: {
    module: 'node16',
    skipLibCheck: false,
    files: ['consumer.mts', 'consumer.cts', ...README_EXAMPLES.map((_, index) => `readme-example-${index + 1}.mts`)],
  },
  nodenext: { module: 'nodenext', skipLibCheck: true, files: ['consumer.mts', 'consumer.cts'] },
  bundler: { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true, files: ['consumer.ts'] },
};

class CheckError extends Error {
  constructor(message, output = '') {
    super(message);
    this.output = output;
  }
}

// pnpm passes its own settings to scripts as npm_config_*; npm would warn about them.
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_config_verify_deps_before_run$/i.test(key)),
);

function run(command, args, { cwd = root, timeoutMs = 120_000, env = childEnv } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ code: -1, stdout, stderr: `${stderr}${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? `${signal} (timed out after ${timeoutMs} ms?)` : -1), stdout, stderr });
    });
  });
}

async function runOrThrow(message, command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new CheckError(`${message} (exit ${result.code})`, `${result.stdout}${result.stderr}`);
  return result;
}

const failures = [];

/** Runs one check and prints one line for it; returns whether it passed. */
async function check(name, body, started = performance.now()) {
  try {
    const detail = await body();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`ok    ${name}${detail ? `: ${detail}` : ''} (${seconds} s)`);
    return true;
  } catch (error) {
    failures.push(name);
    console.log(`FAIL  ${name}: ${error instanceof Error ? error.message : String(error)}`);
    const output = error instanceof CheckError ? error.output.trim() : error instanceof Error ? error.stack : '';
    if (output)
      console.log(
        output
          .split('\n')
          .slice(-40)
          .map((line) => `      ${line}`)
          .join('\n'),
      );
    return false;
  }
}

function assert(condition, message) {
  if (!condition) throw new CheckError(message);
}

function installedVersion(name) {
  for (const base of [sdkDir, root]) {
    const file = join(base, 'node_modules', name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
  }
  throw new CheckError(`${name} is not installed in the workspace: run pnpm install`);
}

/** What `typesVersions` must say for TypeScript's node10 resolution, which ignores `exports`. */
function expectedTypesVersions() {
  const paths = {};
  for (const subpath of subpaths.filter((subpath) => subpath !== '.')) {
    paths[subpath.slice(2)] = [manifest.exports[subpath].require.types];
  }
  return { '*': paths };
}

function checkManifest() {
  const problems = [];
  if (subpaths.length === 0) problems.push('no exports');
  for (const subpath of subpaths) {
    const entry = manifest.exports[subpath];
    for (const [condition, typesExtension, codeExtension] of [
      ['import', '.d.mts', '.mjs'],
      ['require', '.d.ts', '.js'],
    ]) {
      const target = entry?.[condition];
      if (typeof target !== 'object' || target === null) {
        problems.push(`exports["${subpath}"].${condition} is missing`);
        continue;
      }
      if (Object.keys(target)[0] !== 'types')
        problems.push(`exports["${subpath}"].${condition}: "types" must come first`);
      if (!target.types?.endsWith(typesExtension))
        problems.push(`exports["${subpath}"].${condition}.types must end in ${typesExtension}`);
      if (!target.default?.endsWith(codeExtension))
        problems.push(`exports["${subpath}"].${condition}.default must end in ${codeExtension}`);
    }
  }
  for (const subpath of Object.keys(EXPECTED_EXPORTS)) {
    if (!subpaths.includes(subpath)) problems.push(`exports["${subpath}"] is missing`);
  }
  const main = manifest.exports?.['.']?.require;
  if (manifest.main !== main?.default || manifest.types !== main?.types)
    problems.push('main and types must match exports["."].require');
  if (!isDeepStrictEqual(manifest.typesVersions, expectedTypesVersions()))
    problems.push(`typesVersions must match exports: "typesVersions": ${JSON.stringify(expectedTypesVersions())}`);
  if (manifest.sideEffects !== false) problems.push('sideEffects must be false');
  if (!manifest.engines?.node) problems.push('engines.node is missing');
  if (!manifest.bin?.[manifest.name]) problems.push(`bin["${manifest.name}"] is missing`);
  if (manifest.private) problems.push('the package is private');
  for (const peer of peers) {
    if (manifest.peerDependenciesMeta?.[peer]?.optional !== true) problems.push(`peer ${peer} is not optional`);
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${name} is ${range}`);
    }
  }
  const license = (dir) => (existsSync(join(dir, 'LICENSE')) ? readFileSync(join(dir, 'LICENSE'), 'utf8') : undefined);
  const sdkLicense = license(sdkDir);
  if (sdkLicense === undefined || sdkLicense !== license(root))
    problems.push('packages/sdk/LICENSE is missing or differs from the repository LICENSE');
  if (!sdkLicense?.startsWith(`${manifest.license} License`))
    problems.push(`LICENSE is not the ${manifest.license} license`);
  if (problems.length > 0) throw new CheckError(problems.join('; '));
  return `${subpaths.join(', ')}; typesVersions matches; peers optional: ${peers.join(', ')}; LICENSE (${manifest.license}) same as the repository's`;
}

/** Every file the package points at, relative to its root. */
function referencedFiles() {
  const targets = [manifest.main, manifest.module, manifest.types, ...Object.values(manifest.bin ?? {})];
  for (const subpath of subpaths) {
    for (const condition of Object.values(manifest.exports[subpath])) targets.push(...Object.values(condition));
  }
  // A bin shim (bin/acadle-webhooks.js) requires its built entry: that entry counts as pointed at too.
  for (const bin of Object.values(manifest.bin ?? {})) {
    const shim = readFileSync(join(sdkDir, bin), 'utf8');
    for (const [, required] of shim.matchAll(/require\('([^']+)'\)/g)) targets.push(join(dirname(bin), required));
  }
  return new Set(targets.filter(Boolean).map((target) => target.replace(/^\.\//, '')));
}

function checkContents(files) {
  const shipped = new Set(files);
  const referenced = referencedFiles();
  const problems = [];
  for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', ...referenced]) {
    if (!shipped.has(file)) problems.push(`${file} is not in the tarball`);
  }
  for (const file of files) {
    const allowed =
      file.startsWith('dist/') ||
      /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/.test(file) ||
      file.startsWith('bin/') ||
      // The sources the source maps name, and the guides the README links to.
      (/^src\/.+\.ts$/.test(file) && !file.endsWith('.test.ts')) ||
      /^docs\/[\w-]+\.md$/.test(file);
    if (!allowed) problems.push(`${file} should not ship`);
    // A built entry that nothing points at is dead weight, or an export someone forgot.
    if (/\.(c|m)?js$/.test(file) && !referenced.has(file)) problems.push(`${file} ships but no export or bin uses it`);
  }
  if (problems.length > 0) throw new CheckError(problems.join('; '));
}

/**
 * Stack traces and editors follow the source maps: every file a map names must ship. Every link of the
 * README (the registry page, and node_modules) must point at a shipped file (relative, or the same file
 * on unpkg) or at another site.
 */
function checkMapsAndLinks(files) {
  const shipped = new Set(files);
  const problems = [];
  let sources = 0;
  for (const file of files.filter((name) => name.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(join(sdkDir, file), 'utf8'));
    for (const source of map.sources) {
      sources += 1;
      const target = join(dirname(file), source);
      if (!shipped.has(target)) problems.push(`${file} names ${source}, which does not ship`);
    }
  }
  const readme = readFileSync(join(sdkDir, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]);
  const unpkg = `https://unpkg.com/${manifest.name}/`;
  for (const link of links) {
    if (link.startsWith(unpkg)) {
      if (!shipped.has(link.slice(unpkg.length).split('#')[0]))
        problems.push(`README links to ${link}, which does not ship`);
    } else if (!/^https?:\/\//.test(link) && !link.startsWith('#')) {
      if (!shipped.has(link.split('#')[0])) problems.push(`README links to ${link}, which does not ship`);
      // Relative links resolve against npmjs.com on the registry page, where they 404.
      else problems.push(`README links to ${link} relatively: it 404s on the registry page; link to ${unpkg}${link}`);
    }
  }
  if (problems.length > 0) throw new CheckError(problems.join('; '));
  return `${sources} sources named by ${files.filter((name) => name.endsWith('.map')).length} maps all ship; ${links.length} README links resolve`;
}

function typeConsumer() {
  const imports = subpaths.map((subpath, index) => `import type * as entry${index} from '${specifierOf(subpath)}';`);
  const hasExports = subpaths.map((_, index) => `HasExports<typeof entry${index}>`);
  return [
    '// Generated by check-package.mjs: every subpath of `exports` resolves to types that export something.',
    ...imports,
    'type HasExports<T> = [keyof T] extends [never] ? false : true;',
    `export const everyEntryHasTypes: [${hasExports.join(', ')}] = [${subpaths.map(() => 'true').join(', ')}];`,
    '',
    readFileSync(join(consumerFiles, 'consumer.ts'), 'utf8'),
  ].join('\n');
}

/** The README's TypeScript examples (the npm landing page), each type-checked as its own module. */
function readmeExamples() {
  const readme = readFileSync(join(sdkDir, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

function writeConsumerProject(project) {
  for (const file of readdirSync(consumerFiles)) {
    if (file !== 'consumer.ts') copyFileSync(join(consumerFiles, file), join(project, file));
  }
  const consumer = typeConsumer();
  for (const file of ['consumer.mts', 'consumer.cts', 'consumer.ts']) writeFileSync(join(project, file), consumer);
  for (const [index, example] of README_EXAMPLES.entries()) {
    writeFileSync(join(project, `readme-example-${index + 1}.mts`), example);
  }
  for (const [name, { files, ...moduleOptions }] of Object.entries(TYPE_CONFIGS)) {
    const compilerOptions = {
      ...moduleOptions,
      target: 'es2022',
      lib: ['es2022'],
      strict: true,
      esModuleInterop: true,
      noEmit: true,
    };
    writeFileSync(join(project, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }, null, 2));
  }
}

async function probeEntries(project, probe) {
  const results = await Promise.all(
    subpaths.map(async (subpath) => {
      const { stdout } = await runOrThrow(
        `${probe} ${specifierOf(subpath)} failed`,
        process.execPath,
        [probe, specifierOf(subpath), peers.join(',')],
        { cwd: project },
      );
      return [subpath, JSON.parse(stdout.trim().split('\n').at(-1))];
    }),
  );
  const bySubpath = Object.fromEntries(results);
  for (const [subpath, { exports }] of results) {
    assert(Object.keys(exports).length > 0, `${specifierOf(subpath)} exports nothing`);
    for (const [name, type] of Object.entries(EXPECTED_EXPORTS[subpath] ?? {})) {
      assert(
        exports[name] === type,
        `${specifierOf(subpath)}: ${name} is ${exports[name] ?? 'missing'}, not a ${type}`,
      );
    }
  }
  return bySubpath;
}

function describePeers(bySubpath) {
  return subpaths.map((subpath) => `${subpath} ${bySubpath[subpath].peers.join('+') || 'none'}`).join(', ');
}

async function main() {
  const preflight = await check('preflight', () => {
    const missing = [...referencedFiles()].filter((file) => !existsSync(join(sdkDir, file)));
    assert(missing.length === 0, `not built: ${missing.join(', ')}; run pnpm build first`);
    for (const bin of ['publint', 'attw']) {
      assert(existsSync(join(root, 'node_modules', '.bin', bin)), `${bin} is not installed: run pnpm install`);
    }
  });
  if (!preflight) return;
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
    let tarball;
    let packedFiles = [];
    const packed = await check('npm pack', async () => {
      const { stdout } = await runOrThrow(
        'npm pack failed',
        'npm',
        ['pack', '--json', '--ignore-scripts', '--pack-destination', temp],
        { cwd: sdkDir },
      );
      const [{ filename, files, size }] = JSON.parse(stdout);
      tarball = join(temp, filename);
      packedFiles = files.map((file) => file.path);
      return `${filename}, ${files.length} files, ${Math.round(size / 1024)} kB packed`;
    });
    if (!packed) return;
    await check('tarball contents', () => {
      checkContents(packedFiles);
      return 'README.md, CHANGELOG.md, LICENSE, every export and bin target; nothing unreferenced';
    });
    await check('source maps and README links', () => checkMapsAndLinks(packedFiles));

    const project = join(temp, 'consumer');
    // The slow part (npm install) runs while publint and attw check the tarball.
    const installStarted = performance.now();
    const install = (async () => {
      const dependencies = CONSUMER_DEPENDENCIES.map((name) => `${name}@${installedVersion(name)}`);
      mkdirSync(project);
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'acadle-webhooks-consumer', version: '0.0.0', private: true }),
      );
      writeConsumerProject(project);
      const flags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
      await runOrThrow('npm install failed', 'npm', ['install', ...flags, tarball, ...dependencies], {
        cwd: project,
        timeoutMs: 300_000,
      });
      return `${manifest.name} + ${dependencies.join(' ')}`;
    })();
    install.catch(() => {});

    await check('publint', async () => {
      const bin = join(root, 'node_modules', '.bin', 'publint');
      const { stdout } = await runOrThrow('publint found problems', bin, ['run', '--strict', tarball]);
      if (!stdout.includes('All good!')) throw new CheckError('publint has suggestions', stdout);
      return 'all good (strict, suggestions included)';
    });
    await check('attw', async () => {
      const bin = join(root, 'node_modules', '.bin', 'attw');
      const result = await run(bin, [tarball, '--format', 'json', '--no-definitely-typed']);
      let report;
      try {
        report = JSON.parse(result.stdout);
      } catch {
        throw new CheckError(`attw failed (exit ${result.code})`, `${result.stdout}${result.stderr}`);
      }
      const problems = report.problems ?? {};
      const count = Object.values(problems).flat().length;
      if (result.code !== 0 || count > 0)
        throw new CheckError(`attw found ${count} problem(s) (exit ${result.code})`, JSON.stringify(problems, null, 2));
      const { entrypoints } = report.analysis;
      const unchecked = subpaths.filter((subpath) => !(subpath in entrypoints));
      assert(unchecked.length === 0, `attw did not check ${unchecked.join(', ')}`);
      const resolutions = Object.keys(entrypoints['.'].resolutions);
      return `no problems in ${Object.keys(entrypoints).length} entry points × ${resolutions.join(', ')}`;
    });
    if (!(await check('npm install in a fresh project', () => install, installStarted))) return;

    let esm;
    let cjs;
    await check('import (ESM) of every entry point', async () => {
      esm = await probeEntries(project, 'probe.mjs');
      return subpaths.map((subpath) => `${subpath} ${Object.keys(esm[subpath].exports).length}`).join(', ');
    });
    await check('require (CJS) of every entry point', async () => {
      cjs = await probeEntries(project, 'probe.cjs');
      return subpaths.map((subpath) => `${subpath} ${Object.keys(cjs[subpath].exports).length}`).join(', ');
    });
    if (esm && cjs) {
      await check('ESM and CJS builds export the same names', () => {
        const differing = subpaths.filter((subpath) => !isDeepStrictEqual(esm[subpath].exports, cjs[subpath].exports));
        assert(differing.length === 0, `exports differ for ${differing.join(', ')}`);
      });
      await check('core entry loads no peer dependency', () => {
        for (const [format, bySubpath] of [
          ['ESM', esm],
          ['CJS', cjs],
        ]) {
          assert(bySubpath['.'].peers.length === 0, `${format} core loads ${bySubpath['.'].peers.join(', ')}`);
          // If no entry loads any peer, the detection itself is broken (the BullMQ adapter must load bullmq).
          assert(
            subpaths.some((subpath) => bySubpath[subpath].peers.length > 0),
            `${format}: no entry point loaded a peer; peer detection is broken`,
          );
        }
        return `loaded per entry: ${describePeers(esm)}`;
      });
    }
    for (const file of ['usage.mjs', 'usage.cjs']) {
      await check(`README usage runs from ${file.endsWith('.mjs') ? 'ESM' : 'CJS'}`, async () => {
        const { stdout } = await runOrThrow(`node ${file} failed`, process.execPath, [file], { cwd: project });
        return `parseEvent, createReceiver + MemoryQueue + createProcessor, Express adapter over HTTP; ${stdout.trim()}`;
      });
    }
    await check('bin: npx acadle-webhooks example user_course_completed', async () => {
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
    });
    await check('an app mixing require and import: errors recognized across the builds', async () => {
      const { stdout } = await runOrThrow('node mixed-builds.mjs failed', process.execPath, ['mixed-builds.mjs'], {
        cwd: project,
      });
      return `a NonRetryableError from the ES module build dead-letters at once in the CommonJS queue: ${stdout.trim()}`;
    });
    await check('dead-letters list and replay (npx) against a real redis-server', async () => {
      const redis = await startRedis(temp);
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
    });
    await check("README's handler test runs with node --test", async () => {
      const index = README_EXAMPLES.findIndex((example) => example.includes('deliver('));
      assert(index !== -1, 'the README has no example that calls deliver');
      const source = `readme-example-${index + 1}.mts`;
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
    });
    await checkWithoutPeers(temp, tarball);
    // The three compilations run at once; each line shows the time of the whole batch.
    const typeChecksStarted = performance.now();
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const typeChecks = Object.entries(TYPE_CONFIGS).map(([name, { files }]) => ({
      name: `tsc --noEmit, ${name} resolution (${files.filter((file) => !file.startsWith('readme-')).join(', ')}${
        files.some((file) => file.startsWith('readme-')) ? ', README examples' : ''
      })`,
      result: run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: project }),
    }));
    for (const { name, result } of typeChecks) {
      await check(
        name,
        async () => {
          const { code, stdout, stderr } = await result;
          if (code !== 0) throw new CheckError(`type errors (exit ${code})`, `${stdout}${stderr}`);
          return 'narrowing makes data.course.completed_at a Date; every @ts-expect-error holds';
        },
        typeChecksStarted,
      );
    }
  } finally {
    cleanUp();
  }
}

/** A throwaway redis-server on a free loopback port (Debian's; `pnpm test` installs it). */
async function startRedis(temp) {
  const port = await new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolvePort(free));
    });
    server.once('error', reject);
  });
  const dir = mkdtempSync(join(temp, 'redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise((resolveOpen) => {
      const socket = connect(port, '127.0.0.1', () => resolveOpen(socket.end() && true)).once('error', () =>
        resolveOpen(false),
      );
    });
    if (open) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new CheckError('redis-server did not start');
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolveStop) =>
        child.exitCode === null ? child.once('exit', resolveStop).kill('SIGKILL') : resolveStop(),
      ),
  };
}

/** A fresh project with the tarball and `dependencies`, plain npm. */
async function freshProject(folder, tarball, dependencies) {
  mkdirSync(folder);
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name: basename(folder), version: '0.0.0', private: true }),
  );
  const flags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
  await runOrThrow('npm install failed', 'npm', ['install', ...flags, tarball, ...dependencies], {
    cwd: folder,
    timeoutMs: 300_000,
  });
}

/** Consumers that install only some peers: none at all, or PostgreSQL without ioredis, or Express with or without OpenTelemetry. */
async function checkWithoutPeers(temp, tarball) {
  for (const [name, folder, otel] of [
    ['Express without @opentelemetry/api: a delivery is answered and processed', 'express-only', []],
    [
      'Express with @opentelemetry/api and an SDK registered: receive, enqueue and process spans in one trace',
      'express-otel',
      [
        '@opentelemetry/api',
        '@opentelemetry/sdk-trace-base',
        '@opentelemetry/context-async-hooks',
        '@opentelemetry/core',
      ],
    ],
  ]) {
    await check(name, async () => {
      const dependencies = ['express', ...otel].map((dependency) => `${dependency}@${installedVersion(dependency)}`);
      await freshProject(join(temp, folder), tarball, dependencies);
      copyFileSync(join(consumerFiles, 'tracing.mjs'), join(temp, folder, 'tracing.mjs'));
      const args = ['tracing.mjs', ...(otel.length > 0 ? ['spans'] : [])];
      const { stdout } = await runOrThrow('node tracing.mjs failed', process.execPath, args, {
        cwd: join(temp, folder),
      });
      return stdout.trim();
    });
  }

  await check('a consumer without bullmq: importing acadle-webhooks/bullmq fails with one line', async () => {
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
  });

  await check('PostgreSQL only (bullmq + pg, no ioredis): stores and processes a delivery; types check', async () => {
    const folder = join(temp, 'postgres-only');
    const dependencies = ['bullmq', 'pg', 'typescript', '@types/node'].map(
      (name) => `${name}@${installedVersion(name)}`,
    );
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
  });
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
