import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha256 } from './sha256.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('sha256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('gives the published digest of %j', (text, expected) => {
    expect(hex(sha256(new TextEncoder().encode(text)))).toBe(expected);
  });

  it('agrees with node:crypto on every length around the block boundaries, and on random input', () => {
    for (let length = 0; length <= 200; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 31 + length) & 0xff);
      expect(hex(sha256(bytes))).toBe(reference(bytes));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (bytes) => hex(sha256(bytes)) === reference(bytes)),
      { numRuns: 2000 },
    );
  });
});
