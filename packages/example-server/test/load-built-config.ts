// config.ts is an ES module these CommonJS tests cannot import: it runs from the built server, in a child process.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CONFIG_MODULE = pathToFileURL(join(__dirname, '..', 'dist', 'config.js')).href;

/** `loadConfig(env)` in a child process: the config, or `{ error: { name, message } }`. */
export function loadConfig(env: Record<string, string>): Record<string, unknown> {
  const script = `import { loadConfig } from '${CONFIG_MODULE}';
try { console.log(JSON.stringify(loadConfig(JSON.parse(process.argv[1])))); }
catch (error) { console.log(JSON.stringify({ error: { name: error.name, message: error.message } })); }`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(env)], { encoding: 'utf8' }),
  );
}
