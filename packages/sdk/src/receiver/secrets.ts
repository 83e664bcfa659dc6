import { equalDigests } from './equal-digests.js';
import { sha256 } from './sha256.js';

const encoder = new TextEncoder();

/** The SHA-256 digest of `value` (UTF-8), in plain JavaScript: synchronous, and on every runtime (sha256.ts says why). */
export function digestSecret(value: string): Uint8Array {
  return sha256(encoder.encode(value));
}

/**
 * Whether `candidate` is one of the secrets whose digests are given. One compare per secret, never
 * stopping early, so timing reveals neither match nor position; a missing candidate never matches.
 */
export function matchesAnySecret(candidate: string | undefined, digests: readonly Uint8Array[]): boolean {
  const candidateDigest = digestSecret(candidate ?? '');
  let matched = false;
  for (const expected of digests) matched = equalDigests(candidateDigest, expected) || matched;
  return matched && candidate !== undefined;
}
