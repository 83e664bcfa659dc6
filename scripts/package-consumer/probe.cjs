// Requires one entry point of the installed package in a fresh process and prints, as JSON, its
// named exports (with their `typeof`) and which peer dependencies loading it loaded.
// Usage: node probe.cjs <specifier> <peer,peer,...>
const [specifier, peerList = ''] = process.argv.slice(2);
const exported = require(specifier);

const files = Object.keys(require.cache).map((file) => file.replaceAll('\\', '/'));
const peers = peerList
  .split(',')
  .filter((peer) => peer !== '' && files.some((file) => file.includes(`/node_modules/${peer}/`)));
const named = Object.fromEntries(
  Object.keys(exported)
    .filter((name) => name !== 'default' && name !== '__esModule')
    .sort()
    .map((name) => [name, typeof exported[name]]),
);
console.log(JSON.stringify({ exports: named, peers }));
