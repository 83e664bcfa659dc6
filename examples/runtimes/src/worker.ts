// The serverless recipe: a Cloudflare Worker that stores each delivery in a Cloudflare Queue before
// answering 200 (503 when the queue refuses it, so that Acadle retries), and consumes that queue with
// the SDK's processor. Cloudflare Queues deliver at least once and do not deduplicate: `duplicate` is
// always false here, and handlers must be idempotent (key side effects by the event id).
import { createProcessor, type Delivery, type EventQueue } from 'acadle-webhooks';
import { createFetchHandler, type FetchHandler } from 'acadle-webhooks/web';

/** The bindings of wrangler.toml: the queue (producer and consumer), the token, where actions go. */
export interface Env {
  DELIVERIES: { send(body: Delivery): Promise<void> };
  WEBHOOK_TOKEN: string;
  FORWARD_URL: string;
}

interface QueueMessage {
  body: Delivery;
  attempts: number;
  ack(): void;
  retry(): void;
}

/** Stores deliveries in a Cloudflare Queue: resolves once Cloudflare has the message. */
function cloudflareQueue(queue: Env['DELIVERIES']): EventQueue {
  return {
    async enqueue(delivery) {
      await queue.send(delivery);
      return { duplicate: false };
    },
    async close() {},
  };
}

/** Your handlers: here, every documented event is forwarded to FORWARD_URL, keyed by its id. */
function createDeliveryProcessor(env: Env) {
  return createProcessor({
    handlers: {},
    onEvent: async (event) => {
      const response = await fetch(env.FORWARD_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': event.id },
        body: JSON.stringify({ eventId: event.id, type: event.type }),
      });
      if (!response.ok) throw new Error(`forwarding answered ${response.status}`);
    },
  });
}

let receive: FetchHandler | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    receive ??= createFetchHandler({ queue: cloudflareQueue(env.DELIVERIES), auth: { tokens: [env.WEBHOOK_TOKEN] } });
    return receive(request);
  },

  async queue(batch: { messages: readonly QueueMessage[] }, env: Env): Promise<void> {
    const processor = createDeliveryProcessor(env);
    for (const message of batch.messages) {
      const outcome = await processor.run(message.body, {
        attempt: message.attempts,
        signal: new AbortController().signal,
      });
      // A failed handler is retried by Cloudflare (then its dead-letter queue); anything else is done.
      if (outcome.result === 'failed') message.retry();
      else message.ack();
    }
  },
};
