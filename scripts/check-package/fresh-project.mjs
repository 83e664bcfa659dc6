// A fresh npm project, as a user starts one: nothing of the workspace, plain npm.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runOrThrow } from './run.mjs';

/** Creates `folder` as a fresh project and installs the tarball and `dependencies` in it with plain npm. */
export async function freshProject(folder, tarball, dependencies, name = basename(folder)) {
  mkdirSync(folder);
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true }));
  const flags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
  await runOrThrow('npm install failed', 'npm', ['install', ...flags, tarball, ...dependencies], {
    cwd: folder,
    timeoutMs: 300_000,
  });
}
