import fc from 'fast-check';
import { utcMs, wallClockToEpochMs } from './zoned-time.js';

const ZONES = [
  'Europe/Paris',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/Sao_Paulo',
  'Pacific/Chatham',
  'Africa/Casablanca',
  'Asia/Kathmandu',
];

/** The wall-clock time `zone` shows at `epochMs`, written as if it were UTC. */
function wallClockAt(epochMs: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(epochMs)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  return utcMs(
    parts.year ?? 0,
    parts.month ?? 0,
    parts.day ?? 0,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
    epochMs % 1000,
  );
}

describe('wallClockToEpochMs', () => {
  it('finds the earliest instant at which the zone shows a given wall-clock time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1971, 0, 1) / 1000, max: Date.UTC(2099, 0, 1) / 1000 }),
        fc.constantFrom(...ZONES),
        (seconds, zone) => {
          const instant = seconds * 1000;
          const wallClock = wallClockAt(instant, zone);
          const found = wallClockToEpochMs(wallClock, zone);
          expect(found).toBeDefined();
          expect(wallClockAt(found as number, zone)).toBe(wallClock);
          // Equal, unless the clocks showed this time twice and `found` is the first time.
          expect(found as number).toBeLessThanOrEqual(instant);
          expect(instant - (found as number)).toBeLessThanOrEqual(2 * 3_600_000);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('moves a skipped wall-clock time forward by the length of the gap', () => {
    // Lord Howe Island moves its clocks from 02:00 (+10:30) to 02:30 (+11:00): 02:15 becomes 02:45 +11:00.
    const epochMs = wallClockToEpochMs(Date.UTC(2021, 9, 3, 2, 15), 'Australia/Lord_Howe');
    expect(new Date(epochMs as number).toISOString()).toBe('2021-10-02T15:45:00.000Z');
  });

  it('returns undefined for an unknown zone', () => {
    expect(wallClockToEpochMs(0, 'Mars/Olympus')).toBeUndefined();
    expect(wallClockToEpochMs(0, 'Europe/Paris')).toBe(-3_600_000);
  });
});

describe('utcMs', () => {
  it('keeps years below 100 as written', () => {
    expect(new Date(utcMs(50, 3, 1, 0, 0, 0, 0)).getUTCFullYear()).toBe(50);
    expect(utcMs(2020, 12, 4, 10, 43, 17, 385)).toBe(Date.parse('2020-12-04T10:43:17.385Z'));
  });
});
