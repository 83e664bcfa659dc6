import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

// The core (`parseEvent`, `createProcessor`, `createReceiver`) and `acadle-webhooks/web` must run
// unchanged on Bun, Deno and Cloudflare's workerd, so their builds (made by `tsup` before Jest runs)
// may lean on no Node.js built-in module and no Node.js-only global.
const RUNTIME_NEUTRAL = ['index.mjs', 'index.js', 'adapters/web/index.mjs', 'adapters/web/index.js'];

const BUILTINS = new Set(builtinModules);
const isBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] ?? '');

const MODULE_REFERENCES = [
  /\bfrom\s*(["'])(?<specifier>[^"']*)\1/g, // import … from 'x', export … from 'x'
  /\bimport\s*(["'])(?<specifier>[^"']*)\1/g, // import 'x'
  /\b(?:import|require)\s*\(\s*(["'])(?<specifier>[^"']*)\1\s*\)/g, // import('x'), require('x')
];
const NODE_GLOBALS = /\b(?:Buffer\b|process\.|global\.|setImmediate\b|__dirname\b|__filename\b)/g;

/** Every use in `code` of a Node.js built-in module, a Node.js-only global, or a module named at run time. */
function nodeOnlyUses(code: string): string[] {
  const uses: string[] = [];
  for (const pattern of MODULE_REFERENCES) {
    for (const match of code.matchAll(pattern)) {
      if (isBuiltin(match.groups?.specifier ?? '')) uses.push(match[0]);
    }
  }
  for (const match of code.matchAll(/\b(?:import|require)\s*\(\s*(?!["'])[^)]*\)/g)) uses.push(match[0]);
  for (const match of code.matchAll(NODE_GLOBALS)) uses.push(match[0]);
  return uses;
}

describe('the runtime-neutral builds', () => {
  it('finds every kind of Node.js-only use it looks for', () => {
    const code = [
      'import { createHash } from "crypto";',
      "import { BlockList } from 'node:net';",
      'import "buffer";',
      'export { Readable } from "stream";',
      'const web = require("stream/web");',
      'const http = await import("node:http");',
      'const loaded = require(name);',
      'Buffer.from(text); process.env.TOKEN; setImmediate(run); __dirname;',
    ].join('\n');
    expect(nodeOnlyUses(code)).toEqual([
      'from "crypto"',
      "from 'node:net'",
      'from "stream"',
      'import "buffer"',
      'require("stream/web")',
      'import("node:http")',
      'require(name)',
      'Buffer',
      'process.',
      'setImmediate',
      '__dirname',
    ]);
    expect(
      nodeOnlyUses(
        'var z = require("zod"); import { receiverFrom } from "acadle-webhooks"; new ArrayBuffer(1); globalThis.crypto;',
      ),
    ).toEqual([]);
  });

  it.each(RUNTIME_NEUTRAL)('dist/%s imports no Node.js built-in and uses no Node.js-only global', (file) => {
    const path = join(__dirname, '..', 'dist', file);
    if (!existsSync(path)) throw new Error(`dist/${file} is missing: run \`npx tsup\` first`);
    expect(nodeOnlyUses(readFileSync(path, 'utf8'))).toEqual([]);
  });
});
