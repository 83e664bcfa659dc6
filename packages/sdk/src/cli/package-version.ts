import { createRequire } from 'node:module';

/**
 * The SDK's version, read from its package.json at run time: two folders above this file both in
 * the workspace (src/cli/) and as built and installed (dist/cli/, package.json at the package root).
 */
export function packageVersion(): string {
  // `__filename` rather than `__dirname`: the ES module build defines only the former (tsup.config.ts).
  const manifest = createRequire(__filename)('../../package.json') as { version: string };
  return manifest.version;
}
