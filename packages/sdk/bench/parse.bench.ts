// pnpm bench --only=parse — parse-event.bench.mjs (also `pnpm bench:parse` on its own) as a part of
// pnpm bench: ns per call of JSON.parse and of parseEvent on each documented fixture.
import { defineBenchmark } from './benchmark.js';
import { printTable } from './print-table.js';

interface ParseSettings {
  rounds: number;
  calls: number;
}

type ParseRow = ReturnType<typeof import('./parse-event.bench.mjs').measureParse>[number] & { id: string };

export const parseBenchmark = defineBenchmark({
  id: 'parse',
  sections: ['parse'],
  settings: ({ smoke }): ParseSettings => ({ rounds: smoke ? 1 : 7, calls: smoke ? 2_000 : 100_000 }),
  async run(_context, settings): Promise<{ parse: ParseRow[] }> {
    // Imported when run: an ES module (it measures the built dist/), and this runner is CommonJS.
    const { measureParse } = await import('./parse-event.bench.mjs');
    const parse = measureParse(settings).map((row) => ({ ...row, id: row.fixture }));
    printTable(`Parse: ns per call, ${settings.rounds} alternating rounds of ${settings.calls} calls, medians`, parse);
    return { parse };
  },
  targets: ({ parse }) => [
    {
      target: 'parseEvent <= 2.5x JSON.parse (worst fixture)',
      value: Math.max(...parse.map((entry) => entry.ratio)),
      met: parse.every((entry) => entry.ratio <= 2.5),
      id: 'parse-worst-fixture',
    },
  ],
});
