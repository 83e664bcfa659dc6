import { createAuthenticator } from './create-authenticator.js';

// The module object itself (an `import * as` namespace cannot be spied on): create-authenticator.ts
// reads `equalDigests` from it at each call.
const digests = require('./equal-digests') as typeof import('./equal-digests.js');

const TOKENS = ['tok_first_0123456789', 'tok_second_0123456789', 'tok_third_0123456789'];

const facts = (url: string, authorization?: string) => ({
  url,
  authorization,
  forwardedFor: undefined,
  remoteAddress: '127.0.0.1',
});

const basic = (credentials: string) => `Basic ${btoa(credentials)}`;

// Timing cannot be measured reliably over HTTP (noise is larger than any leak), so the test checks
// the property that makes the comparison constant-time: every configured secret is compared, always
// on digests of one fixed length, whatever the candidate and wherever it matches.
describe('createAuthenticator token comparison', () => {
  let compare: jest.SpyInstance;
  beforeEach(() => {
    compare = jest.spyOn(digests, 'equalDigests');
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

  it.each(candidates)('compares %s with every configured token, on 32-byte digests', async (_, url, accepted) => {
    const authenticator = createAuthenticator({ tokens: TOKENS });
    expect(await authenticator.check(facts(url))).toBe(accepted ? undefined : 'unauthorized');
    expect(compare).toHaveBeenCalledTimes(TOKENS.length);
    for (const [given, expected] of compare.mock.calls as [Uint8Array, Uint8Array][]) {
      expect(given.byteLength).toBe(32);
      expect(expected.byteLength).toBe(32);
    }
  });

  it('compares Basic credentials on digests too, after the token', async () => {
    const authenticator = createAuthenticator({ tokens: TOKENS, basic: { username: 'acadle', password: 'pw' } });
    expect(await authenticator.check(facts(`/${TOKENS[1]}`, basic('acadle:p')))).toBe('unauthorized');
    expect(await authenticator.check(facts(`/${TOKENS[1]}`, basic('acadle:pw')))).toBeUndefined();
    // Two requests, each: every token, then the one pair of credentials.
    expect(compare).toHaveBeenCalledTimes(2 * (TOKENS.length + 1));
    for (const [given, expected] of compare.mock.calls as [Uint8Array, Uint8Array][]) {
      expect([given.byteLength, expected.byteLength]).toEqual([32, 32]);
    }
  });

  it.each([
    ['no Authorization header', undefined],
    ['another scheme', 'Bearer abc'],
    ['a header that is not base64', 'Basic !!not base64!!'],
  ])('compares the credentials of a request with %s too, and refuses it', async (_, authorization) => {
    const authenticator = createAuthenticator({ tokens: TOKENS, basic: { username: 'acadle', password: 'pw' } });
    expect(await authenticator.check(facts(`/${TOKENS[0]}`, authorization))).toBe('unauthorized');
    expect(compare).toHaveBeenCalledTimes(TOKENS.length + 1);
  });
});

describe('createAuthenticator Basic credentials', () => {
  it('reads UTF-8 credentials, as Acadle and browsers encode them', async () => {
    const authenticator = createAuthenticator({ tokens: TOKENS, basic: { username: 'académie', password: 'mot😀' } });
    const header = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode('académie:mot😀')))}`;
    expect(await authenticator.check(facts(`/${TOKENS[0]}`, header))).toBeUndefined();
    expect(await authenticator.check(facts(`/${TOKENS[0]}`, basic('académie:mot')))).toBe('unauthorized');
  });

  it('accepts base64 without its padding, as Buffer did', async () => {
    const authenticator = createAuthenticator({ tokens: TOKENS, basic: { username: 'acadle', password: 'secret' } });
    expect(basic('acadle:secret')).toMatch(/==$/);
    const unpadded = basic('acadle:secret').replace(/=+$/, '');
    expect(await authenticator.check(facts(`/${TOKENS[0]}`, unpadded))).toBeUndefined();
  });
});

describe('createAuthenticator addresses', () => {
  const auth = { tokens: TOKENS };

  it('answers forbidden outside allowedIps, before the token is looked at', async () => {
    const authenticator = createAuthenticator(auth, { allowedIps: ['203.0.113.0/24'] });
    expect(await authenticator.check({ ...facts('/'), remoteAddress: '198.51.100.1' })).toBe('forbidden');
    expect(await authenticator.check({ ...facts(`/${TOKENS[0]}`), remoteAddress: '203.0.113.7' })).toBeUndefined();
    expect(
      await authenticator.check({ ...facts(`/${TOKENS[0]}`), remoteAddress: '::ffff:203.0.113.7' }),
    ).toBeUndefined();
    expect(await authenticator.check({ ...facts(`/${TOKENS[0]}`), remoteAddress: undefined })).toBe('forbidden');
  });

  it('reads the client from X-Forwarded-For, walking back through trusted proxies only', () => {
    const authenticator = createAuthenticator(auth, { trustedProxies: ['10.0.0.0/8', '::1'] });
    const from = (remoteAddress: string, forwardedFor: string) =>
      authenticator.clientAddress({ ...facts('/'), remoteAddress, forwardedFor });
    expect(from('::1', '203.0.113.7, 10.1.2.3')).toBe('203.0.113.7');
    expect(from('::1', '203.0.113.7, 198.51.100.1, 10.1.2.3')).toBe('198.51.100.1');
    expect(from('198.51.100.9', '203.0.113.7')).toBe('198.51.100.9');
  });

  it('throws a TypeError naming the option and the entry at creation', () => {
    expect(() => createAuthenticator(auth, { allowedIps: ['not-an-ip'] })).toThrow(
      new TypeError('allowedIps: "not-an-ip" is not an IP address or CIDR range'),
    );
    expect(() => createAuthenticator(auth, { trustedProxies: ['10.0.0.0/33'] })).toThrow(
      new TypeError('trustedProxies: "10.0.0.0/33" has an invalid prefix length'),
    );
  });
});
