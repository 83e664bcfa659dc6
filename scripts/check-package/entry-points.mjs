import { isDeepStrictEqual } from 'node:util';
import { assert } from './check.mjs';
import { runOrThrow } from './run.mjs';
import { EXPECTED_EXPORTS, peers, specifierOf, subpaths } from './sdk-package.mjs';

/**
 * Proves every subpath loads with `probe` (probe.mjs imports, probe.cjs requires) and exports something,
 * including the names the docs rely on; returns, per subpath, what it exports and which peers it loaded.
 */
export async function probeEntries(project, probe) {
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

/** `. 17, ./express 1, …`: how many names each subpath exports. */
export function exportCounts(bySubpath) {
  return subpaths.map((subpath) => `${subpath} ${Object.keys(bySubpath[subpath].exports).length}`).join(', ');
}

/** Proves the ESM and CJS builds export the same names from every subpath. */
export function checkSameExports(esm, cjs) {
  const differing = subpaths.filter((subpath) => !isDeepStrictEqual(esm[subpath].exports, cjs[subpath].exports));
  assert(differing.length === 0, `exports differ for ${differing.join(', ')}`);
}

/** Proves the core entry loads no peer dependency, in either build, and that peer detection itself works. */
export function checkCoreLoadsNoPeer(esm, cjs) {
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
  const loaded = subpaths.map((subpath) => `${subpath} ${esm[subpath].peers.join('+') || 'none'}`).join(', ');
  return `loaded per entry: ${loaded}`;
}
