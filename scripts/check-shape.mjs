// The shape rules Biome has no rule for, run by `pnpm lint`: no file imports another package's files by
// relative path (a package is used by its name, through its exports; the root's shared configuration
// may be), and no source file outside tests
// and docs is over 400 lines. `node scripts/check-shape.mjs [files…]` checks those files only (the lint
// probe proves with it that the rules bite).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const MAX_LINES = 400;
const root = resolve(import.meta.dirname, '..');
const SOURCE = /\.(?:[cm]?[jt]s|tsx)$/;
const TEST = /(?:^|\/)(?:test|faults|__tests__)\/|\.(?:test|spec)\.[cm]?[jt]sx?$/;
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire(?:\.resolve)?\s*\(\s*|new URL\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean);
// Every folder with a package.json is a package; the repository root is one too.
const packageRoots = listed
  .filter((file) => file === 'package.json' || file.endsWith('/package.json'))
  .map((file) => dirname(file))
  .map((dir) => (dir === '.' ? '' : dir))
  .sort((a, b) => b.length - a.length);
const packageOf = (file) => packageRoots.find((dir) => dir === '' || file === dir || file.startsWith(`${dir}/`));

const files = process.argv.length > 2 ? process.argv.slice(2).map((file) => relative(root, resolve(file))) : listed;
const problems = [];
for (const file of files.filter((name) => SOURCE.test(name))) {
  let text;
  try {
    text = readFileSync(join(root, file), 'utf8');
  } catch {
    continue; // listed but deleted in the work tree
  }
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES && !TEST.test(file)) {
    problems.push(`${file}: ${lines} lines, over ${MAX_LINES}: split it by concept`);
  }
  const home = packageOf(file);
  for (const [, specifier] of text.matchAll(IMPORT)) {
    const target = relative(root, resolve(root, dirname(file), specifier))
      .split(sep)
      .join('/');
    const owner = packageOf(target);
    // The repository root's shared files (jest.base.cjs, examples/recipe-contract.ts) are no package's.
    if (owner !== home && owner !== '') {
      problems.push(`${file}: imports ${specifier}, inside ${owner}: use that package by its name`);
    }
  }
}
if (problems.length > 0) {
  console.error(`Shape check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`Shape check: ${files.length} files, no import into another package, none over ${MAX_LINES} lines.`);
