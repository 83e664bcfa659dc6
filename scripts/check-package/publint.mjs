import { join } from 'node:path';
import { CheckError } from './check.mjs';
import { runOrThrow } from './run.mjs';
import { root } from './sdk-package.mjs';

/** Proves publint, strict, finds nothing to say about the tarball (not even a suggestion). */
export async function checkPublint(tarball) {
  const bin = join(root, 'node_modules', '.bin', 'publint');
  const { stdout } = await runOrThrow('publint found problems', bin, ['run', '--strict', tarball]);
  if (!stdout.includes('All good!')) throw new CheckError('publint has suggestions', stdout);
  return 'all good (strict, suggestions included)';
}
