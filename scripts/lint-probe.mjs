// Proves that `pnpm lint` bites: each probe below, written into the repository as TypeScript files,
// must make Biome fail with the rule named beside it. Run by `pnpm lint` (and so by CI).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const probes = [
  ['var', 'export function probe() {\n  var count = 1;\n  return count;\n}\n', 'lint/suspicious/noVar'],
  ['==', "export function probe(value: unknown) {\n  return value == 'x';\n}\n", 'lint/suspicious/noDoubleEquals'],
  [
    'an unused variable',
    'export function probe() {\n  const unused = 1;\n  return 2;\n}\n',
    'lint/correctness/noUnusedVariables',
  ],
  ['debugger', 'export function probe() {\n  debugger;\n  return 1;\n}\n', 'lint/suspicious/noDebugger'],
  [
    'an import circle, even of types only',
    {
      'probe.ts': "import type { Other } from './other.js';\nexport interface Probe {\n  other: Other;\n}\n",
      'other.ts': "import type { Probe } from './probe.js';\nexport interface Other {\n  probe: Probe;\n}\n",
    },
    'lint/suspicious/noImportCycles',
  ],
];

// Inside the repository, so that its biome.json applies; removed whatever happens.
const folder = mkdtempSync(join(import.meta.dirname, '..', 'lint-probe-'));
const failures = [];
try {
  for (const [what, source, rule] of probes) {
    const files = typeof source === 'string' ? { 'probe.ts': source } : source;
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    const file = join(folder, 'probe.ts');
    const run = spawnSync('pnpm', ['exec', 'biome', 'lint', file], { encoding: 'utf8' });
    for (const name of Object.keys(files)) rmSync(join(folder, name));
    const output = run.stdout + run.stderr;
    if (run.status === 0 || !output.includes(rule)) failures.push(`${what}: expected ${rule} to fail the lint`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`Lint does not bite:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`Lint bites: ${probes.map(([what]) => what).join(', ')} each fail it.`);

// The shape check (scripts/check-shape.mjs) bites too: an import of another package's sources by
// relative path, and a source file over 400 lines, each fail it.
const shapeProbes = [
  [
    'an import of another package by relative path',
    "export { parseEvent } from '../../sdk/src/index.js';\n",
    'use that package by its name',
  ],
  ['a source file over 400 lines', `export const line = 1;\n${'// filler\n'.repeat(400)}`, 'over 400'],
];
const shapeFolder = mkdtempSync(join(import.meta.dirname, '..', 'packages', 'test-harness', 'lint-probe-'));
try {
  for (const [what, source, message] of shapeProbes) {
    const file = join(shapeFolder, 'probe.ts');
    writeFileSync(file, source);
    const run = spawnSync(process.execPath, [join(import.meta.dirname, 'check-shape.mjs'), file], { encoding: 'utf8' });
    if (run.status === 0 || !run.stderr.includes(message)) failures.push(`${what}: expected the shape check to fail`);
  }
} finally {
  rmSync(shapeFolder, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`The shape check does not bite:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`The shape check bites: ${shapeProbes.map(([what]) => what).join(', ')} each fail it.`);
