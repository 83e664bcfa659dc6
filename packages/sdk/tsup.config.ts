import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

// The guides ship in the package (docs/), so that the README's links work in node_modules as on the
// registry page (which links to the same files on unpkg).
const repositoryDocs = join(__dirname, '..', '..', 'docs');

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'adapters/express/index': 'src/adapters/express/index.ts',
    'queue/bullmq/index': 'src/queue/bullmq/index.ts',
    'adapters/node/index': 'src/adapters/node/index.ts',
    'adapters/web/index': 'src/adapters/web/index.ts',
    'cli/index': 'src/cli/index.ts',
  },
  external: ['express', 'bullmq', 'ioredis', 'pg', '@opentelemetry/api', 'acadle-webhooks'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: false,
  // acadle-webhooks/bullmq loads its peers with `createRequire(__filename)`; in the ES module build,
  // `import.meta.url` stands for `__filename` (createRequire takes either).
  esbuildOptions(options, { format }) {
    if (format === 'esm') options.define = { ...options.define, __filename: 'import.meta.url' };
  },
  async onSuccess() {
    mkdirSync(join(__dirname, 'docs'), { recursive: true });
    for (const file of readdirSync(repositoryDocs).filter((name) => name.endsWith('.md'))) {
      copyFileSync(join(repositoryDocs, file), join(__dirname, 'docs', file));
    }
  },
});
