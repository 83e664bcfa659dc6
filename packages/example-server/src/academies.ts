import { readFileSync } from 'node:fs';
import { z } from 'zod';

// The academies the endpoint accepts: WEBHOOK_TOKENS entries, or ACADEMIES_FILE for many (with
// Basic credentials, addresses and a processing rate of their own). Both are checked the same way, and a
// problem is named by position and academy, never by a token.

export const TOKEN = /^[A-Za-z0-9._~-]{16,256}$/;
export const ACADEMY = /^[a-z0-9-]{1,64}$/;

const NAME_RULE = '1 to 64 characters from a-z, 0-9 and -';
const TOKEN_RULE = '16 to 256 URL-safe characters (A-Z a-z 0-9 . _ ~ -)';

/** An academy: its tokens (several: a rotation), and from ACADEMIES_FILE its other settings. */
export interface AcademyTokens {
  name: string;
  tokens: string[];
  /** HTTP Basic credentials its deliveries must carry as well. */
  basic?: { username: string; password: string };
  /** Addresses or CIDR ranges its deliveries may come from (the connection's address). */
  allowedIps?: string[];
  /** The most of its deliveries processed a second, across all workers (a downstream it would flood). */
  maxPerSecond?: number;
}

/** A token may belong to one academy only: the token is what says which academy delivered. */
function sharedTokenOwner(academies: AcademyTokens[], academy: AcademyTokens, token: string): string | undefined {
  return academies.find((other) => other.name !== academy.name && other.tokens.includes(token))?.name;
}

/** `WEBHOOK_TOKENS` entries (`token`, the academy `default`, or `academy=token`), grouped by academy in their order. */
export function academiesFromEntries(entries: string[]): { academies: AcademyTokens[] } | { problem: string } {
  const academies: AcademyTokens[] = [];
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf('=');
    const name = separator === -1 ? 'default' : entry.slice(0, separator);
    const token = separator === -1 ? entry : entry.slice(separator + 1);
    const academy = academies.find((known) => known.name === name) ?? { name, tokens: [] };
    const owner = sharedTokenOwner(academies, academy, token);
    const problem = !ACADEMY.test(name)
      ? `its academy must be ${NAME_RULE}`
      : !TOKEN.test(token)
        ? `its token must be ${TOKEN_RULE}`
        : owner !== undefined
          ? `its token is also a token of ${owner}; each academy needs its own`
          : undefined;
    if (problem !== undefined) return { problem: `entry ${index + 1} (token or academy=token): ${problem}` };
    if (academy.tokens.length === 0) academies.push(academy);
    academy.tokens.push(token);
  }
  return { academies };
}

const fileEntry = z.strictObject({
  name: z.string().regex(ACADEMY, NAME_RULE),
  tokens: z.array(z.string().regex(TOKEN, TOKEN_RULE)).min(1, 'at least one'),
  basic: z
    .strictObject({ username: z.string().min(1), password: z.string().min(8, 'at least 8 characters') })
    .optional(),
  allowedIps: z.array(z.string().min(1)).min(1, 'at least one (leave it out to accept any)').optional(),
  maxPerSecond: z.number().positive('above 0').max(100_000, 'at most 100000').optional(),
});
const file = z.array(fileEntry).min(1, 'at least one academy');

/**
 * Reads `ACADEMIES_FILE`: a JSON array, one entry per academy (`name`, `tokens`, and optionally
 * `basic`, `allowedIps`, `maxPerSecond`). Throws an `Error` with one line naming the entry by
 * position and academy, and the field; a token's text never appears in it.
 */
export function readAcademiesFile(path: string): AcademyTokens[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error, which may be a token.
    throw new Error(`${path} is not JSON`);
  }
  const parsed = file.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const [index, ...field] = issue.path;
    const entry = typeof index === 'number' ? entryName(index, json) : 'the file';
    const where = field.length > 0 ? `${field.map(String).join('.')}: ` : '';
    throw new Error(`${entry}: ${where}${safeMessage(issue)}`);
  }
  const academies = parsed.data as AcademyTokens[];
  for (const [index, academy] of academies.entries()) {
    if (academies.findIndex((other) => other.name === academy.name) !== index) {
      throw new Error(`entry ${index + 1} (${academy.name}): a second entry for this academy; list its tokens in one`);
    }
    for (const token of academy.tokens) {
      const owner = sharedTokenOwner(academies.slice(0, index), academy, token);
      if (owner !== undefined) {
        throw new Error(
          `entry ${index + 1} (${academy.name}): a token is also a token of ${owner}; each academy needs its own`,
        );
      }
    }
  }
  return academies;
}

function entryName(index: number, json: unknown): string {
  const name = Array.isArray(json) ? (json[index] as { name?: unknown } | undefined)?.name : undefined;
  return typeof name === 'string' && ACADEMY.test(name) ? `entry ${index + 1} (${name})` : `entry ${index + 1}`;
}

/** Zod's message, unless it would quote the input (an unknown key is named; values are not). */
function safeMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.join(', ')}`;
  return issue.message;
}
