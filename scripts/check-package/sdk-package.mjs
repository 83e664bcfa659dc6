// What the checks know about the SDK package: where it is, its manifest, its subpaths and what they must export.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckError } from './check.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sdkDir = join(root, 'packages', 'sdk');
/** The consumer's files (scripts/package-consumer), copied into the fresh projects. */
export const consumerFiles = join(root, 'scripts', 'package-consumer');
export const manifest = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8'));

export const subpaths = Object.keys(manifest.exports ?? {}).filter((subpath) => subpath !== './package.json');
export const specifierOf = (subpath) => (subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`);
export const peers = Object.keys(manifest.peerDependencies ?? {});
// A few exports per subpath that the README and docs rely on; every subpath must export something.
export const EXPECTED_EXPORTS = {
  '.': { parseEvent: 'function', createReceiver: 'function', createProcessor: 'function', MemoryQueue: 'function' },
  './express': { createExpressMiddleware: 'function' },
  './bullmq': { BullMQQueue: 'function', createBullMQWorker: 'function', DEFAULT_QUEUE_NAME: 'string' },
  './node': { createNodeHandler: 'function' },
  './testing': { fixtures: 'object', createEvent: 'function' },
};
/** The README's TypeScript examples (the npm landing page), each type-checked as its own module. */
export const README_EXAMPLES = [
  ...readFileSync(join(sdkDir, 'README.md'), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm),
].map((match) => match[1]);

/** The version of `name` the workspace uses (the SDK's, else the root's): the fresh projects install the same. */
export function installedVersion(name) {
  for (const base of [sdkDir, root]) {
    const file = join(base, 'node_modules', name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
  }
  throw new CheckError(`${name} is not installed in the workspace: run pnpm install`);
}

/** Every file the package points at, relative to its root. */
export function referencedFiles() {
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
