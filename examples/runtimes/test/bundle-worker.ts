import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles a Worker entry as Cloudflare's tooling would, for the `workerd` conditions and with no
 * Node.js built-ins available: an SDK path that imported one would fail here or when workerd loads it.
 */
export async function bundleWorker(entry: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'acadle-worker-')), 'worker.mjs');
  await build({
    entryPoints: [join(__dirname, '..', 'src', entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser', 'import'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  return outfile;
}
