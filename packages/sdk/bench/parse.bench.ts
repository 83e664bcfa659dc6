// pnpm bench --only=parse — parse-event.bench.mjs (also `pnpm bench:parse` on its own) as a part of
// pnpm bench: ns per call of JSON.parse and of parseEvent on each documented fixture.
import type { Benchmark } from './benchmark.js';
import { printTable } from './print-table.js';

export interface ParseSettings {
  rounds: number;
  calls: number;
}

export type ParseRow = ReturnType<typeof import('./parse-event.bench.mjs').measureParse>[number] & { id: string };

export const parseBenchmark: Benchmark<ParseSettings, { parse: ParseRow[] }> = {
  id: 'parse',
  async run(_context, settings) {
    // Imported when run: an ES module (it measures the built dist/), and this runner is CommonJS.
    const { measureParse } = await import('./parse-event.bench.mjs');
    const parse = measureParse(settings).map((row) => ({ ...row, id: row.fixture }));
    printTable(`Parse: ns per call, ${settings.rounds} alternating rounds of ${settings.calls} calls, medians`, parse);
    return { parse };
  },
};
