// Fills a store with processed deliveries directly, not over HTTP (a million takes seconds, not
// minutes): copies of one real processed job, each with an id and a dedupe key of its own, as BullMQ
// keeps them within the retention window. For the history benchmark (history.bench.ts).
import { Redis } from 'ioredis';
import pg from 'pg';

const BATCH = 10_000;

/** Copies the processed job `templateId` of `queueName` `count` times on Redis (job hash, completed set, dedupe key). */
export async function fillRedis(url: string, queueName: string, templateId: string, count: number): Promise<void> {
  const client = new Redis(url);
  try {
    const prefix = `bull:${queueName}`;
    const template = await client.hgetall(`${prefix}:${templateId}`);
    if (template.finishedOn === undefined) throw new Error(`job ${templateId} is not processed`);
    const ttlMs = 7 * 86_400_000;
    for (let start = 0; start < count; start += BATCH) {
      const pipeline = client.pipeline();
      for (let index = start; index < Math.min(count, start + BATCH); index += 1) {
        const id = `fill-${index}`;
        const dedupeId = `fill-event-${index}`;
        pipeline.hset(`${prefix}:${id}`, { ...template, deid: dedupeId });
        pipeline.zadd(`${prefix}:completed`, Number(template.finishedOn), id);
        pipeline.set(`${prefix}:de:${dedupeId}`, id, 'PX', ttlMs);
      }
      await pipeline.exec();
    }
  } finally {
    client.disconnect();
  }
}

/** Copies the processed job `templateId` of `queueName` `count` times on PostgreSQL (job rows, dedupe rows). */
export async function fillPostgres(
  connection: pg.ClientConfig,
  queueName: string,
  templateId: string,
  count: number,
): Promise<void> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'bullmq' AND table_name = 'job' ORDER BY ordinal_position",
    );
    const columns = rows.map((row) => String(row.column_name));
    const replaced: Record<string, string> = {
      id: "'fill-' || g",
      seq: "nextval('bullmq.job_seq')",
      dedup_id: "'fill-event-' || g",
    };
    const select = columns.map((column) => replaced[column] ?? `j.${column}`).join(', ');
    for (let start = 0; start < count; start += BATCH * 10) {
      const end = Math.min(count, start + BATCH * 10) - 1;
      await client.query(
        `INSERT INTO bullmq.job (${columns.join(', ')})
         SELECT ${select} FROM bullmq.job j, generate_series($3::int, $4::int) g WHERE j.queue = $1 AND j.id = $2`,
        [queueName, templateId, start, end],
      );
      await client.query(
        `INSERT INTO bullmq.dedup (queue, dedup_id, job_id, expire_at_ms)
         SELECT $1, 'fill-event-' || g, 'fill-' || g, $2::bigint FROM generate_series($3::int, $4::int) g`,
        [queueName, Date.now() + 7 * 86_400_000, start, end],
      );
    }
    await client.query('ANALYZE bullmq.job');
    await client.query('ANALYZE bullmq.dedup');
  } finally {
    await client.end();
  }
}
