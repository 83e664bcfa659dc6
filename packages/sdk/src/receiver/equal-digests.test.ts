import { equalDigests } from './equal-digests.js';

describe('equalDigests', () => {
  const digest = (fill: number) => new Uint8Array(32).fill(fill);

  it('is true for equal bytes, whatever the arrays', () => {
    expect(equalDigests(digest(7), digest(7))).toBe(true);
    expect(equalDigests(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it.each([0, 15, 31])('is false when only byte %i differs', (index) => {
    const other = digest(7);
    other[index] = 8;
    expect(equalDigests(digest(7), other)).toBe(false);
  });

  it('is false for a difference in one bit, or in length (a prefix is not equal)', () => {
    const other = digest(0);
    other[31] = 1;
    expect(equalDigests(digest(0), other)).toBe(false);
    expect(equalDigests(digest(0), new Uint8Array(31))).toBe(false);
    expect(equalDigests(new Uint8Array(33), digest(0))).toBe(false);
  });
});
