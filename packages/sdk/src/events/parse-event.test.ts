import { fixtures } from '../testing/fixtures.js';
import type { AcadleEvent, KnownEvent } from './acadle-event.js';
import { AcadleParseError } from './acadle-parse-error.js';
import { EVENT_TYPES } from './event-types.js';
import { type ParseResult, parseEvent } from './parse-event.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests reach deep into fixtures to break them; typed, each line would need a cast.
type Json = Record<string, any>;

const fixture = (type: keyof typeof fixtures): Json => JSON.parse(fixtures[type]);

function expectEvent(result: ParseResult): AcadleEvent {
  if (!result.ok) throw new Error(`expected an event, got ${result.error.code}: ${result.error.message}`);
  return result.event;
}

function expectKnown(result: ParseResult): KnownEvent & { data: Json } {
  const event = expectEvent(result);
  if (!event.known) throw new Error(`expected a known event, got ${event.type}`);
  return event as KnownEvent & { data: Json };
}

function expectError(result: ParseResult): AcadleParseError {
  if (result.ok) throw new Error(`expected an error, got event ${result.event.type}`);
  return result.error;
}

function withUser(user: Json): Json {
  const body = fixture('user_registered');
  body.data.user = { ...body.data.user, ...user };
  return body;
}

describe('the documented examples', () => {
  it.each(EVENT_TYPES)('parses the %s example into a known event', (type) => {
    const event = expectKnown(parseEvent(fixtures[type]));
    expect(event.type).toBe(type);
    expect(event.version).toBe('2020-12-04');
    expect(event.raw).toEqual(JSON.parse(fixtures[type]));
    expect(event.data.user).toEqual({
      id: 17,
      name: expect.stringMatching(/^[jJ]ohn Doe$/),
      email: 'johndoe@email.com',
      created_at: new Date('2020-12-04T10:43:17Z'),
      timezone: 'UTC',
    });
  });

  it('normalizes the course completed example exactly', () => {
    const event = expectKnown(parseEvent(fixtures.user_course_completed));
    expect(event.id).toBe('bDJOU0M0MQ==');
    expect(event.data.course).toStrictEqual({
      id: 1,
      name: 'Sample Course',
      description: 'Sample Course Description',
      duration: '01:00',
      completed_at: new Date('2020-12-04T11:19:19.385Z'),
      timezone: 'UTC',
    });
  });

  it('normalizes the lesson, certificate and badge examples exactly', () => {
    const lesson = expectKnown(parseEvent(fixtures.user_lessons_completed));
    expect(lesson.data.lesson).toStrictEqual({
      id: 2,
      name: 'Sample Lesson',
      completed_at: new Date('2020-12-04T11:19:19.340Z'),
      timezone: 'UTC',
    });
    expect(lesson.data.course).toStrictEqual({
      id: 1,
      name: 'Sample Course',
      description: 'Sample Course Description',
      duration: '01:00',
    });
    const certificate = expectKnown(parseEvent(fixtures.user_certificate_issued));
    expect(certificate.data.certificate.issued_at).toEqual(new Date('2020-12-04T11:53:56.327Z'));
    const badge = expectKnown(parseEvent(fixtures.user_badge_updated));
    expect(badge.data.badge).toStrictEqual({ id: 21, name: 'Certification Badge 5', category: 'Certification Badge' });
  });
});

describe('quirk 1: the competed_at typo', () => {
  it.each([
    ['user_course_completed', 'course'],
    ['user_lessons_completed', 'lesson'],
  ] as const)('exposes %s %s.competed_at as completed_at and drops the misspelled key', (type, key) => {
    const event = expectKnown(parseEvent(fixtures[type]));
    expect(event.data[key].completed_at).toBeInstanceOf(Date);
    expect(Object.keys(event.data[key])).not.toContain('competed_at');
  });

  it('prefers completed_at when both spellings arrive', () => {
    const body = fixture('user_course_completed');
    body.data.course.completed_at = '2021-01-01T00:00:00Z';
    const event = expectKnown(parseEvent(body));
    expect(event.data.course.completed_at).toEqual(new Date('2021-01-01T00:00:00Z'));
    expect(event.data.course).not.toHaveProperty('competed_at');
  });

  it('accepts the correct spelling alone', () => {
    const body = fixture('user_lessons_completed');
    body.data.lesson.completed_at = body.data.lesson.competed_at;
    delete body.data.lesson.competed_at;
    expect(expectKnown(parseEvent(body)).data.lesson.completed_at).toEqual(new Date('2020-12-04T11:19:19.340Z'));
  });

  it('reports a bad misspelled value at the path the sender wrote', () => {
    const body = fixture('user_course_completed');
    body.data.course.competed_at = 'yesterday';
    const error = expectError(parseEvent(body));
    expect(error.code).toBe('invalid_payload');
    expect(error.issues).toEqual([
      { code: 'invalid_timestamp', path: ['data', 'course', 'competed_at'], message: expect.any(String) },
    ]);
  });

  it('reports a completion time missing under both spellings', () => {
    const body = fixture('user_course_completed');
    delete body.data.course.competed_at;
    expect(expectError(parseEvent(body)).issues).toEqual([
      { code: 'invalid_type', path: ['data', 'course', 'completed_at'], message: expect.any(String) },
    ]);
  });
});

describe('quirk 2: timestamps', () => {
  it.each([
    ['2020-12-04 10:43:17', '2020-12-04T10:43:17.000Z'],
    ['2020-12-04T10:43:17', '2020-12-04T10:43:17.000Z'],
    ['2020-12-04 10:43:17.5', '2020-12-04T10:43:17.500Z'],
    ['2020-12-04T10:43:17.385163Z', '2020-12-04T10:43:17.385Z'],
    ['2020-12-04T10:43:17.123456789Z', '2020-12-04T10:43:17.123Z'],
    ['2020-12-04T10:43:17.999999Z', '2020-12-04T10:43:17.999Z'],
    ['2020-12-04 10:43:17+05:30', '2020-12-04T05:13:17.000Z'],
    ['2020-12-04T00:10:00-03:00', '2020-12-04T03:10:00.000Z'],
    ['2020-02-29 23:59:59Z', '2020-02-29T23:59:59.000Z'],
  ])('reads %s as %s', (written, iso) => {
    const event = expectKnown(parseEvent(withUser({ created_at: written })));
    expect(event.data.user.created_at).toEqual(new Date(iso));
  });

  it('reads an offset-less time as wall-clock time in the object timezone', () => {
    const event = expectKnown(parseEvent(withUser({ created_at: '2020-12-04 10:43:17', timezone: 'Asia/Kolkata' })));
    expect(event.data.user.created_at.toISOString()).toBe('2020-12-04T05:13:17.000Z');
  });

  it('follows daylight saving time in the named zone', () => {
    const winter = expectKnown(parseEvent(withUser({ created_at: '2021-01-15 12:00:00', timezone: 'Europe/Paris' })));
    const summer = expectKnown(parseEvent(withUser({ created_at: '2021-07-15 12:00:00', timezone: 'Europe/Paris' })));
    expect(winter.data.user.created_at.toISOString()).toBe('2021-01-15T11:00:00.000Z');
    expect(summer.data.user.created_at.toISOString()).toBe('2021-07-15T10:00:00.000Z');
  });

  it('places a time skipped by the spring change after the gap, and a repeated time at its first occurrence', () => {
    const skipped = parseEvent(withUser({ created_at: '2021-03-14 02:30:00', timezone: 'America/New_York' }));
    expect(expectKnown(skipped).data.user.created_at.toISOString()).toBe('2021-03-14T07:30:00.000Z');
    const repeated = parseEvent(withUser({ created_at: '2021-11-07 01:30:00', timezone: 'America/New_York' }));
    expect(expectKnown(repeated).data.user.created_at.toISOString()).toBe('2021-11-07T05:30:00.000Z');
  });

  it('lets an explicit offset win over the timezone field', () => {
    const event = expectKnown(parseEvent(withUser({ created_at: '2020-12-04T10:43:17Z', timezone: 'Asia/Tokyo' })));
    expect(event.data.user.created_at.toISOString()).toBe('2020-12-04T10:43:17.000Z');
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
  ])('uses UTC when the timezone is %s', (_, timezone) => {
    const event = expectKnown(parseEvent(withUser({ created_at: '2020-12-04 10:43:17', timezone })));
    expect(event.data.user.created_at.toISOString()).toBe('2020-12-04T10:43:17.000Z');
  });

  it('uses each object its own timezone', () => {
    const body = fixture('user_course_completed');
    body.data.user.timezone = 'Asia/Tokyo';
    body.data.course.competed_at = '2020-12-04 11:00:00';
    body.data.course.timezone = 'America/Sao_Paulo';
    const event = expectKnown(parseEvent(body));
    expect(event.data.user.created_at.toISOString()).toBe('2020-12-04T01:43:17.000Z');
    expect(event.data.course.completed_at.toISOString()).toBe('2020-12-04T14:00:00.000Z');
  });

  it.each([
    '2020-12-04',
    '2020-12-04 10:43',
    '04/12/2020 10:43:17',
    '2020-12-04  10:43:17',
    '2020-12-04t10:43:17',
    '2020-12-04T10:43:17z',
    '2020-12-04T10:43:17.Z',
    '2020-12-04T10:43:17.1234567890Z',
    '2020-12-04T10:43:17+0530',
    '2020-12-04T10:43:17+05',
    '2020-13-04 10:43:17',
    '2021-02-29 10:43:17',
    '2020-12-04 24:00:00',
    '2020-12-04 10:60:17',
    '2020-12-04 10:43:60',
    '2020-12-04T10:43:17+24:00',
    ' 2020-12-04 10:43:17',
    '2020-12-04 10:43:17 ',
    '２０２０-12-04 10:43:17',
    '',
  ])('refuses %j, naming the path', (written) => {
    const error = expectError(parseEvent(withUser({ created_at: written })));
    expect(error.code).toBe('invalid_payload');
    expect(error.issues).toEqual([
      { code: 'invalid_timestamp', path: ['data', 'user', 'created_at'], message: expect.stringMatching(/timestamp/i) },
    ]);
  });

  it('refuses a timestamp that is not a string', () => {
    const error = expectError(parseEvent(withUser({ created_at: 1607078597 })));
    expect(error.issues[0]?.path).toEqual(['data', 'user', 'created_at']);
  });

  it('refuses an unknown zone when a time needs it, naming the timezone field', () => {
    const error = expectError(parseEvent(withUser({ created_at: '2020-12-04 10:43:17', timezone: 'Mars/Olympus' })));
    expect(error.issues).toEqual([
      {
        code: 'unknown_time_zone',
        path: ['data', 'user', 'timezone'],
        message: expect.stringContaining('Unknown time zone "Mars/Olympus"'),
      },
    ]);
  });

  it('ignores an unknown zone when every time carries its own offset', () => {
    const event = expectKnown(parseEvent(withUser({ created_at: '2020-12-04T10:43:17Z', timezone: 'Mars/Olympus' })));
    expect(event.data.user.created_at.toISOString()).toBe('2020-12-04T10:43:17.000Z');
  });
});

describe('quirk 3: numeric ids', () => {
  it('turns numeric strings into numbers on every documented id', () => {
    const body = fixture('user_lessons_completed');
    body.data.user.id = '17';
    body.data.course.id = '0001';
    body.data.lesson.id = '2';
    const event = expectKnown(parseEvent(body));
    expect([event.data.user.id, event.data.course.id, event.data.lesson.id]).toEqual([17, 1, 2]);
    const certificate = fixture('user_certificate_issued');
    certificate.data.certificate.id = '9';
    expect(expectKnown(parseEvent(certificate)).data.certificate.id).toBe(9);
    const badge = fixture('user_badge_updated');
    badge.data.badge.id = '21';
    expect(expectKnown(parseEvent(badge)).data.badge.id).toBe(21);
  });

  it.each([
    ['abc', 'invalid_id'],
    ['1.5', 'invalid_id'],
    [1.5, 'invalid_id'],
    [-3, 'invalid_id'],
    ['-3', 'invalid_id'],
    ['', 'invalid_id'],
    ['99999999999999999', 'invalid_id'],
    [true, 'invalid_union'],
    [null, 'invalid_union'],
  ])('refuses the id %j (issue code %s)', (id, code) => {
    const error = expectError(parseEvent(withUser({ id })));
    expect(error.issues).toEqual([{ code, path: ['data', 'user', 'id'], message: expect.any(String) }]);
  });

  it('turns a numeric envelope id into a string', () => {
    const body = fixture('user_registered');
    body.id = 12345;
    expect(expectEvent(parseEvent(body)).id).toBe('12345');
  });
});

describe('quirk 4: unknown fields', () => {
  it('keeps unknown fields at every level', () => {
    const body = fixture('user_course_completed');
    body.extra = { nested: [1, 2] };
    body.data.academy = { id: 'acad-1' };
    body.data.user.locale = 'fr';
    body.data.course.tags = ['sales'];
    const event = expectKnown(parseEvent(body));
    expect(event.data.academy).toEqual({ id: 'acad-1' });
    expect(event.data.user.locale).toBe('fr');
    expect(event.data.course.tags).toEqual(['sales']);
    expect((event.raw as Json).extra).toEqual({ nested: [1, 2] });
  });
});

describe('quirk 5: unknown event types', () => {
  it('returns an unknown event with data untouched', () => {
    const body = { id: 'x1', version: '2030-01-01', type: 'user_quiz_passed', data: { score: '10', when: 'now' } };
    const event = expectEvent(parseEvent(JSON.stringify(body)));
    expect(event).toEqual({
      id: 'x1',
      type: 'user_quiz_passed',
      version: '2030-01-01',
      known: false,
      data: body.data,
      raw: body,
    });
  });

  it('marks documented events as known', () => {
    expect(expectEvent(parseEvent(fixtures.user_registered)).known).toBe(true);
  });
});

describe('quirk 6: versions', () => {
  it.each(['2020-12-04', '2031-05-06', 'v2', ''])('accepts and keeps the version %j', (version) => {
    const body = fixture('user_registered');
    body.version = version;
    expect(expectEvent(parseEvent(body)).version).toBe(version);
  });

  it('leaves version undefined when absent', () => {
    const body = fixture('user_registered');
    delete body.version;
    expect(expectEvent(parseEvent(body)).version).toBeUndefined();
  });
});

describe('quirk 7: optional text fields', () => {
  it.each([
    ['user_course_completed', 'course', 'description'],
    ['user_course_completed', 'course', 'duration'],
    ['user_course_completed', 'course', 'timezone'],
    ['user_registered', 'user', 'timezone'],
    ['user_badge_updated', 'badge', 'category'],
  ] as const)('accepts %s %s.%s missing or null', (type, object, field) => {
    const missing = fixture(type);
    delete missing.data[object][field];
    expect(expectKnown(parseEvent(missing)).data[object]).not.toHaveProperty(field);
    const nulled = fixture(type);
    nulled.data[object][field] = null;
    expect(expectKnown(parseEvent(nulled)).data[object][field]).toBeNull();
  });

  it('still requires the documented required fields', () => {
    const body = fixture('user_badge_updated');
    delete body.data.badge.name;
    body.data.user.email = null;
    const error = expectError(parseEvent(body));
    expect(error.issues.map((issue) => issue.path)).toEqual([
      ['data', 'user', 'email'],
      ['data', 'badge', 'name'],
    ]);
  });
});

describe('quirk 8: input forms', () => {
  const text = fixtures.user_certificate_issued;
  it.each([
    ['a string', text],
    ['a Buffer', Buffer.from(text)],
    ['a Uint8Array', new TextEncoder().encode(text)],
    ['an ArrayBuffer', new TextEncoder().encode(text).buffer],
    ['a parsed object', JSON.parse(text)],
    ['a string with a BOM', `\uFEFF${text}`],
    ['bytes with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
  ])('accepts %s', (_, input) => {
    expect(expectKnown(parseEvent(input)).data.certificate.id).toBe(1);
  });

  it('refuses bytes that are not UTF-8 as invalid_json', () => {
    const error = expectError(parseEvent(Buffer.from([0x7b, 0xff, 0x7d])));
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(/UTF-8/);
  });

  it('does not change an already parsed input', () => {
    const input = JSON.parse(fixtures.user_course_completed);
    const copy = structuredClone(input);
    parseEvent(input);
    expect(input).toEqual(copy);
  });
});

describe('quirk 9: only JSON', () => {
  it('refuses the documentation text with typographic quotes as invalid_json', () => {
    const documented = fixtures.user_registered.replace('"john Doe"', '“john Doe"');
    const error = expectError(parseEvent(documented));
    expect(error).toBeInstanceOf(AcadleParseError);
    expect(error.code).toBe('invalid_json');
    expect(error.issues).toHaveLength(1);
  });
});

describe('errors', () => {
  it.each([
    ['', 'invalid_json'],
    ['{', 'invalid_json'],
    ['null', 'invalid_envelope'],
    ['[]', 'invalid_envelope'],
    ['"text"', 'invalid_envelope'],
    ['42', 'invalid_envelope'],
    ['{}', 'invalid_envelope'],
    ['{"id":"a"}', 'invalid_envelope'],
    ['{"type":"user_registered"}', 'invalid_envelope'],
    ['{"id":"","type":"user_registered"}', 'invalid_envelope'],
    ['{"id":{},"type":"user_registered"}', 'invalid_envelope'],
    ['{"id":"a","type":7}', 'invalid_envelope'],
    ['{"id":"a","type":"user_registered"}', 'invalid_payload'],
    ['{"id":"a","type":"user_registered","data":[]}', 'invalid_payload'],
    ['{"id":"a","type":"user_registered","data":{"user":{}}}', 'invalid_payload'],
  ])('answers %j with %s', (body, code) => {
    const error = expectError(parseEvent(body));
    expect(error).toBeInstanceOf(AcadleParseError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('names every envelope problem with its path', () => {
    expect(expectError(parseEvent('{"id":null,"type":""}')).issues).toEqual([
      { code: 'invalid_id', path: ['id'], message: 'Expected a non-empty string or a number, received null' },
      { code: 'invalid_event_type', path: ['type'], message: 'Expected a non-empty string, received an empty string' },
    ]);
  });

  it('keeps the envelope of a payload error, for storage and deduplication', () => {
    const body = fixture('user_registered');
    body.data.user.created_at = 'soon';
    const error = expectError(parseEvent(body));
    expect(error.envelope).toEqual({ id: 'a3MwZHNVWDNSczZuVXVTMTQy', type: 'user_registered', version: '2020-12-04' });
    expect(error.message).toContain('data.user.created_at');
  });

  it('returns an error for an input object whose getters throw', () => {
    const hostile = Object.defineProperty({}, 'id', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(expectError(parseEvent(hostile)).code).toBe('invalid_envelope');
  });
});

describe('hostile bodies', () => {
  it('never pollutes prototypes through __proto__ keys', () => {
    const body = `{"id":"p1","type":"user_registered","version":"1","__proto__":{"polluted":1},"data":{"__proto__":{"polluted":2},"user":{"__proto__":{"polluted":3},"id":1,"name":"a","email":"b","created_at":"2020-12-04 10:43:17"}}}`;
    const event = expectKnown(parseEvent(body));
    expect(({} as Json).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(event.data)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(event.data.user)).toBe(Object.prototype);
    expect(event.data.user.polluted).toBeUndefined();
    expect(event.data.user.id).toBe(1);
  });

  it('survives very deep nesting', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(expectError(parseEvent(deep)).code).toBe('invalid_envelope');
    const body = fixture('user_registered');
    body.data.user.extra = JSON.parse(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
    expect(expectKnown(parseEvent(body)).data.user.extra).toBe(body.data.user.extra);
  });

  it('survives huge strings', () => {
    const body = fixture('user_registered');
    body.data.user.name = 'x'.repeat(5_000_000);
    body.data.user.created_at = '2'.repeat(1_000_000);
    expect(expectError(parseEvent(JSON.stringify(body))).code).toBe('invalid_payload');
  });
});
