import { join } from 'node:path';
import { assert, CheckError } from './check.mjs';
import { run } from './run.mjs';
import { root, subpaths } from './sdk-package.mjs';

/** Proves attw (Are the Types Wrong) finds no problem in any entry point of the tarball, under every resolution. */
export async function checkAttw(tarball) {
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
}
