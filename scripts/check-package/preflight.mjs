import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assert } from './check.mjs';
import { referencedFiles, root, sdkDir } from './sdk-package.mjs';

/** Proves the SDK is built (every file its manifest points at exists) and publint and attw are installed. */
export function checkPreflight() {
  const missing = [...referencedFiles()].filter((file) => !existsSync(join(sdkDir, file)));
  assert(missing.length === 0, `not built: ${missing.join(', ')}; run pnpm build first`);
  for (const bin of ['publint', 'attw']) {
    assert(existsSync(join(root, 'node_modules', '.bin', bin)), `${bin} is not installed: run pnpm install`);
  }
}
