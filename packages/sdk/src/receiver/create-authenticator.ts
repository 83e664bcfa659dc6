import { type BasicCredentials, createBasicAuthCheck } from './basic-auth.js';
import { IpRanges } from './ip-ranges.js';
import { digestSecret, matchesAnySecret } from './secrets.js';

/** Who may deliver: the secret URL token(s), and optionally Basic credentials and source addresses. */
export interface AuthOptions {
  /** Accepted tokens; several at once let you rotate without downtime. At least 16 URL-safe characters each. */
  tokens: readonly string[];
  /** HTTP Basic credentials to require as well (Acadle can send them in the endpoint URL). */
  basic?: BasicCredentials;
}

/** Where requests may come from. */
export interface NetworkOptions {
  /** Addresses or CIDR ranges (`203.0.113.0/24`, `2001:db8::/32`) allowed to deliver; all when unset. */
  allowedIps?: readonly string[];
  /** Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is believed; none when unset. */
  trustedProxies?: readonly string[];
}

/** Why a request was refused, or `undefined` when it may go on. */
export type AuthFailure = 'unauthorized' | 'forbidden' | undefined;

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

/**
 * Builds the check a receiver runs on every request before reading its body. Validates the
 * options once, at creation, and throws a `TypeError` naming the bad one.
 */
export function createAuthenticator(auth: AuthOptions | 'none', network: NetworkOptions = {}) {
  if (auth !== 'none') {
    if (!Array.isArray(auth.tokens) || auth.tokens.length === 0) {
      throw new TypeError("auth.tokens: give at least one token, or auth: 'none' to accept unauthenticated deliveries");
    }
    for (const token of auth.tokens) {
      if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) {
        throw new TypeError('auth.tokens: each token must be 16 to 256 URL-safe characters (A-Z a-z 0-9 . _ ~ -)');
      }
    }
  }
  const basic = auth !== 'none' && auth.basic ? createBasicAuthCheck(auth.basic) : undefined;
  const allowed = network.allowedIps ? new IpRanges(network.allowedIps, 'allowedIps') : undefined;
  const proxies = network.trustedProxies ? new IpRanges(network.trustedProxies, 'trustedProxies') : undefined;
  const tokens = auth === 'none' ? [] : auth.tokens.map(digestSecret);

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
    async check(facts: RequestFacts): Promise<AuthFailure> {
      if (allowed !== undefined && !allowed.includes(clientAddress(facts))) return 'forbidden';
      if (auth === 'none') return undefined;
      if (!matchesAnySecret(tokenOf(facts.url), tokens)) return 'unauthorized';
      if (basic !== undefined && !basic(facts.authorization)) return 'unauthorized';
      return undefined;
    },
  };
}
