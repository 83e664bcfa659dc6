import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CheckError } from './check.mjs';
import { EXPECTED_EXPORTS, manifest, peers, root, sdkDir, subpaths } from './sdk-package.mjs';

/** What `typesVersions` must say for TypeScript's node10 resolution, which ignores `exports`. */
function expectedTypesVersions() {
  const paths = {};
  for (const subpath of subpaths.filter((subpath) => subpath !== '.')) {
    paths[subpath.slice(2)] = [manifest.exports[subpath].require.types];
  }
  return { '*': paths };
}

/** Proves the manifest publishes well: exports, main, typesVersions, optional peers, no workspace ranges, LICENSE. */
export function checkManifest() {
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
