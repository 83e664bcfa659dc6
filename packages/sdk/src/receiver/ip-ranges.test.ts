import { BlockList, isIP } from 'node:net';
import fc from 'fast-check';
import { IpRanges } from './ip-ranges.js';

const includes = (entries: string[], address: string | undefined) =>
  new IpRanges(entries, 'allowedIps').includes(address);

describe('IpRanges', () => {
  it.each<[string, string, boolean]>([
    ['203.0.113.7', '203.0.113.7', true],
    ['203.0.113.7', '203.0.113.8', false],
    ['203.0.113.0/24', '203.0.113.255', true],
    ['203.0.113.0/24', '203.0.114.0', false],
    ['203.0.113.77/24', '203.0.113.1', true], // host bits in the network are ignored, as BlockList did
    ['10.0.0.0/9', '10.127.255.255', true],
    ['10.0.0.0/9', '10.128.0.0', false],
    ['0.0.0.0/0', '198.51.100.1', true],
    ['203.0.113.7/32', '203.0.113.7', true],
    ['203.0.113.7/32', '203.0.113.6', false],
    ['2001:db8::/32', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db8::/32', '2001:db9::', false],
    ['2001:db8::/33', '2001:0db8:7fff::1', true],
    ['2001:db8::/33', '2001:db8:8000::1', false],
    ['::/0', '2001:db8::1', true],
    ['::1', '0:0:0:0:0:0:0:1', true],
    ['::1/128', '::2', false],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0', true],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8', true],
    ['2001:DB8::A', '2001:db8::a', true],
    ['fe80::/10', 'fe80::1%eth0', true],
    ['fe80::1%eth0/64', 'fe80::2', true],
  ])('"%s" includes "%s": %s', (entry, address, expected) => {
    expect(includes([entry], address)).toBe(expected);
  });

  describe('IPv4-mapped IPv6 addresses, compared as the IPv4 address they carry', () => {
    it.each<[string, string, boolean]>([
      ['203.0.113.0/24', '::ffff:203.0.113.7', true],
      ['203.0.113.0/24', '::FFFF:203.0.113.7', true],
      ['203.0.113.0/24', '::ffff:cb00:7107', true],
      ['203.0.113.0/24', '0:0:0:0:0:ffff:203.0.113.7', true],
      ['203.0.113.0/24', '::ffff:203.0.114.7', false],
      ['203.0.113.0/24', '::203.0.113.7', false], // IPv4-compatible, not mapped
      ['203.0.113.0/24', '64:ff9b::203.0.113.7', false],
      ['::ffff:203.0.113.0/120', '203.0.113.7', true],
      ['::ffff:0:0/96', '198.51.100.1', true],
      ['::/0', '198.51.100.1', true],
      ['0.0.0.0/0', '::ffff:198.51.100.1', true],
      ['0.0.0.0/0', '::1', false],
      ['0.0.0.0/0', '2001:db8::1', false],
      ['2001:db8::/32', '203.0.113.7', false],
    ])('"%s" includes "%s": %s', (entry, address, expected) => {
      expect(includes([entry], address)).toBe(expected);
    });
  });

  it('includes an address in any of its entries, and none in an empty list', () => {
    expect(includes(['10.0.0.0/8', '2001:db8::/32'], '2001:db8::1')).toBe(true);
    expect(includes(['10.0.0.0/8', '2001:db8::/32'], '10.9.9.9')).toBe(true);
    expect(includes(['10.0.0.0/8', '2001:db8::/32'], '11.0.0.1')).toBe(false);
    expect(includes([], '10.0.0.1')).toBe(false);
  });

  it.each([
    undefined,
    '',
    'localhost',
    '203.0.113.7:443',
    '[::1]',
    ' 203.0.113.7',
    '203.0.113.07',
    '203.0.113',
    '203.0.113.7/32',
    '1::2::3',
    'fe80::1%',
  ])('includes nothing that is not an address: %p', (address) => {
    expect(includes(['0.0.0.0/0', '::/0'], address)).toBe(false);
  });

  describe('entries that are not addresses or ranges', () => {
    it.each([
      'not-an-ip',
      '',
      '/24',
      '256.0.0.1',
      '203.0.113',
      '203.0.113.7.1',
      '01.2.3.4',
      '0x1.2.3.4',
      ' 203.0.113.7',
      '203.0.113.7 ',
      '1::2::3',
      '1:::2',
      ':1::',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4::5:6:7:8',
      '12345::',
      'g::1',
      '[::1]',
      '1.2.3.4::',
      '::1.2.3.4:5',
      '::ffff:01.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4',
      'fe80::1%',
      '1.2.3.4%eth0',
    ])('throws for "%s", naming the option and the entry', (entry) => {
      expect(() => new IpRanges(['10.0.0.0/8', entry], 'trustedProxies')).toThrow(
        new TypeError(`trustedProxies: "${entry}" is not an IP address or CIDR range`),
      );
    });

    it.each([
      '203.0.113.0/33',
      '203.0.113.0/-1',
      '203.0.113.0/',
      '203.0.113.0/ 24',
      '203.0.113.0/24.0',
      '203.0.113.0/0x10',
      '203.0.113.0/24/8',
      '2001:db8::/129',
      '2001:db8::/1e2',
    ])('throws for "%s", saying its prefix length is invalid', (entry) => {
      expect(() => new IpRanges([entry], 'allowedIps')).toThrow(
        new TypeError(`allowedIps: "${entry}" has an invalid prefix length`),
      );
    });

    it.each([
      '0.0.0.0/0',
      '255.255.255.255/32',
      '::/0',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128',
      '::ffff:1.2.3.4/128',
    ])('accepts the prefixes 0 and the family maximum: "%s"', (entry) => {
      expect(() => new IpRanges([entry], 'allowedIps')).not.toThrow();
    });
  });

  // Node.js's `isIP` and `BlockList` are what this replaces (they are not on every runtime): on Node
  // they serve as the reference.
  describe('agrees with Node.js’s isIP and BlockList', () => {
    const accepts = (address: string) => {
      try {
        new IpRanges([address], 'allowedIps');
        return true;
      } catch {
        return false;
      }
    };

    it('on which strings are addresses', () => {
      const alphabet = fc.constantFrom(...'0123456789abcdefABCDEF:.%/ thx'.split(''));
      const mutated = fc
        .tuple(fc.ipV6(), fc.nat(40), fc.constantFrom('', ':', '.', '::', '0', '00000', '%eth0', '1.2.3.4', '256'))
        .map(([address, at, insert]) => address.slice(0, at) + insert + address.slice(at));
      const candidate = fc.oneof(
        fc.ipV4(),
        fc.ipV4Extended(),
        fc.ipV6(),
        fc.ipV6().map((address) => `${address}%eth0`),
        mutated,
        fc.string({ unit: alphabet, maxLength: 45 }),
      );
      fc.assert(
        fc.property(candidate, (address) => {
          fc.pre(!address.includes('/'));
          expect(accepts(address)).toBe(isIP(address) !== 0);
        }),
        { numRuns: 5000 },
      );
    });

    const hex = (bytes: Uint8Array) =>
      Array.from({ length: 8 }, (_, group) =>
        (((bytes[2 * group] ?? 0) << 8) | (bytes[2 * group + 1] ?? 0)).toString(16),
      );
    // The WHATWG URL parser writes an IPv6 address in its shortest form (`::` for the longest run of zeros).
    const formatIpv6 = (bytes: Uint8Array, compressed: boolean) =>
      compressed ? new URL(`http://[${hex(bytes).join(':')}]`).hostname.slice(1, -1) : hex(bytes).join(':');
    const family = (address: string) => (isIP(address) === 4 ? 'ipv4' : 'ipv6');

    /** An address, and a network that differs from it in one bit (or none), written in various forms. */
    const pair = fc.oneof(
      fc
        .record({
          bytes: fc.uint8Array({ minLength: 4, maxLength: 4 }),
          flip: fc.option(fc.nat(31)),
          prefix: fc.nat(32),
          form: fc.constantFrom('dotted', 'mapped dotted', 'mapped hex'),
        })
        .map(({ bytes, flip, prefix, form }) => {
          const network = Uint8Array.from(bytes);
          if (flip !== null) network[flip >> 3] = (network[flip >> 3] ?? 0) ^ (0x80 >> (flip & 7));
          const mappedBytes = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...bytes]);
          const address =
            form === 'dotted'
              ? bytes.join('.')
              : form === 'mapped dotted'
                ? `::ffff:${bytes.join('.')}`
                : formatIpv6(mappedBytes, true);
          return { entry: `${network.join('.')}/${prefix}`, address, inside: flip === null || flip >= prefix };
        }),
      fc
        .record({
          bytes: fc.uint8Array({ minLength: 16, maxLength: 16 }),
          mapped: fc.boolean(),
          zeros: fc.nat(16),
          flip: fc.option(fc.nat(127)),
          prefix: fc.nat(128),
          compressed: fc.tuple(fc.boolean(), fc.boolean()),
        })
        .map(({ bytes, mapped, zeros, flip, prefix, compressed }) => {
          const address = Uint8Array.from(bytes);
          address.fill(0, 0, zeros); // runs of zero groups, for `::`
          if (mapped) address.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
          const network = Uint8Array.from(address);
          if (flip !== null) network[flip >> 3] = (network[flip >> 3] ?? 0) ^ (0x80 >> (flip & 7));
          return {
            entry: `${formatIpv6(network, compressed[0])}/${prefix}`,
            address: mapped && compressed[1] ? address.slice(12).join('.') : formatIpv6(address, compressed[1]),
            inside: flip === null || flip >= prefix,
          };
        }),
    );

    it('on which addresses a range includes', () => {
      fc.assert(
        fc.property(pair, ({ entry, address, inside }) => {
          const [network = '', prefix] = entry.split('/');
          const blockList = new BlockList();
          blockList.addSubnet(network, Number(prefix), family(network));
          const included = new IpRanges([entry], 'allowedIps').includes(address);
          expect(included).toBe(blockList.check(address, family(address)));
          expect(included).toBe(inside);
        }),
        { numRuns: 5000 },
      );
    });
  });
});
