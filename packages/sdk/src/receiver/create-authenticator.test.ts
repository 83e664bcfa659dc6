import { createAuthenticator } from './create-authenticator.js';

// The module object itself (an `import * as` namespace cannot be spied on): create-authenticator.ts
// reads `timingSafeEqual` from it at each call.
const crypto = require('node:crypto') as typeof import('node:crypto');

const TOKENS = ['tok_first_0123456789', 'tok_second_0123456789', 'tok_third_0123456789'];

const facts = (url: string, authorization?: string) => ({
  url,
  authorization,
  forwardedFor: undefined,
  remoteAddress: '127.0.0.1',
});

// Timing cannot be measured reliably over HTTP (noise is larger than any leak), so the test checks
// the property that makes the comparison constant-time: every configured secret is compared, always
// on digests of one fixed length, whatever the candidate and wherever it matches.
describe('createAuthenticator token comparison', () => {
  let compare: jest.SpyInstance;
  beforeEach(() => {
    compare = jest.spyOn(crypto, 'timingSafeEqual');
  });
  afterEach(() => compare.mockRestore());

  const candidates: [string, string, boolean][] = [
    ['no token', '/', false],
    ['an empty query token', '/?token=', false],
    ['a one-character token', '/x', false],
    ['a near miss of the first token', `/${TOKENS[0]?.replace(/.$/, 'X')}`, false],
    ['the first token', `/${TOKENS[0]}`, true],
    ['the last token', `/${TOKENS[2]}`, true],
    ['the last token in the query', `/?token=${TOKENS[2]}`, true],
    ['a token 10,000 characters long', `/${'t'.repeat(10_000)}`, false],
    ['a token with non-ASCII characters', `/${encodeURIComponent('tök_ünïcode_0123456789')}`, false],
  ];

  it.each(candidates)('compares %s with every configured token, on 32-byte digests', (_, url, accepted) => {
    const authenticator = createAuthenticator({ tokens: TOKENS });
    expect(authenticator.check(facts(url))).toBe(accepted ? undefined : 'unauthorized');
    expect(compare).toHaveBeenCalledTimes(TOKENS.length);
    for (const [given, expected] of compare.mock.calls as [Buffer, Buffer][]) {
      expect(given.byteLength).toBe(32);
      expect(expected.byteLength).toBe(32);
    }
  });

  it('compares Basic credentials on digests too, after the token', () => {
    const authenticator = createAuthenticator({ tokens: TOKENS, basic: { username: 'acadle', password: 'pw' } });
    const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
    expect(authenticator.check(facts(`/${TOKENS[1]}`, basic('acadle:p')))).toBe('unauthorized');
    expect(authenticator.check(facts(`/${TOKENS[1]}`, basic('acadle:pw')))).toBeUndefined();
    // Two requests, each: every token, then the one pair of credentials.
    expect(compare).toHaveBeenCalledTimes(2 * (TOKENS.length + 1));
    for (const [given, expected] of compare.mock.calls as [Buffer, Buffer][]) {
      expect([given.byteLength, expected.byteLength]).toEqual([32, 32]);
    }
  });
});
