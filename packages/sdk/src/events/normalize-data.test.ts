import fc from 'fast-check';
import { createEvent } from '../testing/create-event.js';
import { fixtures } from '../testing/fixtures.js';
import { eventDataSchemas } from './event-data-schemas.js';
import { EVENT_TYPES } from './event-types.js';
import { normalizeData } from './normalize-data.js';

const writtenTimestamp = fc
  .record({
    date: fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2100-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    separator: fc.constantFrom(' ', 'T'),
    fraction: fc.constantFrom('', '.5', '.385163', '.123456789', '.'),
    offset: fc.constantFrom('', 'Z', '+05:30', '-03:00', '+24:00'),
  })
  .map(({ date, separator, fraction, offset }) => {
    const iso = date.toISOString();
    return `${iso.slice(0, 10)}${separator}${iso.slice(11, 19)}${fraction}${offset}`;
  });

const fieldValue = fc.oneof(
  writtenTimestamp,
  fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', '', 'Mars/Olympus', null, '17', '0', '-1', 17, 1.5, -2),
  fc.jsonValue(),
);

const objectKeys = ['user', 'course', 'lesson', 'certificate', 'badge', 'extra'];
const fieldKeys = [
  'id',
  'name',
  'email',
  'created_at',
  'completed_at',
  'competed_at',
  'issued_at',
  'timezone',
  'category',
  'description',
  'x',
];

// Realistic data with a few fields overwritten or removed: near the edge of validity, where the
// fast path and zod could disagree.
const nearlyValidData = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    edits: fc.array(
      fc.record({
        object: fc.constantFrom(...objectKeys),
        field: fc.constantFrom(...fieldKeys),
        value: fc.option(fieldValue),
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ type, edits }) => {
    const data = createEvent(type).data as Record<string, Record<string, unknown>>;
    for (const { object, field, value } of edits) {
      data[object] ??= {};
      const target = data[object];
      if (value === null) delete target[field];
      else target[field] = value;
    }
    return { type, data };
  });

describe('normalizeData, the fast path of parseEvent', () => {
  it('takes every documented example and every createEvent delivery (else parsing slows down to zod)', () => {
    for (const type of EVENT_TYPES) {
      expect(normalizeData(type, JSON.parse(fixtures[type]).data)).toBeDefined();
      expect(normalizeData(type, createEvent(type).data)).toBeDefined();
    }
  });

  it('agrees with the zod schemas whenever it gives an answer', () => {
    let fastAnswers = 0;
    fc.assert(
      fc.property(nearlyValidData, ({ type, data }) => {
        const fast = normalizeData(type, data);
        const authority = eventDataSchemas[type].safeParse(data);
        if (fast === undefined) return;
        fastAnswers += 1;
        expect(authority.success).toBe(true);
        expect(fast).toStrictEqual(authority.data);
      }),
      { numRuns: 5000 },
    );
    // The generator must reach both sides of the edge for the check to mean something.
    expect(fastAnswers).toBeGreaterThan(500);
    expect(fastAnswers).toBeLessThan(4500);
  });

  it('leaves objects with __proto__ keys to zod', () => {
    const data = JSON.parse(`{"__proto__":{"x":1},"user":${JSON.stringify(createEvent('user_registered').data.user)}}`);
    expect(normalizeData('user_registered', data)).toBeUndefined();
  });
});
