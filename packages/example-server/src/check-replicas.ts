import type { BullMQQueue } from 'acadle-webhooks/bullmq';
import { CannotStartError } from 'acadle-webhooks-embedded-database';

/**
 * Refuses to start (one line, exit 1) when REDIS_MIN_REPLICAS asks for more replicas than the
 * primary has: every delivery would be answered 503, and Acadle would retry for three days in vain.
 */
export async function checkReplicas(queue: BullMQQueue, minReplicas: number): Promise<void> {
  if (minReplicas === 0) return;
  let connected: number;
  try {
    connected = await queue.connectedReplicas();
  } catch (error) {
    await queue.close().catch(() => {});
    throw new CannotStartError(
      `REDIS_MIN_REPLICAS=${minReplicas}: could not count the primary's replicas (${(error as Error).message})`,
    );
  }
  if (connected < minReplicas) {
    await queue.close().catch(() => {});
    throw new CannotStartError(
      `REDIS_MIN_REPLICAS=${minReplicas}, but the Redis primary has ${connected} connected replica${connected === 1 ? '' : 's'}: add replicas or lower REDIS_MIN_REPLICAS`,
    );
  }
}
