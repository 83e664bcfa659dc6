import { z } from 'zod';
import { acadleIssue } from './parse-issue.js';
import { utcMs, wallClockToEpochMs } from './zoned-time.js';

// Acadle sends `2020-12-04 10:43:17` and `2020-12-04T11:19:19.385163Z` in the same payload, with the
// zone of offset-less times in a sibling `timezone` field (see docs/events.md). The accepted forms,
// as a pattern: ^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$
// They are read character by character: a regular expression cost half the parse time.

const TIMESTAMP_MESSAGE =
  'Invalid timestamp: expected YYYY-MM-DD HH:mm:ss or YYYY-MM-DDTHH:mm:ss, with an optional fraction and Z or ±HH:MM offset';

/** A timestamp as written: its wall-clock time (as if UTC) and, when it names one, its UTC offset. */
export interface WrittenTimestamp {
  wallClockMs: number;
  offsetMs: number | undefined;
}

const ZERO = 48;

/** The number written by the digits of `text` from `start` to `end`, or -1 if any is not a digit. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index += 1) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Reads one of the timestamp forms Acadle sends, or returns `undefined` when `text` is none of them. */
export function parseTimestamp(text: string): WrittenTimestamp | undefined {
  const length = text.length;
  if (length < 19 || length > 35) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[13] !== ':' || text[16] !== ':') return undefined;
  const separator = text[10];
  if (separator !== ' ' && separator !== 'T') return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  let index = 19;
  let millisecond = 0;
  if (text[index] === '.') {
    const fractionEnd = scanDigits(text, index + 1);
    const fractionLength = fractionEnd - index - 1;
    if (fractionLength < 1 || fractionLength > 9) return undefined;
    // Kept to the millisecond, as a Date holds no more.
    millisecond =
      digits(text, index + 1, index + 1 + Math.min(fractionLength, 3)) * 10 ** Math.max(0, 3 - fractionLength);
    index = fractionEnd;
  }
  let offsetMs: number | undefined;
  if (index < length) {
    const sign = text[index];
    if (sign === 'Z' && index + 1 === length) {
      offsetMs = 0;
    } else if ((sign === '+' || sign === '-') && index + 6 === length && text[index + 3] === ':') {
      const offsetHours = digits(text, index + 1, index + 3);
      const offsetMinutes = digits(text, index + 4, index + 6);
      if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return undefined;
      offsetMs = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
    } else {
      return undefined;
    }
  }
  return { wallClockMs: utcMs(year, month, day, hour, minute, second, millisecond), offsetMs };
}

function scanDigits(text: string, start: number): number {
  let index = start;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code < ZERO || code > ZERO + 9) break;
    index += 1;
  }
  return index;
}

/** A timestamp field: checks the written form; the enclosing object turns it into a `Date` with `withDates`. */
export const timestampSchema = z.string().transform((text, ctx): WrittenTimestamp => {
  const written = parseTimestamp(text);
  if (written === undefined) {
    ctx.issues.push({
      code: 'custom',
      input: text,
      message: TIMESTAMP_MESSAGE,
      params: acadleIssue('invalid_timestamp'),
    });
    return z.NEVER;
  }
  return written;
});

/**
 * The instant a written timestamp stands for: with an offset, that instant; without one, wall-clock
 * time in `timeZone` (an IANA name; UTC when empty). `undefined` when the zone is unknown.
 */
export function resolveTimestamp(written: WrittenTimestamp, timeZone: string | null | undefined): number | undefined {
  if (written.offsetMs !== undefined) return written.wallClockMs - written.offsetMs;
  if (!timeZone || timeZone === 'UTC') return written.wallClockMs;
  return wallClockToEpochMs(written.wallClockMs, timeZone);
}

/**
 * A zod transform for an object whose timestamp fields `keys` were checked by `timestampSchema`:
 * turns each into a `Date`, placing offset-less times in the object's own `timezone`.
 */
export function withDates(keys: readonly string[]) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx<Record<string, unknown>>): Record<string, unknown> => {
    const timeZone = value.timezone as string | null | undefined;
    for (const key of keys) {
      const written = value[key] as WrittenTimestamp | null | undefined;
      if (written == null) continue;
      const epochMs = resolveTimestamp(written, timeZone);
      if (epochMs === undefined) {
        ctx.issues.push({
          code: 'custom',
          params: acadleIssue('unknown_time_zone'),
          input: timeZone,
          path: ['timezone'],
          message: `Unknown time zone "${String(timeZone).slice(0, 64)}": ${key} has no UTC offset, so an IANA zone such as Europe/Paris is needed`,
        });
        return z.NEVER;
      }
      value[key] = new Date(epochMs);
    }
    return value;
  };
}
