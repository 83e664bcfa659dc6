import { describeRuntime, spawnServer } from './runtime-server';

// Deno reads package.json and node_modules for 'acadle-webhooks'; only network and file reads are allowed.
describeRuntime(
  'Deno',
  () => spawnServer('deno', ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', 'src/serve-deno.ts']),
  { brotli: true },
);
