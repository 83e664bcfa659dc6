import { isAfter, type LogPosition, type NormalizedFilter } from '../../deliveries/delivery-filter.js';
import {
  type EntryChange,
  type LogStore,
  MAX_ATTEMPTS_KEPT,
  matchesFilter,
  type RepeatResult,
  type StoredEntry,
  type StoredPage,
} from '../../deliveries/log-store.js';
import { DEFAULT_ACADEMY } from '../../shared/academy.js';
import { RECEIVED, REMOVE_EXPIRED, REPEATED, UPDATE } from './redis-log-scripts.js';

/** The few ioredis commands the log uses (a `Redis` or a `Cluster`). */
interface LogRedisClient {
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  zcard(key: string): Promise<number>;
  smembers(key: string): Promise<string[]>;
  sadd(key: string, member: string): Promise<number>;
  zrangebyscore(key: string, min: string | number, max: string | number): Promise<string[]>;
  zrevrangebyscore(
    key: string,
    max: string | number,
    min: string | number,
    withScores: 'WITHSCORES',
    limit: 'LIMIT',
    offset: number,
    count: number,
  ): Promise<string[]>;
  hget(key: string, field: string): Promise<string | null>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  pipeline(): {
    hget(key: string, field: string): unknown;
    zcard(key: string): unknown;
    zrange(key: string, start: number, stop: number): unknown;
    exec(): Promise<[Error | null, unknown][] | null>;
  };
}

type Scripts = Record<
  (typeof COMMANDS)[keyof typeof COMMANDS],
  (key: string, ...args: (string | number)[]) => Promise<number>
>;

const COMMANDS = {
  received: 'acadleLogReceived',
  repeated: 'acadleLogRepeated',
  update: 'acadleLogUpdate',
  removeExpired: 'acadleLogRemoveExpired',
} as const;
const LUA = { received: RECEIVED, repeated: REPEATED, update: UPDATE, removeExpired: REMOVE_EXPIRED };

/** Entries read per round trip while searching. */
const CHUNK = 200;
/** The most entries one page reads: a filter no index serves well answers a short page (and a cursor) in bounded time. */
const SCAN_BUDGET = 4000;

const arrayOf = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/** An entry read back: Lua's JSON writes an empty list as `{}`. */
function entryFrom(json: string, body: string): StoredEntry {
  const entry = JSON.parse(json) as StoredEntry;
  return { ...entry, attempts: arrayOf(entry.attempts), replays: arrayOf(entry.replays), body };
}

/** Everything but the body, as the `e` field holds it. */
function withoutBody(entry: StoredEntry): string {
  const { body: _body, ...rest } = entry;
  return JSON.stringify(rest);
}

/**
 * The delivery log of a `BullMQQueue` on Redis, beside the queue's own keys: hashes for the entries,
 * sorted sets by received time for the search (see redis-log-scripts.ts).
 */
export class RedisLogStore implements LogStore {
  readonly #client: () => Promise<LogRedisClient>;
  readonly #base: string;

  /** `client` resolves to the queue's (or worker's) ioredis connection; `base` is `<prefix>:<queue>:log`. */
  constructor(client: () => Promise<unknown>, base: string) {
    this.#client = async () => {
      const redis = (await client()) as LogRedisClient & Partial<Scripts>;
      if (typeof redis.acadleLogUpdate !== 'function')
        for (const [name, command] of Object.entries(COMMANDS))
          redis.defineCommand(command, { numberOfKeys: 1, lua: LUA[name as keyof typeof LUA] });
      return redis;
    };
    this.#base = base;
  }

  async #run(name: keyof typeof COMMANDS, id: string, ...args: (string | number)[]): Promise<number> {
    const redis = (await this.#client()) as unknown as Scripts;
    return redis[COMMANDS[name]](`${this.#base}:i:all`, this.#base, id, ...args);
  }

  async received(entry: StoredEntry): Promise<void> {
    await this.#run('received', entry.key, withoutBody(entry), entry.body);
  }

  async repeated(id: string, body: string): Promise<RepeatResult> {
    const result = await this.#run('repeated', id, body);
    return result === 2 ? 'conflict' : result === 1 ? 'same' : 'missing';
  }

  async update(id: string, change: EntryChange): Promise<boolean> {
    return (await this.#run('update', id, JSON.stringify(change), MAX_ATTEMPTS_KEPT)) === 1;
  }

  async removeExpired(nowMs: number, limit: number): Promise<number> {
    return this.#run('removeExpired', '', nowMs, limit);
  }

  async noteAcademy(academy: string): Promise<void> {
    if (academy !== DEFAULT_ACADEMY) await (await this.#client()).sadd(`${this.#base}:academies`, academy);
  }

  async academies(): Promise<string[]> {
    const names = await (await this.#client()).smembers(`${this.#base}:academies`);
    return names.filter((name) => name !== DEFAULT_ACADEMY).sort();
  }

  async get(id: string): Promise<StoredEntry | undefined> {
    const redis = await this.#client();
    const [json, body] = await redis.hmget(`${this.#base}:d:${id}`, 'e', 'b');
    return json ? entryFrom(json, body ?? '') : undefined;
  }

  /** The smallest index among those the filter names (all deliveries when it names none). */
  async #indexFor(filter: NormalizedFilter): Promise<string> {
    const base = `${this.#base}:i:`;
    const candidates = [
      filter.email !== undefined && `${base}email:${filter.email}`,
      filter.userId !== undefined && `${base}user:${filter.userId}`,
      filter.courseId !== undefined && `${base}course:${filter.courseId}`,
      filter.academy !== undefined && `${base}academy:${filter.academy}`,
      filter.type !== undefined && `${base}type:${filter.type}`,
      filter.status !== undefined && `${base}status:${filter.status}`,
    ].filter((key): key is string => key !== false);
    if (candidates.length === 0) return `${base}all`;
    if (candidates.length === 1) return candidates[0] as string;
    const pipeline = (await this.#client()).pipeline();
    for (const key of candidates) pipeline.zcard(key);
    const sizes = ((await pipeline.exec()) ?? []).map(([, size]) => Number(size));
    return candidates[sizes.indexOf(Math.min(...sizes))] as string;
  }

  async #entries(ids: readonly string[]): Promise<(StoredEntry | undefined)[]> {
    if (ids.length === 0) return [];
    const pipeline = (await this.#client()).pipeline();
    for (const id of ids) pipeline.hget(`${this.#base}:d:${id}`, 'e');
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, json]) => {
      if (error) throw error;
      return typeof json === 'string' ? entryFrom(json, '') : undefined;
    });
  }

  async find(filter: NormalizedFilter, limit: number, after: LogPosition | undefined): Promise<StoredPage> {
    if (filter.ids !== undefined) return this.#findByIds(filter, limit, after);
    const redis = await this.#client();
    const index = await this.#indexFor(filter);
    const now = Date.now();
    const min = filter.sinceMs ?? '-inf';
    let max: string | number = filter.untilMs ?? '+inf';
    const found: StoredEntry[] = [];
    let scanned = 0;
    let last: LogPosition | undefined;
    // Members as old as the cursor, below its id (sorted sets order equal scores by member).
    let chunk: [string, number][] = [];
    if (after !== undefined && (typeof max === 'string' || after.receivedAtMs <= max)) {
      const ties = await redis.zrangebyscore(index, after.receivedAtMs, after.receivedAtMs);
      chunk = ties
        .filter((key) => key < after.key)
        .reverse()
        .map((id): [string, number] => [id, after.receivedAtMs]);
      max = `(${after.receivedAtMs}`;
    }
    let exhausted = false;
    for (;;) {
      if (chunk.length === 0) {
        if (exhausted) return { entries: found, next: undefined };
        if (scanned >= SCAN_BUDGET) return { entries: found, next: last };
        const reply = await redis.zrevrangebyscore(index, max, min, 'WITHSCORES', 'LIMIT', 0, CHUNK);
        if (reply.length === 0) return { entries: found, next: undefined };
        for (let index = 0; index < reply.length; index += 2)
          chunk.push([reply[index] as string, Number(reply[index + 1])]);
        const lastScore = (chunk.at(-1) as [string, number])[1];
        if (reply.length / 2 === CHUNK) {
          // A full chunk may have cut the members of its last score: read them all, then go below it.
          chunk = chunk.filter(([, score]) => score !== lastScore);
          const ties = (await redis.zrangebyscore(index, lastScore, lastScore)).reverse();
          chunk.push(...ties.map((id): [string, number] => [id, lastScore]));
        } else {
          exhausted = true;
        }
        max = `(${lastScore}`;
      }
      const entries = await this.#entries(chunk.map(([id]) => id));
      for (let position = 0; position < chunk.length; position += 1) {
        const [id, receivedAtMs] = chunk[position] as [string, number];
        const entry = entries[position];
        scanned += 1;
        if (entry === undefined || (entry.expiresAtMs !== null && entry.expiresAtMs <= now)) continue;
        if (!matchesFilter(entry, filter)) continue;
        // One match past the page: there is a next page, starting after the page's last entry.
        if (found.length === limit) return { entries: found, next: last };
        found.push(entry);
        last = { receivedAtMs, key: id };
      }
      // The page's last position: past every entry read, matching or not.
      const [lastId, lastAt] = chunk.at(-1) as [string, number];
      if (found.length < limit) last = { receivedAtMs: lastAt, key: lastId };
      chunk = [];
    }
  }

  /** The entries of these event ids, in every academy (an index per id lists their keys). */
  async #findByIds(filter: NormalizedFilter, limit: number, after: LogPosition | undefined): Promise<StoredPage> {
    const pipeline = (await this.#client()).pipeline();
    for (const id of new Set(filter.ids)) pipeline.zrange(`${this.#base}:i:id:${id}`, 0, -1);
    const keys = ((await pipeline.exec()) ?? []).flatMap(([error, found]) => {
      if (error) throw error;
      return found as string[];
    });
    const entries = (await this.#entries(keys))
      .filter((entry): entry is StoredEntry => entry !== undefined && matchesFilter(entry, filter))
      .filter((entry) => isAfter(entry, after))
      .sort((a, b) => b.receivedAtMs - a.receivedAtMs || (a.key < b.key ? 1 : -1));
    const page = entries.slice(0, limit);
    const last = page.at(-1);
    return {
      entries: page,
      next: entries.length > limit && last ? { receivedAtMs: last.receivedAtMs, key: last.key } : undefined,
    };
  }
}
