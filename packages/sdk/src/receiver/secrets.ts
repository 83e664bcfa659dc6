import { equalDigests } from './equal-digests.js';
import { sha256 } from './sha256.js';

const encoder = new TextEncoder();

/** The SHA-256 digest of `value` (UTF-8), in plain JavaScript: synchronous, and on every runtime (sha256.ts says why). */
export function digestSecret(value: string): Uint8Array {
  return sha256(encoder.encode(value));
}

/**
 * Which of the secrets whose digests are given `candidate` is (its position), or -1. One compare per
 * secret, never stopping early, so timing reveals neither match nor position; a missing candidate
 * never matches.
 */
export function indexOfSecret(candidate: string | undefined, digests: readonly Uint8Array[]): number {
  const candidateDigest = digestSecret(candidate ?? '');
  let found = -1;
  for (let index = 0; index < digests.length; index += 1) {
    found = equalDigests(candidateDigest, digests[index] as Uint8Array) ? index : found;
  }
  return candidate === undefined ? -1 : found;
}

/** Whether `candidate` is one of the secrets whose digests are given (in constant time: `indexOfSecret`). */
export function matchesAnySecret(candidate: string | undefined, digests: readonly Uint8Array[]): boolean {
  return indexOfSecret(candidate, digests) !== -1;
}
