import { contentCodings } from './content-codings.js';

describe('contentCodings', () => {
  it('reads no header, an empty one and identity as nothing to decode', () => {
    expect(contentCodings(undefined)).toEqual([]);
    expect(contentCodings('')).toEqual([]);
    expect(contentCodings('identity')).toEqual([]);
    expect(contentCodings(' Identity , ')).toEqual([]);
  });

  it('reads x-gzip as gzip, whatever the case and spacing', () => {
    expect(contentCodings('x-gzip')).toEqual(['gzip']);
    expect(contentCodings(' GZip ')).toEqual(['gzip']);
    expect(contentCodings('DEFLATE')).toEqual(['deflate']);
    expect(contentCodings('br')).toEqual(['br']);
  });

  it('lists stacked codings in the order they are undone, the last applied first', () => {
    expect(contentCodings('deflate, br')).toEqual(['br', 'deflate']);
    expect(contentCodings('gzip, identity, gzip')).toEqual(['gzip', 'gzip']);
  });

  it.each(['compress', 'zstd', 'gzip, compress', '__proto__', 'constructor', 'gzip;q=1'])(
    'refuses %s with 415 unsupported_encoding',
    (header) => {
      expect(() => contentCodings(header)).toThrow(
        expect.objectContaining({ code: 'unsupported_encoding', status: 415 }),
      );
    },
  );

  it('refuses more than three codings, quoting the header cut short', () => {
    expect(() => contentCodings('gzip, gzip, gzip, gzip')).toThrow(
      expect.objectContaining({ code: 'unsupported_encoding', message: expect.stringMatching(/more than 3 codings/) }),
    );
    let message = '';
    try {
      contentCodings(`x${'y'.repeat(10_000)}`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(200);
  });
});
