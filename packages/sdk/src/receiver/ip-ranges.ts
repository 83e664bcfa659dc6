const IPV4_PART = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
const IPV6_GROUP = /^[0-9A-Fa-f]{1,4}$/;
// The characters Node.js's `isIP` accepts in an IPv6 zone (`fe80::1%eth0`); the zone is ignored.
const ZONE = /^[0-9A-Za-z.:-]+$/;
const PREFIX = /^\d{1,3}$/;

interface Range {
  /** The network, as 16 bytes (an IPv4 network is stored IPv4-mapped, `::ffff:a.b.c.d`). */
  network: Uint8Array;
  /** The prefix length, 0 to 128 (an IPv4 prefix plus 96). */
  bits: number;
}

/** The bytes of a dotted-quad IPv4 address (no leading zeros, as Node.js's `isIP`), or `undefined`. */
function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => IPV4_PART.test(part))) return undefined;
  return parts.map(Number);
}

/** The 16-bit groups of one side of a `::`, an IPv4 tail counting as two; `undefined` if malformed. */
function parseGroups(text: string, ipv4TailAllowed: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (IPV6_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
      continue;
    }
    const ipv4 = ipv4TailAllowed && index === parts.length - 1 ? parseIpv4(part) : undefined;
    if (ipv4 === undefined) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = ipv4;
    groups.push((a << 8) | b, (c << 8) | d);
  }
  return groups;
}

/** The 16 bytes of an IPv6 address (`::` compression, an IPv4 tail and a zone accepted), or `undefined`. */
function parseIpv6(text: string): Uint8Array | undefined {
  const zoneStart = text.indexOf('%');
  if (zoneStart !== -1 && !ZONE.test(text.slice(zoneStart + 1))) return undefined;
  const halves = (zoneStart === -1 ? text : text.slice(0, zoneStart)).split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  // Without `::` there must be eight groups; with it, at most seven (`::` stands for one or more).
  const count = head.length + tail.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  for (const [index, group] of groups.entries()) {
    bytes[2 * index] = group >> 8;
    bytes[2 * index + 1] = group & 0xff;
  }
  return bytes;
}

/** An address as 16 bytes (IPv4 mapped to `::ffff:a.b.c.d`) with its family's prefix length, or `undefined`. */
function parseAddress(text: string): { bytes: Uint8Array; maxBits: number } | undefined {
  if (!text.includes(':')) {
    const ipv4 = parseIpv4(text);
    return ipv4 && { bytes: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ipv4]), maxBits: 32 };
  }
  const bytes = parseIpv6(text);
  return bytes && { bytes, maxBits: 128 };
}

function inRange(address: Uint8Array, { network, bits }: Range): boolean {
  const whole = bits >> 3;
  for (let index = 0; index < whole; index += 1) if (address[index] !== network[index]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (((address[whole] ?? 0) ^ (network[whole] ?? 0)) & mask) === 0;
}

/**
 * A list of IPv4 and IPv6 addresses and CIDR ranges, as Node.js's `BlockList` checked them: IPv4
 * is compared as IPv4-mapped IPv6, so `::ffff:203.0.113.7` is in `203.0.113.0/24` and the other way
 * round. Written here rather than taken from `node:net`, which Bun, Deno and workerd lack or limit.
 */
export class IpRanges {
  readonly #ranges: Range[];

  /** Parses `entries`; throws a `TypeError` naming `option` and the first entry that is not an address or range. */
  constructor(entries: readonly string[], option: string) {
    this.#ranges = entries.map((entry) => {
      const text = String(entry);
      const slash = text.indexOf('/');
      const parsed = parseAddress(slash === -1 ? text : text.slice(0, slash));
      if (parsed === undefined) throw new TypeError(`${option}: "${text}" is not an IP address or CIDR range`);
      const prefix = slash === -1 ? String(parsed.maxBits) : text.slice(slash + 1);
      const bits = Number(prefix);
      if (!PREFIX.test(prefix) || bits > parsed.maxBits) {
        throw new TypeError(`${option}: "${text}" has an invalid prefix length`);
      }
      return { network: parsed.bytes, bits: parsed.maxBits === 32 ? 96 + bits : bits };
    });
  }

  /** Whether `address` (IPv4 or IPv6) is in one of the ranges; `false` for anything that is not an address. */
  includes(address: string | undefined): boolean {
    const parsed = address === undefined ? undefined : parseAddress(address);
    return parsed !== undefined && this.#ranges.some((range) => inRange(parsed.bytes, range));
  }
}
