// Acadle's quirks, and where each is handled (docs/events.md, "The quirks", numbers them the same way):
// 1. `completed_at` misspelled `competed_at` on course and lesson objects: here (the zod schemas and
//    the fast path both call these functions; field-table.ts marks which objects, `completedAtTypo`).
// 2. Timestamps in two styles, the zone in a separate `timezone` field: timestamp.ts (the written
//    forms), zoned-time.ts (wall-clock time in an IANA zone).
// 3. Numeric ids sometimes sent as strings: event-data-schemas.ts (`numericIdSchema`) and the fast
//    path in normalize-data.ts; a numeric envelope `id`: parse-envelope.ts.
// 4. Fields the documentation does not list: kept by every schema (`z.looseObject`); `__proto__` is
//    dropped by normalize-data.ts (`copyObject`).
// 5. Event types this SDK does not know: parse-event.ts (`known: false`).
// 6. Any `version`: parse-envelope.ts.
// 7. Optional fields missing or null: field-table.ts (`optionalText`, `optionalTimestamp`).
// 8. Text, bytes or parsed bodies, with a byte-order mark: parse-envelope.ts (`decodeText`).
// 9. The documentation's examples are not JSON (typographic quotes): never repaired; valid copies
//    are in testing/fixtures.ts.

/** How Acadle's documentation spells `completed_at` (quirk 1). */
const MISSPELLED_COMPLETED_AT = 'competed_at';

/** Acadle documents `completed_at` as `competed_at`; normalized data holds only `completed_at`. */
export function fixCompletedAtTypo(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, MISSPELLED_COMPLETED_AT)) return value;
  const { [MISSPELLED_COMPLETED_AT]: misspelled, ...rest } = value as Record<string, unknown>;
  // When both spellings arrive, the correct one wins.
  if (rest.completed_at == null) rest.completed_at = misspelled;
  return rest;
}

/**
 * The fast path's form of {@link fixCompletedAtTypo}, for `copy`, a copy of `sent` made without its
 * `competed_at` key (see {@link completedAtTypoKey}): puts the misspelled value at `completed_at` when
 * the correct spelling is missing or null.
 */
export function takeMisspelledCompletedAt(copy: Record<string, unknown>, sent: Record<string, unknown>): void {
  if (copy.completed_at != null) return;
  const misspelled = sent[MISSPELLED_COMPLETED_AT];
  if (misspelled !== undefined) copy.completed_at = misspelled;
}

/** The key a copy of an object leaves out when the object may carry the misspelling. */
export const completedAtTypoKey = (completedAtTypo: boolean): string | undefined =>
  completedAtTypo ? MISSPELLED_COMPLETED_AT : undefined;

/**
 * The path of a problem as the sender wrote it: an issue found on `completed_at` that arrived
 * misspelled is reported at `competed_at`, where the sender will look for it.
 */
export function pathAsSent(data: unknown, path: (string | number)[]): (string | number)[] {
  if (path[path.length - 1] !== 'completed_at') return path;
  let parent: unknown = data;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, unknown> | null | undefined)?.[key];
  const sent = parent as Record<string, unknown> | null | undefined;
  return sent?.completed_at == null && sent?.[MISSPELLED_COMPLETED_AT] !== undefined
    ? [...path.slice(0, -1), MISSPELLED_COMPLETED_AT]
    : path;
}
