import type { Logger } from 'acadle-webhooks';
import type { Queue } from 'bullmq';

/** Warns when Redis may evict stored deliveries under memory pressure (any `maxmemory-policy` but `noeviction`). */
export async function checkEvictionPolicy(queue: Queue, logger: Logger): Promise<void> {
  try {
    // Resolves once Redis is ready; BullMQ's client interface does not declare CONFIG, ioredis has it.
    const client = (await queue.backend.client) as unknown as { config(...args: string[]): Promise<unknown> };
    const [, policy] = (await client.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== undefined && policy !== 'noeviction') {
      logger.warn(
        { maxmemoryPolicy: policy },
        `Redis maxmemory-policy is "${policy}": under memory pressure Redis may evict stored deliveries. Set it to "noeviction".`,
      );
    }
  } catch {
    // Managed Redis services often forbid CONFIG; they document their eviction policy instead.
  }
}
