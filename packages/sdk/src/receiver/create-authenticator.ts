import { ACADEMY_NAME, DEFAULT_ACADEMY } from '../shared/academy.js';
import { type BasicCredentials, createBasicAuthCheck } from './basic-auth.js';
import { IpRanges } from './ip-ranges.js';
import { digestSecret, indexOfSecret } from './secrets.js';

/** One academy a receiver serves: its name, the tokens it delivers with, and its own checks. */
export interface AcademyOptions {
  /** 1 to 64 characters from `a-z`, `0-9` and `-`; labels its deliveries everywhere (logs, metrics, spans, the delivery log). */
  name: string;
  /** Its URL tokens (16 to 256 URL-safe characters each); several at once rotate a token without downtime. Never shared with another academy. */
  tokens: readonly string[];
  /** HTTP Basic credentials its deliveries must carry as well. */
  basic?: BasicCredentials;
  /** Addresses or CIDR ranges its deliveries may come from (after trusted proxies); all when unset. */
  allowedIps?: readonly string[];
}

/**
 * Who may deliver: the secret URL token(s), and optionally Basic credentials and source addresses.
 * Give `tokens` for one academy (named `default`), `academies` for several, or both.
 */
export interface AuthOptions {
  /** Tokens of the academy `default`; several at once let you rotate without downtime. At least 16 URL-safe characters each. */
  tokens?: readonly string[];
  /** HTTP Basic credentials the `tokens` deliveries must carry as well (Acadle can send them in the endpoint URL). */
  basic?: BasicCredentials;
  /** Academies, each with its own tokens (and optionally Basic credentials and addresses): the token says which academy delivered. */
  academies?: readonly AcademyOptions[];
}

/** Where requests may come from. */
export interface NetworkOptions {
  /** Addresses or CIDR ranges (`203.0.113.0/24`, `2001:db8::/32`) allowed to deliver; all when unset. */
  allowedIps?: readonly string[];
  /** Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is believed; none when unset. */
  trustedProxies?: readonly string[];
}

/** Why a request was refused. */
export type AuthFailure = 'unauthorized' | 'forbidden';

/** What the check found: the academy that delivered, or why the request is refused. */
export type AuthResult = { academy: string; failure?: undefined } | { failure: AuthFailure; academy?: undefined };

/** An academy as the check holds it. */
interface Academy {
  name: string;
  basic: ((authorization: string | undefined) => boolean) | undefined;
  allowed: IpRanges | undefined;
}

interface RequestFacts {
  url: string;
  authorization: string | undefined;
  forwardedFor: string | undefined;
  remoteAddress: string | undefined;
}

const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,256}$/;

/** The token of a request: the `token` query parameter, else the last path segment (a trailing slash ignored). */
export function tokenOf(url: string): string | undefined {
  const queryStart = url.indexOf('?');
  if (queryStart !== -1) {
    const fromQuery = new URLSearchParams(url.slice(queryStart + 1)).get('token');
    if (fromQuery !== null) return fromQuery;
  }
  // A trailing slash, as a pasted URL often has, is not part of the token.
  const path = (queryStart === -1 ? url : url.slice(0, queryStart)).replace(/\/+$/, '');
  const segment = path.slice(path.lastIndexOf('/') + 1);
  if (segment === '') return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape cannot match a URL-safe token anyway
  }
}

/** The academies of `auth`, validated, each token's digest beside the academy it belongs to. */
function academiesOf(auth: AuthOptions): { academies: Academy[]; digests: Uint8Array[]; owners: number[] } {
  // Each with where it was configured, to name it by position in errors (never by token: a message may reach a log).
  const configured: [string, AcademyOptions][] = [];
  if (auth.tokens !== undefined) {
    if (!Array.isArray(auth.tokens)) throw new TypeError('auth.tokens: expected a list of tokens');
    configured.push([
      'auth',
      { name: DEFAULT_ACADEMY, tokens: auth.tokens, ...(auth.basic ? { basic: auth.basic } : {}) },
    ]);
  }
  if (auth.academies !== undefined) {
    if (!Array.isArray(auth.academies)) throw new TypeError('auth.academies: expected a list of academies');
    for (const [index, academy] of auth.academies.entries()) configured.push([`auth.academies[${index}]`, academy]);
  }
  if (!configured.some(([, academy]) => Array.isArray(academy?.tokens) && academy.tokens.length > 0)) {
    throw new TypeError("auth.tokens: give at least one token, or auth: 'none' to accept unauthenticated deliveries");
  }
  const academies: Academy[] = [];
  const digests: Uint8Array[] = [];
  const owners: number[] = [];
  const seen = new Map<string, string>();
  for (const [where, options] of configured) {
    if (typeof options?.name !== 'string' || !ACADEMY_NAME.test(options.name)) {
      throw new TypeError(`${where}.name: 1 to 64 characters from a-z, 0-9 and -`);
    }
    if (academies.some((academy) => academy.name === options.name)) {
      throw new TypeError(`${where}.name: the academy ${options.name} is configured twice`);
    }
    if (!Array.isArray(options.tokens) || options.tokens.length === 0) {
      throw new TypeError(`${where}.tokens: give at least one token`);
    }
    for (const token of options.tokens) {
      if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) {
        throw new TypeError(`${where}.tokens: each token must be 16 to 256 URL-safe characters (A-Z a-z 0-9 . _ ~ -)`);
      }
      const owner = seen.get(token);
      if (owner !== undefined && owner !== options.name) {
        throw new TypeError(
          `${where}.tokens: a token of ${options.name} is also a token of ${owner}; each academy needs its own`,
        );
      }
      seen.set(token, options.name);
      digests.push(digestSecret(token));
      owners.push(academies.length);
    }
    academies.push({
      name: options.name,
      basic: options.basic ? createBasicAuthCheck(options.basic) : undefined,
      allowed: options.allowedIps ? new IpRanges(options.allowedIps, `${where}.allowedIps`) : undefined,
    });
  }
  return { academies, digests, owners };
}

/**
 * Builds the check a receiver runs on every request before reading its body. Validates the
 * options once, at creation, and throws a `TypeError` naming the bad one (by position, never by token).
 */
export function createAuthenticator(auth: AuthOptions | 'none', network: NetworkOptions = {}) {
  const { academies, digests, owners } =
    auth === 'none' ? { academies: [], digests: [], owners: [] } : academiesOf(auth);
  const allowed = network.allowedIps ? new IpRanges(network.allowedIps, 'allowedIps') : undefined;
  const proxies = network.trustedProxies ? new IpRanges(network.trustedProxies, 'trustedProxies') : undefined;

  /**
   * The academy whose token `candidate` is, or `undefined`. One compare per token, never stopping
   * early, so timing reveals neither match nor position; a missing candidate never matches.
   */
  function academyOfToken(candidate: string | undefined): Academy | undefined {
    const index = indexOfSecret(candidate, digests);
    return index === -1 ? undefined : academies[owners[index] as number];
  }

  function clientAddress(facts: RequestFacts): string | undefined {
    let address = facts.remoteAddress;
    if (proxies === undefined || facts.forwardedFor === undefined) return address;
    const hops = facts.forwardedFor.split(',');
    // Walk back from the nearest hop while it is a proxy we trust; the first other is the client.
    for (let index = hops.length - 1; index >= 0 && proxies.includes(address); index -= 1) {
      address = hops[index]?.trim();
    }
    return address;
  }

  return {
    /** Whether deliveries need no credentials at all. */
    open: auth === 'none',
    /** The client address used for the allow-list (after trusted proxies). */
    clientAddress,
    async check(facts: RequestFacts): Promise<AuthResult> {
      if (allowed !== undefined && !allowed.includes(clientAddress(facts))) return { failure: 'forbidden' };
      if (auth === 'none') return { academy: DEFAULT_ACADEMY };
      const academy = academyOfToken(tokenOf(facts.url));
      if (academy === undefined) return { failure: 'unauthorized' };
      if (academy.basic !== undefined && !academy.basic(facts.authorization)) return { failure: 'unauthorized' };
      if (academy.allowed !== undefined && !academy.allowed.includes(clientAddress(facts)))
        return { failure: 'forbidden' };
      return { academy: academy.name };
    },
  };
}
