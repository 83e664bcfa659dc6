// `pnpm start`'s first step: builds the SDK, the embedded database and the reference server only when a source is newer than
// their build, so that a start with nothing changed is not a 15 s build (issue: "ready within 5 s").
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const packages = [
  {
    name: 'acadle-webhooks',
    dir: 'packages/sdk',
    inputs: ['src', 'package.json', 'tsup.config.ts'],
    output: 'dist/index.js',
  },
  {
    name: 'acadle-webhooks-embedded-database',
    dir: 'packages/embedded-database',
    inputs: ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'],
    output: 'dist/index.js',
  },
  {
    name: 'acadle-webhooks-example-server',
    dir: 'packages/example-server',
    inputs: ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'],
    output: 'dist/server.js',
  },
];

/** The newest modification time under `path` (a file or a folder), in milliseconds. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

for (const { name, dir, inputs, output } of packages) {
  const built = join(root, dir, output);
  const changed =
    !existsSync(built) || Math.max(...inputs.map((input) => newest(join(root, dir, input)))) > statSync(built).mtimeMs;
  if (!changed) continue;
  console.log(`Building ${name} (sources changed since the last build)`);
  const result = spawnSync('pnpm', ['--filter', name, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
