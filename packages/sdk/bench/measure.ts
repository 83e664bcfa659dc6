// What the benchmark parts share: the median of their rounds, the size of a warm-up, and waiting for
// handlers to have run.

/** The median of `values` (the upper one of an even count). */
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Deliveries sent (and processed) before a measurement of `count`, so that nothing is timed cold. */
export const warmupCount = (count: number) => Math.ceil(count / 5);

/**
 * Waits until `processed()` reaches `target`, polling every `intervalMs` (short: the wait is part of
 * what pipelines time), failing after `timeoutMs`.
 */
export async function processedAtLeast(
  processed: () => number | Promise<number>,
  target: number,
  what: string,
  { intervalMs = 5, timeoutMs = 120_000 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await processed()) < target) {
    if (Date.now() > deadline) throw new Error(`${what}: not all deliveries processed within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
