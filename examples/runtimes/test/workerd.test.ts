import { readFileSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { bundleWorker } from './bundle-worker';
import { describeRuntime, recipeAt } from './runtime-server';

// Cloudflare's runtime, through miniflare, without the `nodejs_compat` flag: no Node.js API at all.
describeRuntime(
  'workerd',
  async () => {
    const mf = new Miniflare({
      modules: true,
      script: readFileSync(await bundleWorker('contract-worker.ts'), 'utf8'),
      compatibilityDate: '2026-08-01',
      host: '127.0.0.1',
      port: 0,
    });
    const url = await mf.ready;
    return recipeAt(url.origin, () => mf.dispose());
  },
  // workerd's DecompressionStream has gzip and deflate, not brotli: br is answered 415 there.
  { brotli: false },
);
