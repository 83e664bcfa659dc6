// pnpm bench:parse — ns per call of JSON.parse alone and of parseEvent on each documented fixture,
// measured side by side in alternating rounds (this machine is shared and noisy); medians reported.
import { parseEvent } from '../dist/index.mjs';
import { fixtures } from '../dist/testing/index.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CALLS = Number(process.env.BENCH_CALLS ?? 100_000);
const TARGET_RATIO = 2.5;

let sink = 0;
function nsPerCall(fn, input) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i += 1) sink ^= fn(input) === undefined ? 1 : 0;
  return Number(process.hrtime.bigint() - start) / CALLS;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const jsonParse = (text) => JSON.parse(text);
const rows = [];
for (const [type, body] of Object.entries(fixtures)) {
  if (!parseEvent(body).ok) throw new Error(`fixture ${type} does not parse`);
  nsPerCall(jsonParse, body);
  nsPerCall(parseEvent, body);
  const json = [];
  const parse = [];
  const ratios = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const a = nsPerCall(jsonParse, body);
    const b = nsPerCall(parseEvent, body);
    json.push(a);
    parse.push(b);
    ratios.push(b / a);
  }
  rows.push({
    fixture: type,
    bytes: Buffer.byteLength(body),
    'JSON.parse ns': Math.round(median(json)),
    'parseEvent ns': Math.round(median(parse)),
    ratio: Number(median(ratios).toFixed(2)),
  });
}

console.log(`node ${process.version}, ${ROUNDS} alternating rounds of ${CALLS} calls, medians`);
console.table(rows);
const worst = Math.max(...rows.map((row) => row.ratio));
console.log(`worst ratio ${worst.toFixed(2)} (target <= ${TARGET_RATIO}): ${worst <= TARGET_RATIO ? 'met' : 'MISSED'}`);
if (sink < 0) console.log(sink); // keeps the results observable, so the calls cannot be optimized away
