// Imports one entry point of the installed package in a fresh process and prints, as JSON, its
// named exports (with their `typeof`) and which peer dependencies loading it loaded, as ES modules
// (seen by a resolve hook) or as CommonJS modules (in the require cache).
// Usage: node probe.mjs <specifier> <peer,peer,...>
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';

const [specifier, peerList = ''] = process.argv.slice(2);
const logFile = fileURLToPath(new URL(`./resolutions-${process.pid}.log`, import.meta.url));
writeFileSync(logFile, '');
register('./record-resolutions.mjs', import.meta.url, { data: { logFile } });

const namespace = await import(specifier);

const files = [...readFileSync(logFile, 'utf8').split('\n'), ...Object.keys(createRequire(import.meta.url).cache)].map(
  (file) => file.replaceAll('\\', '/'),
);
rmSync(logFile);
const peers = peerList
  .split(',')
  .filter((peer) => peer !== '' && files.some((file) => file.includes(`/node_modules/${peer}/`)));
const named = Object.fromEntries(
  Object.keys(namespace)
    .filter((name) => name !== 'default')
    .sort()
    .map((name) => [name, typeof namespace[name]]),
);
console.log(JSON.stringify({ exports: named, peers }));
