/**
 * Whether two digests are equal, in a time that depends only on their lengths: every byte is
 * compared, with no early return, so timing reveals neither whether nor where they differ.
 * (Web Crypto has no `timingSafeEqual`, and `node:crypto` is not on every runtime.)
 */
export function equalDigests(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.byteLength, b.byteLength);
  let difference = a.byteLength ^ b.byteLength;
  for (let index = 0; index < length; index += 1) {
    difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  }
  return difference === 0;
}
