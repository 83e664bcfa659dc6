import fc from 'fast-check';
import { EVENT_TYPES } from '../events/event-types.js';
import { parseEvent } from '../events/parse-event.js';
import { createEvent } from './create-event.js';
import { fixtures } from './fixtures.js';

describe('createEvent', () => {
  it('builds deliveries that parse as known events of their type, as objects and as JSON', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EVENT_TYPES), (type) => {
        const delivery = createEvent(type);
        for (const input of [delivery, JSON.stringify(delivery)]) {
          const result = parseEvent(input);
          expect(result.ok && result.event.known && result.event.type === type).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('generates ASCII-only email addresses', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EVENT_TYPES), (type) => {
        const { email } = createEvent(type).data.user as { email: string };
        expect(email).toMatch(/^[\x21-\x7e]+@[\x21-\x7e]+$/);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps accents in names and drops them from email addresses (García, garcia)', () => {
    const users = Array.from({ length: 500 }, () => createEvent('user_registered').data.user as Record<string, string>);
    const garcias = users.filter(({ name }) => name?.endsWith(' García'));
    expect(garcias.length).toBeGreaterThan(0);
    for (const { name = '', email } of garcias) {
      expect(email).toBe(`${name.split(' ')[0]?.toLowerCase()}.garcia@example.com`);
    }
  });

  it('gives every delivery a unique id', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => createEvent('user_registered').id));
    expect(ids.size).toBe(5000);
  });

  it('shapes deliveries like the documented examples, typo included', () => {
    for (const type of EVENT_TYPES) {
      const documented = JSON.parse(fixtures[type]);
      const delivery = createEvent(type);
      expect(Object.keys(delivery).sort()).toEqual(Object.keys(documented).sort());
      for (const [key, value] of Object.entries(documented.data as Record<string, object>)) {
        expect(Object.keys(delivery.data[key] as object).sort()).toEqual(Object.keys(value).sort());
      }
    }
  });

  it('merges data overrides deeply and takes id and version overrides', () => {
    const delivery = createEvent('user_course_completed', {
      id: 'fixed-id',
      version: '2031-01-01',
      data: { user: { email: 'ada@example.com' }, course: { id: 7 } },
    });
    expect(delivery).toMatchObject({ id: 'fixed-id', version: '2031-01-01', type: 'user_course_completed' });
    expect(delivery.data.user).toMatchObject({ email: 'ada@example.com', name: expect.any(String) });
    expect(delivery.data.course).toMatchObject({ id: 7, competed_at: expect.any(String) });
  });
});
