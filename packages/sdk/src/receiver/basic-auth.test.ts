import { basicCredentials, createBasicAuthCheck } from './basic-auth.js';

const header = (userPass: string) => `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;

describe('createBasicAuthCheck', () => {
  const isAdmin = createBasicAuthCheck({ username: 'admin', password: 'pässwörd:with-colon' });

  it('accepts the configured user name and password, UTF-8 included', () => {
    expect(isAdmin(header('admin:pässwörd:with-colon'))).toBe(true);
  });

  it('refuses a wrong password, a wrong user name, and a missing header', () => {
    expect(isAdmin(header('admin:password'))).toBe(false);
    expect(isAdmin(header('root:pässwörd:with-colon'))).toBe(false);
    expect(isAdmin(undefined)).toBe(false);
    expect(isAdmin('')).toBe(false);
  });

  it('refuses another scheme and a header that is not base64', () => {
    expect(isAdmin(`Bearer ${Buffer.from('admin:pässwörd:with-colon').toString('base64')}`)).toBe(false);
    expect(isAdmin('Basic !!!not-base64!!!')).toBe(false);
  });
});

describe('basicCredentials', () => {
  it('reads user:password from a Basic header, and nothing from anything else', () => {
    expect(basicCredentials(header('a:b'))).toBe('a:b');
    expect(basicCredentials('Basic %%%')).toBeUndefined();
    expect(basicCredentials('Digest abc')).toBeUndefined();
    expect(basicCredentials(undefined)).toBeUndefined();
  });
});
