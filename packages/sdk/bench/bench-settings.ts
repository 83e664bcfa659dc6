// How long the parts of `pnpm bench` that alternate servers measure: a full run, and `--smoke` (each
// part for a moment). Parts with other counts (deliveries, calls) keep them in their own settings.

export interface AlternatingRounds {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
}

/** A warm-up, then alternating rounds of load, one per server compared. */
export const alternatingRounds = (smoke: boolean): AlternatingRounds =>
  smoke ? { rounds: 1, seconds: 1, warmupSeconds: 1 } : { rounds: 3, seconds: 5, warmupSeconds: 2 };
