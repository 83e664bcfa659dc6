import { describeRuntime, spawnServer } from './runtime-server';

// Bun runs the TypeScript source itself, resolving 'acadle-webhooks' from node_modules.
describeRuntime('Bun', () => spawnServer('bun', ['src/serve-bun.ts']), { brotli: true });
