import { defineConfig } from 'tsup';

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
  external: ['express', 'bullmq', 'ioredis', 'pg', 'acadle-webhooks'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: false,
});
