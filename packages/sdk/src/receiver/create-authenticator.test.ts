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

const REFUSED = { failure: 'unauthorized' };
const FORBIDDEN = { failure: 'forbidden' };
const DEFAULT = { academy: 'default' };

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
    expect(await authenticator.check(facts(url))).toEqual(
      accepted ? { academy: 'default' } : { failure: 'unauthorized' },
    );
    expect(compare).toHaveBeenCalledTimes(TOKENS.length);
    for (const [given, expected] of compare.mock.calls as [Uint8Array, Uint8Array][]) {
      expect(given.byteLength).toBe(32);
      expect(expected.byteLength).toBe(32);
    }
  });

  it('compares Basic credentials on digests too, after the token', async () => {
    const authenticator = createAuthenticator({ tokens: TOKENS, basic: { username: 'acadle', password: 'pw' } });
    expect(await authenticator.check(facts(`/${TOKENS[1]}`, basic('acadle:p')))).toEqual(REFUSED);
    expect(await authenticator.check(facts(`/${TOKENS[1]}`, basic('acadle:pw')))).toEqual(DEFAULT);
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
    expect(await authenticator.check(facts(`/${TOKENS[0]}`, authorization))).toEqual(REFUSED);
    expect(compare).toHaveBeenCalledTimes(TOKENS.length + 1);
  });
});

describe('createAuthenticator Basic credentials', () => {
  it('reads UTF-8 credentials, as Acadle and browsers encode them', async () => {
    const authenticator = createAuthenticator({ tokens: TOKENS, basic: { username: 'académie', password: 'mot😀' } });
    const header = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode('académie:mot😀')))}`;
    expect(await authenticator.check(facts(`/${TOKENS[0]}`, header))).toEqual(DEFAULT);
    expect(await authenticator.check(facts(`/${TOKENS[0]}`, basic('académie:mot')))).toEqual(REFUSED);
  });

  it('accepts base64 without its padding, as Buffer did', async () => {
    const authenticator = createAuthenticator({ tokens: TOKENS, basic: { username: 'acadle', password: 'secret' } });
    expect(basic('acadle:secret')).toMatch(/==$/);
    const unpadded = basic('acadle:secret').replace(/=+$/, '');
    expect(await authenticator.check(facts(`/${TOKENS[0]}`, unpadded))).toEqual(DEFAULT);
  });
});

describe('createAuthenticator addresses', () => {
  const auth = { tokens: TOKENS };

  it('answers forbidden outside allowedIps, before the token is looked at', async () => {
    const authenticator = createAuthenticator(auth, { allowedIps: ['203.0.113.0/24'] });
    expect(await authenticator.check({ ...facts('/'), remoteAddress: '198.51.100.1' })).toEqual(FORBIDDEN);
    expect(await authenticator.check({ ...facts(`/${TOKENS[0]}`), remoteAddress: '203.0.113.7' })).toEqual(DEFAULT);
    expect(await authenticator.check({ ...facts(`/${TOKENS[0]}`), remoteAddress: '::ffff:203.0.113.7' })).toEqual(
      DEFAULT,
    );
    expect(await authenticator.check({ ...facts(`/${TOKENS[0]}`), remoteAddress: undefined })).toEqual(FORBIDDEN);
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

describe('createAuthenticator academies', () => {
  const NORTH = ['tok_north_first_01234', 'tok_north_second_0123'];
  const SOUTH = 'tok_south_only_012345';
  const auth = {
    tokens: [TOKENS[0] as string],
    academies: [
      { name: 'north', tokens: NORTH },
      { name: 'south', tokens: [SOUTH], basic: { username: 'south', password: 'pw' }, allowedIps: ['203.0.113.0/24'] },
    ],
  };

  it("names the academy by its token, each of an academy's tokens (rotation) and the unnamed ones as default", async () => {
    const authenticator = createAuthenticator(auth);
    expect(await authenticator.check(facts(`/${NORTH[0]}`))).toEqual({ academy: 'north' });
    expect(await authenticator.check(facts(`/${NORTH[1]}`))).toEqual({ academy: 'north' });
    expect(await authenticator.check(facts(`/${TOKENS[0]}`))).toEqual(DEFAULT);
    expect(await authenticator.check(facts(`/${TOKENS[1]}`))).toEqual(REFUSED);
  });

  it("checks an academy's own Basic credentials and addresses, never another's", async () => {
    const authenticator = createAuthenticator(auth);
    const from = (url: string, remoteAddress: string, authorization?: string) =>
      authenticator.check({ ...facts(url, authorization), remoteAddress });
    expect(await from(`/${SOUTH}`, '203.0.113.7', basic('south:pw'))).toEqual({ academy: 'south' });
    expect(await from(`/${SOUTH}`, '203.0.113.7')).toEqual(REFUSED);
    expect(await from(`/${SOUTH}`, '198.51.100.1', basic('south:pw'))).toEqual(FORBIDDEN);
    // North has no credentials nor address list: south's do not apply to it.
    expect(await from(`/${NORTH[0]}`, '198.51.100.1')).toEqual({ academy: 'north' });
  });

  it('compares the candidate with every token of every academy, wherever it matches', async () => {
    const compare = jest.spyOn(digests, 'equalDigests');
    try {
      const authenticator = createAuthenticator({ academies: auth.academies });
      // Every token, then (south only) its one pair of Basic credentials.
      const cases: [string, number][] = [
        [`/${NORTH[0]}`, NORTH.length + 1],
        [`/${SOUTH}`, NORTH.length + 2],
        ['/nope_nope_nope_nope', NORTH.length + 1],
      ];
      for (const [url, compares] of cases) {
        compare.mockClear();
        await authenticator.check({ ...facts(url), remoteAddress: '203.0.113.7' });
        expect(compare).toHaveBeenCalledTimes(compares);
      }
    } finally {
      compare.mockRestore();
    }
  });

  it('refuses bad academies at creation, naming the entry by position and never the token', () => {
    const refused = (academies: unknown[]) => {
      try {
        createAuthenticator({ academies } as never);
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).not.toContain(SOUTH);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused([{ name: 'North', tokens: [SOUTH] }])).toBe(
      'auth.academies[0].name: 1 to 64 characters from a-z, 0-9 and -',
    );
    expect(refused([{ name: 'a'.repeat(65), tokens: [SOUTH] }])).toMatch(/^auth\.academies\[0\]\.name:/);
    expect(
      refused([
        { name: 'north', tokens: [] },
        { name: 'south', tokens: [SOUTH] },
      ]),
    ).toBe('auth.academies[0].tokens: give at least one token');
    expect(
      refused([
        { name: 'north', tokens: [SOUTH] },
        { name: 'north', tokens: [NORTH[0]] },
      ]),
    ).toBe('auth.academies[1].name: the academy north is configured twice');
    expect(
      refused([
        { name: 'north', tokens: [SOUTH] },
        { name: 'south', tokens: [SOUTH] },
      ]),
    ).toBe('auth.academies[1].tokens: a token of south is also a token of north; each academy needs its own');
    expect(refused([{ name: 'north', tokens: ['short'] }])).toMatch(
      /^auth\.academies\[0\]\.tokens: each token must be/,
    );
    expect(() => createAuthenticator({ tokens: [SOUTH], academies: [{ name: 'default', tokens: NORTH }] })).toThrow(
      'auth.academies[0].name: the academy default is configured twice',
    );
  });
});
