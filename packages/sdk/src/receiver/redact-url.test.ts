import { tokenOf } from './create-authenticator.js';
import { redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['/webhooks/acadle/s3cr3t', '/webhooks/acadle/[redacted]'],
    ['/webhooks/acadle/s3cr3t?x=1', '/webhooks/acadle/[redacted]?x=1'],
    ['/s3cr3t', '/[redacted]'],
    ['/?token=s3cr3t', '/?token=[redacted]'],
    ['/webhooks/acadle?a=1&token=s3cr3t&b=2', '/webhooks/[redacted]?a=1&token=[redacted]&b=2'],
    // A trailing slash may follow a token: the segment before it is redacted too.
    ['/webhooks/acadle/?a=1&token=s3cr3t&b=2', '/webhooks/[redacted]/?a=1&token=[redacted]&b=2'],
    ['/?TOKEN=s3cr3t#frag', '/?TOKEN=[redacted]#frag'],
    ['/webhooks/acadle/s3cr3t/', '/webhooks/acadle/[redacted]/'],
    ['/webhooks/acadle/s3cr3t//?x=1', '/webhooks/acadle/[redacted]//?x=1'],
  ])('turns %s into %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

describe('tokenOf', () => {
  it.each([
    ['/abc', 'abc'],
    ['/webhooks/acadle/abc', 'abc'],
    ['/webhooks/acadle/abc/', 'abc'],
    ['/abc//', 'abc'],
    ['/?token=abc', 'abc'],
    ['/xyz?token=abc', 'abc'],
    ['/', undefined],
    ['', undefined],
    ['/a%2Db', 'a-b'],
    ['/%E0%A4%A', '%E0%A4%A'],
  ])('reads the token of %j as %j', (url, token) => {
    expect(tokenOf(url)).toBe(token);
  });
});
