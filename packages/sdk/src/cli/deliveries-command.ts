import { normalizeFilter } from '../deliveries/delivery-filter.js';
import type { DeliveryFilter, DeliveryStatus } from '../deliveries/delivery-log.js';
import { CliError, type CliIo } from './cli-io.js';
import { formatDelivery, formatDeliveryTable } from './format-deliveries.js';
import { openQueue, type StoreOptions, storeOf } from './open-queue.js';

/** Options of `acadle-webhooks deliveries list|show|replay` (and of `dead-letters`, with `status` set). */
export interface DeliveriesOptions extends StoreOptions {
  id?: string[];
  type?: string;
  status?: string;
  email?: string;
  userId?: string;
  courseId?: string;
  academy?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
  dryRun?: boolean;
  json?: boolean;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** A filter error ("userId: …") with the option's name ("--user-id: …"). */
const optionNamed = (message: string) =>
  message.replace(/^(\w+):/, (_, name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:`);

/** The filter the options describe, times checked before anything connects. */
function filterOf(options: DeliveriesOptions): DeliveryFilter {
  for (const name of ['since', 'until'] as const) {
    const value = options[name];
    if (value !== undefined && Number.isNaN(Date.parse(value)))
      throw new CliError(`Invalid --${name} "${value}": expected an ISO 8601 time such as 2026-11-28T00:00:00Z`);
  }
  const filter: DeliveryFilter = {
    ids: options.id,
    type: options.type,
    status: options.status as DeliveryStatus | undefined,
    email: options.email,
    userId: options.userId,
    courseId: options.courseId,
    academy: options.academy,
    since: options.since,
    until: options.until,
  };
  try {
    normalizeFilter(filter);
  } catch (error) {
    throw new CliError(`Invalid ${optionNamed((error as Error).message)}`);
  }
  return filter;
}

const isEmpty = (filter: DeliveryFilter) => Object.values(filter).every((value) => value === undefined);

/**
 * `acadle-webhooks deliveries list|show <eventId>|replay`: reads the delivery log of a queue on Redis
 * or PostgreSQL with `findDeliveries` and `getDelivery`, or replays with `replayDeliveries`;
 * `noun` names what is listed ("delivery", or "dead letter" for `dead-letters`). Returns the exit code.
 */
export async function deliveriesCommand(
  io: CliIo,
  action: 'list' | 'show' | 'replay',
  options: DeliveriesOptions,
  noun = 'delivery',
): Promise<number> {
  const store = storeOf(options);
  const filter = filterOf(options);
  const nouns = (count: number) => plural(count, noun).replace(/ys$/, 'ies');
  const { queue, close } = await openQueue(store, options.queue);
  const print = (text: string) => io.stdout.write(`${text}\n`);
  try {
    if (action === 'show') {
      const eventId = options.id?.[0] as string;
      const entry = await queue.getDelivery(eventId, options.academy);
      if (entry === undefined || (filter.status !== undefined && entry.status !== filter.status))
        throw new CliError(`No ${noun} with event id "${eventId}" in queue "${queue.queue.name}"`);
      print(options.json ? JSON.stringify(entry, null, 2) : formatDelivery(entry));
      return 0;
    }
    if (action === 'replay') {
      if (isEmpty(filter))
        throw new CliError('Name what to replay: --id, or a filter such as --status dead or --type and --since');
      const result = await queue.replayDeliveries({ filter, dryRun: options.dryRun });
      if (options.json)
        print(JSON.stringify(options.dryRun ? { matched: result.matched } : { replayed: result.replayed }));
      else if (options.dryRun) print(`Would replay ${nouns(result.matched)}.`);
      else print(`Replayed ${nouns(result.replayed)}.`);
      return 0;
    }
    const page = await queue.findDeliveries({ ...filter, limit: options.limit, cursor: options.cursor });
    if (options.json) print(JSON.stringify(page, null, 2));
    else if (page.deliveries.length === 0 && page.next === null) print(`No ${noun.replace(/y$/, 'ie')}s.`);
    else {
      if (page.deliveries.length > 0) print(formatDeliveryTable(page.deliveries));
      print(
        page.next === null
          ? `${nouns(page.deliveries.length)}.`
          : `${nouns(page.deliveries.length)}; more with --cursor ${page.next}`,
      );
    }
    return 0;
  } catch (error) {
    // A bad filter (e.g. an unknown --status) is the store's one-line TypeError.
    const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
    if (name === 'TypeError' && typeof message === 'string') throw new CliError(`Invalid ${optionNamed(message)}`);
    throw error;
  } finally {
    await close();
  }
}
