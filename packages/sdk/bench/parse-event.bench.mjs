// pnpm bench:parse — ns per call of JSON.parse alone and of parseEvent on each documented fixture,
// measured side by side in alternating rounds (this machine is shared and noisy); medians reported.
import { pathToFileURL } from 'node:url';
import { parseEvent } from '../dist/index.mjs';
import { fixtures } from '../dist/testing/index.mjs';

export const PARSE_TARGET_RATIO = 2.5;

let sink = 0;
function nsPerCall(fn, input, calls) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) sink ^= fn(input) === undefined ? 1 : 0;
  return Number(process.hrtime.bigint() - start) / calls;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const jsonParse = (text) => JSON.parse(text);

/** One row per fixture: median ns per call of JSON.parse and parseEvent, and their median ratio. */
export function measureParse({ rounds = 7, calls = 100_000 } = {}) {
  const rows = [];
  for (const [type, body] of Object.entries(fixtures)) {
    if (!parseEvent(body).ok) throw new Error(`fixture ${type} does not parse`);
    nsPerCall(jsonParse, body, calls);
    nsPerCall(parseEvent, body, calls);
    const json = [];
    const parse = [];
    const ratios = [];
    for (let round = 0; round < rounds; round += 1) {
      const a = nsPerCall(jsonParse, body, calls);
      const b = nsPerCall(parseEvent, body, calls);
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
  if (sink < 0) console.log(sink); // keeps the results observable, so the calls cannot be optimized away
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
  const calls = Number(process.env.BENCH_CALLS ?? 100_000);
  const rows = measureParse({ rounds, calls });
  console.log(`node ${process.version}, ${rounds} alternating rounds of ${calls} calls, medians`);
  console.table(rows);
  const worst = Math.max(...rows.map((row) => row.ratio));
  console.log(
    `worst ratio ${worst.toFixed(2)} (target <= ${PARSE_TARGET_RATIO}): ${worst <= PARSE_TARGET_RATIO ? 'met' : 'MISSED'}`,
  );
}
