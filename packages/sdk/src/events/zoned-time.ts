const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// Time-zone names come from the network, so only valid zones are cached (there are a few hundred),
// and the cache is bounded anyway.
const MAX_CACHED_ZONES = 1_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return undefined;
    }
    if (formatters.size < MAX_CACHED_ZONES) formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The offset of `timeZone` from UTC at the instant `epochMs`, in milliseconds (local minus UTC). */
function offsetAt(formatter: Intl.DateTimeFormat, epochMs: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let beforeCommonEra = false;
  for (const part of formatter.formatToParts(epochMs)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        beforeCommonEra = part.value === 'BC';
        break;
    }
  }
  const wallClockMs = utcMs(beforeCommonEra ? 1 - year : year, month, day, hour, minute, second, 0);
  const wholeSecondsMs = Math.floor(epochMs / 1000) * 1000;
  return Math.round((wallClockMs - wholeSecondsMs) / MINUTE_MS) * MINUTE_MS;
}

/**
 * The instant at which the clocks of `timeZone` show the wall-clock time `wallClockMs`
 * (that wall-clock time written as if it were UTC), or `undefined` for an unknown zone.
 *
 * Ambiguous and skipped times are resolved like `Temporal`'s default `compatible` disambiguation:
 * a time that occurs twice (clocks set back) is the earlier instant; a time that never occurs
 * (clocks set forward) is moved forward by the length of the gap.
 */
export function wallClockToEpochMs(wallClockMs: number, timeZone: string): number | undefined {
  const formatter = formatterFor(timeZone);
  if (formatter === undefined) return undefined;
  const offsetBefore = offsetAt(formatter, wallClockMs - DAY_MS);
  const offsetAfter = offsetAt(formatter, wallClockMs + DAY_MS);
  let earliest: number | undefined;
  for (const offset of offsetBefore === offsetAfter ? [offsetBefore] : [offsetBefore, offsetAfter]) {
    const candidate = wallClockMs - offset;
    if (offsetAt(formatter, candidate) === offset && (earliest === undefined || candidate < earliest)) {
      earliest = candidate;
    }
  }
  return earliest ?? wallClockMs - offsetBefore;
}

/** `Date.UTC`, without its mapping of years 0 to 99 onto 1900 to 1999. */
export function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millisecond: number,
): number {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  if (year >= 100) return ms;
  const date = new Date(ms);
  date.setUTCFullYear(year);
  return date.getTime();
}
