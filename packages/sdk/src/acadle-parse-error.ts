/** Why a delivery could not be turned into an event. */
export type ParseErrorCode = 'invalid_json' | 'invalid_envelope' | 'invalid_payload';

/** Where in the body a problem sits (keys and array indexes from the root), and what it is. */
export interface ParseIssue {
  path: (string | number)[];
  message: string;
}

/** The envelope fields that could be read from a delivery whose `data` failed its schema. */
export interface ParsedEnvelope {
  id: string;
  type: string;
  version: string | undefined;
}

/**
 * The reason `parseEvent` could not produce an event.
 *
 * `code` is stable and meant for programs; `message` is for people. Payload errors also carry the
 * envelope that was read, so that a receiver can still store and deduplicate the delivery.
 */
export class AcadleParseError extends Error {
  override readonly name = 'AcadleParseError';
  readonly code: ParseErrorCode;
  readonly issues: ParseIssue[];
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
