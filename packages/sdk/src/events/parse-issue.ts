import type { core } from 'zod';

/**
 * The kinds of problem this SDK finds itself, beside zod's own codes:
 * - `invalid_json`: the body is not JSON;
 * - `invalid_utf8`: the body is bytes that are not UTF-8;
 * - `invalid_id`: the envelope's `id` is not a non-empty string or a number, or an object's `id` in
 *   `data` is not a whole number (or a string of digits);
 * - `invalid_event_type`: the envelope's `type` is not a non-empty string;
 * - `invalid_timestamp`: a timestamp in none of the accepted forms (docs/events.md, quirk 2);
 * - `unknown_time_zone`: a timestamp without a UTC offset whose object names a `timezone` that is no
 *   IANA zone, so the instant it stands for cannot be known;
 * - `unreadable_input`: an object given to `parseEvent` whose properties throw when read (a proxy or
 *   getters; never a JSON body).
 */
export type AcadleIssueCode =
  | 'invalid_json'
  | 'invalid_utf8'
  | 'invalid_id'
  | 'invalid_event_type'
  | 'invalid_timestamp'
  | 'unknown_time_zone'
  | 'unreadable_input';

/**
 * What kind of problem an issue is: one of this SDK's codes ({@link AcadleIssueCode}), or zod's code
 * as zod reported it (`invalid_type`, `too_big`, `invalid_union`, …), so programs can branch on it.
 */
export type ParseIssueCode = AcadleIssueCode | core.$ZodIssueCode;

/** Where in the body a problem sits (keys and array indexes from the root), and what it is. */
export interface ParseIssue {
  /** What kind of problem it is; stable, for programs to branch on. */
  code: ParseIssueCode;
  /** Keys and array indexes from the root of the body; empty for the body as a whole. */
  path: (string | number)[];
  /** What is wrong, for people. */
  message: string;
}

/** The `params` of a zod custom issue that stands for one of this SDK's codes (read back by {@link issueCode}). */
export const acadleIssue = (code: AcadleIssueCode) => ({ acadleCode: code });

/** The code of a zod issue: ours when one of our checks raised it, else zod's own. */
export function issueCode(issue: core.$ZodIssue): ParseIssueCode {
  const ours = issue.code === 'custom' ? (issue.params?.acadleCode as AcadleIssueCode | undefined) : undefined;
  return ours ?? issue.code;
}
