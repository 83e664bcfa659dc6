// How long each part of `pnpm bench` measures: a full run, and `--smoke` (each part for a moment, so
// that a test can check that every part still runs). Written into the report as they are.

export const FULL_SETTINGS = {
  rounds: 3,
  seconds: 5,
  warmupSeconds: 2,
  scaleSeconds: 3,
  pipelineRedis: 3_000,
  pipelinePostgres: 600,
  serverPipeline: 3_000,
  enqueueDeliveries: 3_000,
  parseRounds: 7,
  parseCalls: 100_000,
  // Many short alternating rounds: the servers compared see the same slices of the machine's load.
  tracingRounds: 9,
  tracingSeconds: 2,
};

export type BenchSettings = typeof FULL_SETTINGS;

export const SMOKE_SETTINGS: BenchSettings = {
  rounds: 1,
  seconds: 1,
  warmupSeconds: 1,
  scaleSeconds: 1,
  pipelineRedis: 200,
  pipelinePostgres: 50,
  serverPipeline: 100,
  enqueueDeliveries: 200,
  parseRounds: 1,
  parseCalls: 2_000,
  tracingRounds: 1,
  tracingSeconds: 1,
};
