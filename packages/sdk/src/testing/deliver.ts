import { parseEnvelope } from '../events/parse-envelope.js';
import { outcomeOf, type Processor } from '../processor/create-processor.js';
import type { ProcessOutcome } from '../processor/process-outcome.js';
import type { Delivery, DeliveryProcessor, ProcessContext } from '../queue/event-queue.js';
import { DEFAULT_ACADEMY } from '../shared/academy.js';

/** How `deliver` runs the attempt. */
export interface DeliverOptions {
  /** The attempt number handlers see in `context.attempt`, e.g. to test what a retry does. @defaultValue `1` */
  attempt?: number;
  /** The academy handlers see in `context.academy`, as a receiver with several academies would store it. @defaultValue `'default'` */
  academy?: string;
}

/**
 * Runs a processor on one delivery, in process, and resolves with the attempt's outcome: handlers
 * are unit-tested in Jest, Vitest or `node:test`, with no HTTP server and no queue. Never rejects
 * for a handler's error or an invalid payload: those are the `failed` and `invalid` outcomes, with
 * the error.
 *
 * `input` is the body as Acadle would send it: text, bytes (read as UTF-8), or any JSON value such
 * as a `createEvent` delivery. The delivery's id and type are read from the body when it has them
 * (otherwise they are empty), `receivedAt` is now, and the request metadata is `undefined`.
 *
 * A `createProcessor` processor reports its own outcome (and calls its `onOutcome`). Any other
 * `DeliveryProcessor`, such as a hand-written function, can only succeed or throw: it resolves as
 * `handled` when it returns, and as `failed`, with what it threw, when it throws.
 *
 * @example
 * ```ts
 * import { createProcessor } from 'acadle-webhooks';
 * import { createEvent, deliver } from 'acadle-webhooks/testing';
 *
 * const processor = createProcessor({ handlers: { user_registered: (event) => crm.addContact(event.data.user) } });
 * const { result, error } = await deliver(processor, createEvent('user_registered'));
 * // result: 'handled', or 'failed' with what addContact threw
 * ```
 */
export async function deliver(
  processor: Processor | DeliveryProcessor,
  input: unknown,
  options: DeliverOptions = {},
): Promise<ProcessOutcome> {
  const delivery = deliveryOf(input, options.academy ?? DEFAULT_ACADEMY);
  const context: ProcessContext = { attempt: options.attempt ?? 1, signal: new AbortController().signal };
  if ('run' in processor && typeof processor.run === 'function') return processor.run(delivery, context);

  const started = performance.now();
  try {
    await processor(delivery, context);
    return outcomeOf(delivery, context.attempt, started, 'handled');
  } catch (error) {
    return outcomeOf(delivery, context.attempt, started, 'failed', error);
  }
}

/** The `Delivery` a receiver would store for this body (one it would refuse too, which the processor finds invalid). */
function deliveryOf(input: unknown, academy: string): Delivery {
  const parsed = parseEnvelope(input);
  return {
    id: parsed.ok ? parsed.envelope.id : '',
    type: parsed.ok ? parsed.envelope.type : '',
    academy,
    body: parsed.ok ? (parsed.text ?? JSON.stringify(parsed.value)) : bodyText(input),
    receivedAt: new Date().toISOString(),
    request: { remoteAddress: undefined, userAgent: undefined, contentType: undefined },
  };
}

function bodyText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return new TextDecoder().decode(input);
  try {
    return JSON.stringify(input) ?? String(input);
  } catch {
    // A value JSON cannot hold (a BigInt, a cycle) is a body that is not JSON: the processor says `invalid`.
    return String(input);
  }
}
