import fc from 'fast-check';
import { parseTimestamp, resolveTimestamp } from './timestamp.js';

describe('parseTimestamp', () => {
  it('agrees with Date.parse on every ISO 8601 form it accepts', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0100-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.constantFrom(' ', 'T'),
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom('Z', '+00:00', '+05:30', '-11:45', '+14:00'),
        (date, separator, fractionDigits, offset) => {
          const iso = date.toISOString();
          const fraction = fractionDigits === 0 ? '' : `.${`${iso.slice(20, 23)}999999`.slice(0, fractionDigits)}`;
          const written = `${iso.slice(0, 10)}${separator}${iso.slice(11, 19)}${fraction}${offset}`;
          const reference = Date.parse(`${iso.slice(0, 19)}${fraction.slice(0, 4)}${offset}`);
          const parsed = parseTimestamp(written);
          expect(parsed && resolveTimestamp(parsed, 'Asia/Tokyo')).toBe(reference);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never accepts a string outside the documented forms', () => {
    const form = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9 T:.Z+-]{19,30}$/)), (text) => {
        if (!form.test(text)) expect(parseTimestamp(text)).toBeUndefined();
      }),
      { numRuns: 5000 },
    );
  });
});
