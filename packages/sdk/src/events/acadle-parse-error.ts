import { brandOf, hasBrand, setBrand } from '../shared/brand.js';
import type { ParseIssue } from './parse-issue.js';

/** Why a delivery could not be turned into an event. */
export type ParseErrorCode = 'invalid_json' | 'invalid_envelope' | 'invalid_payload';

/** The envelope fields that could be read from a delivery whose `data` failed its schema. */
export interface ParsedEnvelope {
  /** Acadle's event id, always a string (a numeric id is turned into one). */
  id: string;
  /** The event type as sent, possibly one this SDK does not know. */
  type: string;
  /** The payload version Acadle sent, if any. */
  version: string | undefined;
}

const BRAND = brandOf('AcadleParseError');

/**
 * The reason `parseEvent` could not produce an event.
 *
 * `code` is stable and meant for programs; `message` is for people. Payload errors also carry the
 * envelope that was read, so that a receiver can still store and deduplicate the delivery. Recognized
 * by `instanceof` across the ESM and CommonJS builds.
 */
export class AcadleParseError extends Error {
  /** Always `'AcadleParseError'`. */
  override readonly name = 'AcadleParseError';
  /** Why parsing failed; stable, for programs to branch on. */
  readonly code: ParseErrorCode;
  /** Each problem found, with its code and its path in the body. */
  readonly issues: ParseIssue[];
  /** The envelope that was read, for `invalid_payload` errors; `undefined` otherwise. */
  readonly envelope: ParsedEnvelope | undefined;

  constructor(
    code: ParseErrorCode,
    issues: ParseIssue[],
    options: { envelope?: ParsedEnvelope; cause?: unknown } = {},
  ) {
    super(describe(code, issues), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = issues;
    this.envelope = options.envelope;
    setBrand(this, BRAND);
  }

  /** `true` for an `AcadleParseError` from either build of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, BRAND);
  }
}

const summaries: Record<ParseErrorCode, string> = {
  invalid_json: 'Body is not valid JSON',
  invalid_envelope: 'Body is not an Acadle event envelope',
  invalid_payload: 'Event data does not match its schema',
};

function describe(code: ParseErrorCode, issues: ParseIssue[]): string {
  const details = issues.map((issue) =>
    issue.path.length > 0 ? `${formatPath(issue.path)}: ${issue.message}` : issue.message,
  );
  return details.length > 0 ? `${summaries[code]}: ${details.join('; ')}` : summaries[code];
}

/** Formats a path the way a reader of the JSON would write it, e.g. `data.course.completed_at`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}
