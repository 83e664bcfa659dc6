import fc from 'fast-check';
import { createEvent } from '../testing/create-event.js';
import { EVENT_TYPES } from './event-types.js';
import { parseEvent } from './parse-event.js';

const anyBody = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.uint8Array({ maxLength: 2048 }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.jsonValue(),
  fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }),
);

// Takes a realistic delivery and overwrites one place in it with an arbitrary value.
const mutatedDelivery = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    path: fc.array(
      fc.constantFrom(
        'data',
        'user',
        'course',
        'lesson',
        'id',
        'created_at',
        'competed_at',
        'timezone',
        '__proto__',
        'type',
      ),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    value: fc.jsonValue(),
  })
  .map(({ type, path, value }) => {
    const body: Record<string, unknown> = JSON.parse(JSON.stringify(createEvent(type)));
    let target = body;
    for (const key of path.slice(0, -1)) {
      // Own properties only: walking into `__proto__` would make this test pollute Object.prototype.
      const next = Object.hasOwn(target, key) ? target[key] : undefined;
      if (typeof next !== 'object' || next === null) break;
      target = next as Record<string, unknown>;
    }
    Object.defineProperty(target, path[path.length - 1] as string, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return JSON.stringify(body);
  });

describe('parseEvent on arbitrary input', () => {
  it('never throws, and always answers ok with an event or an AcadleParseError', () => {
    fc.assert(
      fc.property(fc.oneof(anyBody, mutatedDelivery), (input) => {
        const result = parseEvent(input);
        if (result.ok) {
          expect(typeof result.event.id).toBe('string');
          expect(typeof result.event.type).toBe('string');
        } else {
          expect(['invalid_json', 'invalid_envelope', 'invalid_payload']).toContain(result.error.code);
          expect(Array.isArray(result.error.issues)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
