// Acadle documents only "an exponential back off for up to three days". This is our model of it:
// a first retry after one minute, doubling, each wait at most 12 hours, for three days in all.
const FIRST_DELAY_MS = 60_000;
const MAX_DELAY_MS = 12 * 3_600_000;
const WINDOW_MS = 72 * 3_600_000;

/** The waits before each retry of a delivery Acadle did not get a 2xx for, in real time. */
export function acadleRetryDelaysMs(): number[] {
  const delays: number[] = [];
  let total = 0;
  for (let delay = FIRST_DELAY_MS; total + Math.min(delay, MAX_DELAY_MS) <= WINDOW_MS; delay *= 2) {
    delays.push(Math.min(delay, MAX_DELAY_MS));
    total += Math.min(delay, MAX_DELAY_MS);
  }
  return delays;
}

/** How much faster than real time `--retry-like-acadle` replays the schedule without `--real-schedule`: an hour per second. */
export const COMPRESSED_TIME_SCALE = 3600;

/** `90000` → `1.5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
