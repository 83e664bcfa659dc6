/** The academy of a delivery whose token was given without a name (`auth.tokens`), and of deliveries stored before academies existed. */
export const DEFAULT_ACADEMY = 'default';

/** What an academy name may be: 1 to 64 characters from `a-z`, `0-9` and `-`. */
export const ACADEMY_NAME = /^[a-z0-9-]{1,64}$/;

/** The academy of a delivery, `default` when it carries none (a single-academy receiver, or one stored by an older version). */
export function academyOf(delivery: { academy?: string | undefined }): string {
  return delivery.academy ?? DEFAULT_ACADEMY;
}

/**
 * What a delivery is deduplicated and logged by: its event id within its academy. The same id from
 * two academies is two events. The `default` academy's key is the bare id, as before academies, so
 * that an upgrade keeps recognizing the repeats of deliveries stored before it.
 */
export function deliveryKey(delivery: { id: string; academy?: string | undefined }): string {
  const academy = academyOf(delivery);
  // Acadle's ids are base64 (no ':'), academy names have none either: the key is unambiguous.
  return academy === DEFAULT_ACADEMY ? delivery.id : `${academy}:${delivery.id}`;
}
