// Issue 25's soak: constant load in rounds with a retention of seconds. Stored bytes stop growing
// (the last round at most 1.3x the second; the dedupe keys, kept for the 7-day dedupe window whatever
// the retention, are measured apart), nothing acknowledged is lost or processed twice, and a
// repeat of a delivery whose job was removed is still a duplicate. Loopback only; bounded rounds.
import { createEvent } from 'acadle-webhooks/testing';
import { runningEmbeddedDatabase } from 'acadle-webhooks-embedded-database/process';
import { startRedis, waitFor } from 'acadle-webhooks-test-harness';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { ServerProcess } from '../test/server-process.js';
import { acknowledgedIds, cleanupAfterEach, path, record, startSender, TOKEN } from './fault-harness.js';

jest.setTimeout(300_000);

const { cleanups, server } = cleanupAfterEach();

// Enough rounds for PostgreSQL's tables to reach the size autovacuum keeps them at (measured: from
// the 8th round of 800 on, with the embedded default's 5 s autovacuum naptime).
const ROUNDS = 12;
const PER_ROUND = 800;
const RETENTION_SECONDS = 2;
const RETENTION = `${RETENTION_SECONDS}s`;

/** What a store holds: the bytes retention bounds, and the dedupe keys apart (kept for the 7-day dedupe window). */
interface Stored {
  bytes: number;
  dedupeBytes: number;
}

/** BullMQ's tables (data, indexes, TOAST) in the embedded PostgreSQL of `dataDir`, the dedupe table apart. */
async function embeddedTables(dataDir: string): Promise<Stored> {
  const connection = runningEmbeddedDatabase(dataDir);
  if (!connection) throw new Error('the embedded PostgreSQL is not running');
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname <> 'dedup'), 0)::bigint AS bytes,
              COALESCE(SUM(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname = 'dedup'), 0)::bigint AS dedupe
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'bullmq' AND c.relkind = 'r'`,
    );
    return { bytes: Number(rows[0].bytes), dedupeBytes: Number(rows[0].dedupe) };
  } finally {
    await client.end();
  }
}

/** Redis `used_memory`, less what the dedupe keys take (`MEMORY USAGE` of each), which is reported apart. */
async function redisMemory(port: number): Promise<Stored> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  await client.connect();
  try {
    let dedupeBytes = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', 'bull:acadle-webhooks:de:*', 'COUNT', 1000);
      cursor = next;
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.memory('USAGE', key);
      for (const [, usage] of (await pipeline.exec()) ?? []) dedupeBytes += Number(usage);
    } while (cursor !== '0');
    const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
    return { bytes: used - dedupeBytes, dedupeBytes };
  } finally {
    client.disconnect();
  }
}

/** Sends `ROUNDS` rounds of unique deliveries, each processed before the next; stored bytes after each. */
async function soak(target: ServerProcess, stored: () => Promise<Stored>) {
  const bytes: Stored[] = [];
  const sent: string[][] = [];
  let acknowledged = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const bodies = Array.from({ length: PER_ROUND }, () => JSON.stringify(createEvent('user_course_completed')));
    const answers = await startSender(`${target.url}${path}`, { bodies, concurrency: 10, deadlineMs: 60_000 }).done;
    expect(answers.every((answer) => answer.status === 200 && answer.duplicate === false)).toBe(true);
    acknowledged += acknowledgedIds(answers).size;
    sent.push(bodies);
    await waitFor(
      `round ${round + 1} processed`,
      () => target.logs.filter((line) => line.msg === 'event processed').length >= acknowledged,
      60_000,
    );
    // Past the retention: the jobs of the round before become removable as this round's finish.
    await new Promise((resolve) => setTimeout(resolve, RETENTION_SECONDS * 1000 + 500));
    bytes.push(await stored());
  }
  const processedLines = target.logs.filter((line) => line.msg === 'event processed').map((line) => line.eventId);
  // Long removed by now: Acadle's late retries of the first round are still duplicates.
  const retries = await startSender(`${target.url}${path}`, {
    bodies: sent[0] as string[],
    concurrency: 10,
    deadlineMs: 60_000,
  }).done;
  return { bytes, acknowledged, processedLines, retries };
}

function check(scenario: string, outcome: Awaited<ReturnType<typeof soak>>) {
  const { bytes, acknowledged, processedLines, retries } = outcome;
  const unique = new Set(processedLines);
  record({
    scenario,
    sent: ROUNDS * PER_ROUND + retries.length,
    acknowledged,
    processed: unique.size,
    lost: acknowledged - unique.size,
    processedTwice: processedLines.length - unique.size,
    answered503: 0,
    recoverySeconds: null,
  });
  const dedupePerDelivery = Math.round((bytes[ROUNDS - 1] as Stored).dedupeBytes / (ROUNDS * PER_ROUND));
  console.log(
    `${scenario}: stored bytes after each round ${bytes.map((round) => round.bytes).join(', ')}; dedupe keys ${bytes.map((round) => round.dedupeBytes).join(', ')} (${dedupePerDelivery} bytes a delivery, for the dedupe window)`,
  );
  expect(unique.size).toBe(acknowledged);
  expect(processedLines.length).toBe(unique.size);
  expect(retries.every((answer) => answer.status === 200 && answer.duplicate === true)).toBe(true);
  expect((bytes[ROUNDS - 1] as Stored).bytes).toBeLessThanOrEqual((bytes[1] as Stored).bytes * 1.3);
  // The dedupe keys are not removed with the jobs: they must outlive them (the duplicates above).
  expect((bytes[ROUNDS - 1] as Stored).dedupeBytes).toBeGreaterThan((bytes[1] as Stored).dedupeBytes);
}

describe('retention soak', () => {
  it(`10a. embedded default, ${ROUNDS} rounds of ${PER_ROUND} with a ${RETENTION} retention: tables flat, none lost or twice, late repeats duplicates`, async () => {
    const target = await server({
      WEBHOOK_TOKENS: TOKEN,
      RETENTION_PROCESSED: RETENTION,
      RETENTION_DEAD_LETTERS: RETENTION,
    });
    check('10a. retention soak, embedded default', await soak(target, () => embeddedTables(target.dataDir)));
  });

  it(`10b. Redis, ${ROUNDS} rounds of ${PER_ROUND} with a ${RETENTION} retention: used_memory flat, none lost or twice, late repeats duplicates`, async () => {
    const store = await startRedis();
    cleanups.push(() => store.stop());
    const target = await server({
      REDIS_URL: store.url,
      WEBHOOK_TOKENS: TOKEN,
      RETENTION_PROCESSED: RETENTION,
      RETENTION_DEAD_LETTERS: RETENTION,
    });
    check('10b. retention soak, Redis', await soak(target, () => redisMemory(store.port)));
  });
});
