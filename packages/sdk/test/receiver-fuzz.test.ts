import { createEvent } from 'acadle-webhooks/testing';
import fc from 'fast-check';
import request from 'supertest';
import { createApp, PATH, TOKEN } from './harness.js';

const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
const body = fc.oneof(
  fc.string({ maxLength: 2000 }),
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
  fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
  fc
    .constantFrom('user_registered', 'user_course_completed', 'user_badge_updated')
    .map((type) => JSON.stringify(createEvent(type))),
  fc.record({ id: fc.jsonValue(), type: fc.jsonValue(), data: fc.jsonValue() }).map((value) => JSON.stringify(value)),
  fc.integer({ min: 1, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.constant('{"__proto__":{"polluted":true},"id":"p","type":"user_registered","data":{"__proto__":{"x":1}}}'),
);

describe.each(['express', 'node', 'web'] as const)('the %s adapter under arbitrary input', (adapter) => {
  it('never answers 5xx other than 503, whatever the body, headers, method and path', async () => {
    const { app } = createApp({ adapter, maxBodyBytes: 1500, queueOptions: { processor: async () => {} } });
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'OPTIONS'),
        fc.constantFrom(
          `/${TOKEN}`,
          `?token=${TOKEN}`,
          '/wrong',
          '',
          `/${TOKEN}/%E0%A4%A`,
          `/%ZZ?token=${TOKEN}&token=x`,
        ),
        fc.dictionary(
          fc.constantFrom(
            'content-type',
            'x-forwarded-for',
            'authorization',
            'user-agent',
            'content-encoding',
            'x-extra',
          ),
          headerValue,
        ),
        async (payload, method, suffix, headers) => {
          const test = request(app)[method.toLowerCase() as 'post'](`${PATH}${suffix}`);
          for (const [name, value] of Object.entries(headers)) test.set(name, value);
          const response = await test.send(payload);
          expect(response.status === 503 || response.status < 500).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 60_000);
});
