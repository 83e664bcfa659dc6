import { join } from 'node:path';
import { runOrThrow } from './run.mjs';
import { sdkDir } from './sdk-package.mjs';

/** Proves `npm pack` packs the SDK (scripts ignored) into `temp`; returns the tarball and the files it holds. */
export async function npmPack(temp) {
  const { stdout } = await runOrThrow(
    'npm pack failed',
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', temp],
    { cwd: sdkDir },
  );
  const [{ filename, files, size }] = JSON.parse(stdout);
  return {
    tarball: join(temp, filename),
    files: files.map((file) => file.path),
    summary: `${filename}, ${files.length} files, ${Math.round(size / 1024)} kB packed`,
  };
}
